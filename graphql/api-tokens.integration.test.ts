import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ADMIN, CLIENT, gql, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";

type Data = Record<string, any>;

const CREATE_TOKEN = /* GraphQL */ `
  mutation Token($name: String!, $role: Role, $tenantIds: [ID!], $expiresAt: DateTime) {
    createApiToken(name: $name, role: $role, tenantIds: $tenantIds, expiresAt: $expiresAt) {
      __typename
      ... on MutationCreateApiTokenSuccess { data { token apiToken { id name prefix role tenantIds active owner { email } } } }
      ... on Error { code message }
      ... on ValidationError { fieldErrors { field message } }
    }
  }
`;
const REVOKE = /* GraphQL */ `mutation Revoke($id: ID!) { revokeApiToken(id: $id) { __typename ... on MutationRevokeApiTokenSuccess { data { id revokedAt active } } ... on Error { code } } }`;
const TENANTS = /* GraphQL */ `query { tenants(first: 50) { edges { node { id domain } } } }`;
const TENANT = /* GraphQL */ `query One($id: ID!) { tenant(id: $id) { __typename ... on QueryTenantSuccess { data { id } } ... on Error { code } } }`;
const CREATE_TENANT = /* GraphQL */ `
  mutation Create($input: CreateTenantInput!) {
    createTenant(input: $input) { __typename ... on MutationCreateTenantSuccess { data { id } } ... on Error { code message } }
  }
`;
const TOKENS = /* GraphQL */ `query { apiTokens(first: 50) { edges { node { id name owner { email } lastUsedAt lastUsedIp } } } }`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("API tokens", () => {
  let t: TestApp;
  let admin: string;
  let client: string;
  let clientTenant: string;
  let otherTenant: string;

  async function createToken(cookie: string, variables: Data) {
    const res = await gql<Data>(t.url, CREATE_TOKEN, variables, { cookie });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.createApiToken;
  }

  beforeAll(async () => {
    t = await startTestApp({}, { worker: false });
    await seedUsers(t.app);
    await t.app.services.users.create({ email: "other@example.com", password: "other password 123", role: "CLIENT" });
    admin = await signIn(t.url, ADMIN);
    client = await signIn(t.url, CLIENT);
    const make = async (domain: string, ownerEmail: string) => {
      const res = await gql<Data>(t.url, CREATE_TENANT, { input: { name: domain.split(".")[0], domain, ownerEmail } }, { cookie: admin });
      return res.body.data!.createTenant.data.id as string;
    };
    clientTenant = await make("one.example.com", CLIENT.email);
    otherTenant = await make("two.example.com", "other@example.com");
  });
  afterAll(() => t.close());

  it("lets an ADMIN token act as the ADMIN over HTTP, shown once and stored hashed", async () => {
    const created = await createToken(admin, { name: "ops" });
    expect(created.__typename).toBe("MutationCreateApiTokenSuccess");
    const { token, apiToken } = created.data;
    expect(token).toMatch(/^mtp_[\w-]{40,}$/);
    expect(apiToken).toMatchObject({ name: "ops", role: "ADMIN", tenantIds: null, active: true, owner: { email: ADMIN.email } });
    expect(token.startsWith(apiToken.prefix)).toBe(true);
    const row = await t.app.services.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(JSON.stringify(row)).not.toContain(token);

    const me = await gql<Data>(t.url, "{ me { email role } }", {}, bearer(token));
    expect(me.body.data!.me).toEqual({ email: ADMIN.email, role: "ADMIN" });
    const list = await gql<Data>(t.url, TENANTS, {}, bearer(token));
    expect(list.body.data!.tenants.edges.map((e: Data) => e.node.id).sort()).toEqual([clientTenant, otherTenant].sort());
    // Used from a script: no Origin header at all.
    const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...bearer(token) }, body: JSON.stringify({ query: "{ me { email } }" }) });
    expect(await res.json()).toEqual({ data: { me: { email: ADMIN.email } } });
    const used = await t.app.services.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(used.lastUsedAt).not.toBeNull();
    expect(used.lastUsedIp).toBe("127.0.0.1");
  });

  it("narrows an ADMIN's CLIENT token to the listed tenants, and it cannot act as an ADMIN", async () => {
    const missing = await createToken(admin, { name: "billing", role: "CLIENT" });
    expect(missing).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "tenantIds" }] });
    const { token, apiToken } = (await createToken(admin, { name: "billing", role: "CLIENT", tenantIds: [otherTenant] })).data;
    expect(apiToken).toMatchObject({ role: "CLIENT", tenantIds: [otherTenant] });

    const list = await gql<Data>(t.url, TENANTS, {}, bearer(token));
    expect(list.body.data!.tenants.edges.map((e: Data) => e.node.id)).toEqual([otherTenant]);
    const hidden = await gql<Data>(t.url, TENANT, { id: clientTenant }, bearer(token));
    expect(hidden.body.data!.tenant).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND" });
    const forbidden = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "x", domain: "x.example.com", ownerEmail: CLIENT.email } }, bearer(token));
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // A narrowed token cannot mint a wider one.
    const wider = await gql<Data>(t.url, CREATE_TOKEN, { name: "escape" }, bearer(token));
    expect(wider.body.data!.createApiToken).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "tenantIds" }] });
    const widerAdmin = await gql<Data>(t.url, CREATE_TOKEN, { name: "escape", role: "ADMIN" }, bearer(token));
    expect(widerAdmin.body.data!.createApiToken.fieldErrors.map((e: Data) => e.field)).toContain("role");
  });

  it("limits a CLIENT's tokens to their own tenants and role", async () => {
    const foreign = await createToken(client, { name: "mine", tenantIds: [otherTenant] });
    expect(foreign).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "tenantIds", message: expect.stringContaining(otherTenant) }] });
    const elevated = await createToken(client, { name: "mine", role: "ADMIN" });
    expect(elevated).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "role" }] });
    const past = await createToken(client, { name: "mine", expiresAt: "2000-01-01T00:00:00Z" });
    expect(past).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "expiresAt" }] });
    const blank = await createToken(client, { name: "  " });
    expect(blank).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "name" }] });

    const { token } = (await createToken(client, { name: "mine" })).data;
    const list = await gql<Data>(t.url, TENANTS, {}, bearer(token));
    expect(list.body.data!.tenants.edges.map((e: Data) => e.node.id)).toEqual([clientTenant]);
    expect(list.text).not.toContain(otherTenant);
    const hidden = await gql<Data>(t.url, TENANT, { id: otherTenant }, bearer(token));
    expect(hidden.body.data!.tenant.code).toBe("NOT_FOUND");

    const mineOnly = await gql<Data>(t.url, TOKENS, {}, { cookie: client });
    expect(mineOnly.body.data!.apiTokens.edges.map((e: Data) => e.node.owner.email)).toEqual([CLIENT.email]);
    const all = await gql<Data>(t.url, TOKENS, {}, { cookie: admin });
    expect(new Set(all.body.data!.apiTokens.edges.map((e: Data) => e.node.owner.email))).toEqual(new Set([ADMIN.email, CLIENT.email]));
  });

  it("refuses revoked, expired, unknown and malformed tokens with the reason, never falling back to the cookie", async () => {
    const { token, apiToken } = (await createToken(client, { name: "short-lived" })).data;
    const other = await gql<Data>(t.url, REVOKE, { id: apiToken.id }, { cookie: await signIn(t.url, { email: "other@example.com", password: "other password 123" }) });
    expect(other.body.data!.revokeApiToken).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND" });

    const revoked = await gql<Data>(t.url, REVOKE, { id: apiToken.id }, { cookie: client });
    expect(revoked.body.data!.revokeApiToken.data).toMatchObject({ id: apiToken.id, active: false });
    const again = await gql<Data>(t.url, TENANTS, {}, { ...bearer(token), cookie: client });
    expect(again.body.errors?.[0]).toMatchObject({ message: "The API token was revoked.", extensions: { code: "NOT_AUTHENTICATED" } });

    const { token: expiring, apiToken: expiringRow } = (await createToken(client, { name: "expiring" })).data;
    await t.app.services.prisma.apiToken.update({ where: { id: expiringRow.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await gql<Data>(t.url, TENANTS, {}, bearer(expiring));
    expect(expired.body.errors?.[0]?.message).toBe("The API token has expired.");

    const unknown = await gql<Data>(t.url, TENANTS, {}, bearer(`mtp_${"x".repeat(43)}`));
    expect(unknown.body.errors?.[0]?.message).toBe("The API token is unknown.");
    const basic = await gql<Data>(t.url, TENANTS, {}, { authorization: "Basic YWRtaW46cGFzcw==" });
    expect(basic.body.errors?.[0]?.message).toContain("Bearer");
    const me = await gql<Data>(t.url, "{ me { email } }", {}, bearer(expiring));
    expect(me.body.data!.me).toBeNull();
  });

  it("follows its owner's role: a demoted ADMIN's token acts as a CLIENT", async () => {
    await t.app.services.users.create({ email: "staff@example.com", password: "staff password 123", role: "ADMIN" });
    const staff = await signIn(t.url, { email: "staff@example.com", password: "staff password 123" });
    const { token } = (await createToken(staff, { name: "staff" })).data;
    await t.app.services.prisma.user.update({ where: { email: "staff@example.com" }, data: { role: "CLIENT" } });
    const me = await gql<Data>(t.url, "{ me { role } tenants(first: 5) { edges { node { id } } } }", {}, bearer(token));
    expect(me.body.data!.tenants.edges).toEqual([]);
    const create = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "x", domain: "x.example.com", ownerEmail: CLIENT.email } }, bearer(token));
    expect(create.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("authenticates graphql-ws with the token in the connection params", async () => {
    const { token } = (await createToken(client, { name: "ws" })).data;
    const run = (connectionParams: Record<string, unknown>) =>
      new Promise<unknown>((resolve, reject) => {
        const ws = createClient({ url: `${t.url.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams });
        let result: unknown;
        ws.subscribe(
          { query: "{ me { email } tenants(first: 5) { edges { node { id } } } }" },
          {
            next: (value) => (result = value),
            error: (error) => (void ws.dispose(), reject(error)),
            complete: () => (void ws.dispose(), resolve(result)),
          },
        );
      });
    expect(await run({ authorization: `Bearer ${token}` })).toEqual({ data: { me: { email: CLIENT.email }, tenants: { edges: [{ node: { id: clientTenant } }] } } });
    const refused = (await run({ authorization: "Bearer mtp_nope" })) as Data;
    expect(refused.errors[0].message).toBe("The API token is unknown.");
  });

  it("rate-limits token creation per account", async () => {
    await t.app.services.users.create({ email: "busy@example.com", password: "busy password 123", role: "CLIENT" });
    const busy = await signIn(t.url, { email: "busy@example.com", password: "busy password 123" });
    for (let i = 0; i < 20; i++) expect((await createToken(busy, { name: `t${i}` })).__typename).toBe("MutationCreateApiTokenSuccess");
    const limited = await gql<Data>(t.url, CREATE_TOKEN, { name: "one too many" }, { cookie: busy });
    expect(limited.body.data!.createApiToken).toMatchObject({ code: "TOO_MANY_ATTEMPTS", message: expect.stringContaining("API tokens created") });
  });
});
