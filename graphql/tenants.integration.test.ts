import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ADMIN, CLIENT, gql, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";
import { until } from "../test/wait";

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateTenantInput!) {
    createTenant(input: $input) {
      __typename
      ... on MutationCreateTenantSuccess { data { id slug domain status url owner { email } } }
      ... on Error { code message }
      ... on ValidationError { fieldErrors { field message } }
      ... on ConflictError { field }
    }
  }
`;
const TENANT = /* GraphQL */ `
  query One($id: ID!) { tenant(id: $id) { __typename ... on QueryTenantSuccess { data { id domain status } } ... on Error { code message } } }
`;
const LIST = /* GraphQL */ `query { tenants(first: 10) { edges { node { id domain } } pageInfo { hasNextPage } } }`;

type Data = Record<string, any>;


describe("tenants through GraphQL", () => {
  let t: TestApp;
  let admin: string;
  let client: string;
  let other: string;
  let clientId: string;
  let tenantId: string;

  beforeAll(async () => {
    t = await startTestApp();
    await seedUsers(t.app);
    await t.app.services.users.create({ email: "other@example.com", password: "other password 123", role: "CLIENT" });
    admin = await signIn(t.url, ADMIN);
    client = await signIn(t.url, CLIENT);
    other = await signIn(t.url, { email: "other@example.com", password: "other password 123" });
    clientId = (await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: CLIENT.email } })).id;
  });
  afterAll(() => t.close());

  it("lets an ADMIN create a tenant for a client, which then provisions to ACTIVE", async () => {
    const res = await gql<Data>(t.url, CREATE, { input: { name: "Acme", domain: "Mautic.Acme.Example", ownerEmail: CLIENT.email } }, { cookie: admin });
    expect(res.body.errors).toBeUndefined();
    const created = res.body.data!.createTenant;
    expect(created).toMatchObject({ __typename: "MutationCreateTenantSuccess", data: { slug: "acme", domain: "mautic.acme.example", status: "PENDING", url: "https://mautic.acme.example", owner: { email: CLIENT.email } } });
    tenantId = created.data.id;
    await until(async () => (await gql<Data>(t.url, TENANT, { id: tenantId }, { cookie: client })).body.data!.tenant.data?.status, (s) => s === "ACTIVE", "ACTIVE");
  });

  it("answers bad input and a taken domain with typed errors naming the field", async () => {
    const bad = await gql<Data>(t.url, CREATE, { input: { name: "", domain: "not a domain", ownerId: clientId, plan: "huge" } }, { cookie: admin });
    const fields = bad.body.data!.createTenant.fieldErrors.map((e: { field: string }) => e.field).sort();
    expect(bad.body.data!.createTenant.__typename).toBe("ValidationError");
    expect(fields).toEqual(["domain", "name", "plan"]);
    const taken = await gql<Data>(t.url, CREATE, { input: { name: "Again", domain: "mautic.acme.example", ownerId: clientId } }, { cookie: admin });
    expect(taken.body.data!.createTenant).toMatchObject({ __typename: "ConflictError", code: "CONFLICT", field: "domain" });
  });

  it("keeps clients to their own tenants: another client's tenant looks missing", async () => {
    const own = await gql<Data>(t.url, TENANT, { id: tenantId }, { cookie: client });
    expect(own.body.data!.tenant.data.id).toBe(tenantId);
    const foreign = await gql<Data>(t.url, TENANT, { id: tenantId }, { cookie: other });
    const missing = await gql<Data>(t.url, TENANT, { id: "no-such-tenant" }, { cookie: other });
    expect(foreign.body.data!.tenant).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND", message: "The tenant was not found." });
    expect(missing.body.data!.tenant).toEqual(foreign.body.data!.tenant);
    expect((await gql<Data>(t.url, LIST, {}, { cookie: other })).body.data!.tenants.edges).toEqual([]);
    expect((await gql<Data>(t.url, LIST, {}, { cookie: client })).body.data!.tenants.edges.map((e: Data) => e.node.id)).toEqual([tenantId]);
    const events = await gql<Data>(t.url, `query($id: ID!) { tenantEvents(tenantId: $id) { __typename ... on Error { code } } }`, { id: tenantId }, { cookie: other });
    expect(events.body.data!.tenantEvents).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(foreign.text).not.toContain("acme");
  });

  it("refuses tenant operations to clients and to the signed-out", async () => {
    const asClient = await gql<Data>(t.url, CREATE, { input: { name: "Mine", domain: "mine.example.com", ownerId: clientId } }, { cookie: client });
    expect(asClient.body.errors?.[0]).toMatchObject({ message: "You are not allowed to do this.", extensions: { code: "FORBIDDEN" } });
    const anonymous = await gql<Data>(t.url, LIST);
    expect(anonymous.body.errors?.[0]).toMatchObject({ extensions: { code: "NOT_AUTHENTICATED" } });
    const suspend = await gql<Data>(t.url, `mutation($id: ID!) { suspendTenant(id: $id) { __typename } }`, { id: tenantId }, { cookie: client });
    expect(suspend.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("replays missed events over WebSocket, then streams new ones, without gaps or repeats", async () => {
    const all = (await gql<Data>(t.url, `query($id: ID!) { tenantEvents(tenantId: $id, first: 500) { ... on QueryTenantEventsSuccess { data { id type } } } }`, { id: tenantId }, { cookie: client })).body.data!.tenantEvents.data as { id: number; type: string }[];
    expect(all.length).toBeGreaterThan(10);
    const resumeAfter = all[4]!.id;
    class CookieWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { cookie: client, origin: t.url } });
      }
    }
    const ws = createClient({ url: `${t.url.replace("http", "ws")}/graphql`, webSocketImpl: CookieWebSocket, retryAttempts: 0 });
    const received: number[] = [];
    const stop = ws.subscribe(
      { query: `subscription($id: ID!, $after: Int) { tenantEvents(tenantId: $id, afterEventId: $after) { id type } }`, variables: { id: tenantId, after: resumeAfter } },
      { next: (value) => received.push((value.data as Data).tenantEvents.id), error: (e) => { throw e; }, complete: () => undefined },
    );
    const replayed = all.filter((e) => e.id > resumeAfter).map((e) => e.id);
    await until(async () => received.length, (n) => n >= replayed.length, "the replay");
    expect(received).toEqual(replayed);
    // A new event arrives live: suspending the tenant writes several.
    const suspend = await gql<Data>(t.url, `mutation($id: ID!) { suspendTenant(id: $id) { __typename } }`, { id: tenantId }, { cookie: admin });
    expect(suspend.body.data!.suspendTenant.__typename).toBe("MutationSuspendTenantSuccess");
    await until(async () => received.length, (n) => n >= replayed.length + 2, "live events");
    const final = (await t.app.services.prisma.tenantEvent.findMany({ where: { tenantId, id: { gt: resumeAfter } }, orderBy: { id: "asc" } })).map((e) => e.id);
    await until(async () => received.length, (n) => n >= final.length, "every event");
    expect(received).toEqual(final);
    stop();
    await ws.dispose();
  });

  it("deletes only with the domain typed as confirmation", async () => {
    const wrong = await gql<Data>(t.url, `mutation($id: ID!) { deleteTenant(id: $id, deleteData: true, confirm: "nope") { __typename ... on ValidationError { fieldErrors { field message } } } }`, { id: tenantId }, { cookie: admin });
    expect(wrong.body.data!.deleteTenant).toEqual({ __typename: "ValidationError", fieldErrors: [{ field: "confirm", message: "Type the tenant's domain (mautic.acme.example) to confirm" }] });
    expect((await t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).not.toBe("DELETING");
  });
});
