import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, CLIENT, gql, LOGIN, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";

type Data = Record<string, any>;

const AUDIT = /* GraphQL */ `
  query Audit($tenantId: ID, $actorId: ID, $action: String, $failedOnly: Boolean) {
    auditLog(first: 50, tenantId: $tenantId, actorId: $actorId, action: $action, failedOnly: $failedOnly) {
      edges { node { id action actorType actorId tokenId actorLabel targetType targetId tenantId ip result ok detail } }
    }
  }
`;
const CREATE_TENANT = /* GraphQL */ `
  mutation Create($input: CreateTenantInput!) {
    createTenant(input: $input) { __typename ... on MutationCreateTenantSuccess { data { id } } ... on Error { code } }
  }
`;

describe("the audit log", () => {
  let t: TestApp;
  let admin: string;
  let client: string;
  let adminId: string;

  const audit = async (variables: Data = {}) => {
    const res = await gql<Data>(t.url, AUDIT, variables, { cookie: admin });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.auditLog.edges.map((e: Data) => e.node);
  };

  beforeAll(async () => {
    t = await startTestApp({}, { worker: false });
    await seedUsers(t.app);
    admin = await signIn(t.url, ADMIN);
    client = await signIn(t.url, CLIENT);
    adminId = (await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: ADMIN.email } })).id;
  });
  afterAll(() => t.close());

  it("records sign-ins, successful or not, without the password", async () => {
    await gql(t.url, LOGIN, { email: "nobody@example.com", password: "a secret guess 123" });
    const entries = await audit({ action: "login" });
    expect(entries[0]).toMatchObject({ actorType: "ANONYMOUS", actorLabel: "nobody@example.com", result: "INVALID_CREDENTIALS", ok: false, ip: "127.0.0.1" });
    expect(entries.some((e: Data) => e.result === "OK" && e.actorLabel === ADMIN.email)).toBe(true);
    const raw = JSON.stringify(await t.app.services.prisma.auditEntry.findMany());
    expect(raw).not.toContain("a secret guess 123");
    expect(raw).not.toContain(ADMIN.password);
    expect(raw).toContain("[redacted]");
  });

  it("records a mutation with its actor, target, tenant and outcome; secrets removed", async () => {
    const res = await gql<Data>(
      t.url,
      CREATE_TENANT,
      { input: { name: "Audited", domain: "audited.example.com", ownerEmail: CLIENT.email, mailerDsn: "smtp://user:hunter2@mail.example.com:587" } },
      { cookie: admin },
    );
    const tenantId = res.body.data!.createTenant.data.id;
    const [entry] = await audit({ tenantId });
    expect(entry).toMatchObject({ action: "createTenant", actorType: "USER", actorId: adminId, actorLabel: ADMIN.email, targetType: "Tenant", targetId: tenantId, tenantId, result: "OK" });
    const detail = JSON.parse(entry.detail);
    expect(detail.arguments.input).toMatchObject({ name: "Audited", domain: "audited.example.com", mailerDsn: "[redacted]" });
    expect(entry.detail).not.toContain("hunter2");

    const duplicate = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Again", domain: "audited.example.com", ownerEmail: CLIENT.email } }, { cookie: admin });
    expect(duplicate.body.data!.createTenant.code).toBe("CONFLICT");
    const [conflict] = await audit({ action: "createTenant", failedOnly: true });
    expect(conflict).toMatchObject({ result: "CONFLICT", ok: false });
    expect(JSON.parse(conflict.detail).message).toContain("audited.example.com");
  });

  it("records refused calls too, and only an ADMIN may read the log", async () => {
    const refused = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Nope", domain: "nope.example.com", ownerEmail: CLIENT.email } }, { cookie: client });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const [entry] = await audit({ action: "createTenant", failedOnly: true });
    expect(entry).toMatchObject({ actorLabel: CLIENT.email, result: "FORBIDDEN" });

    const asClient = await gql<Data>(t.url, AUDIT, {}, { cookie: client });
    expect(asClient.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await gql<Data>(t.url, AUDIT, {});
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("NOT_AUTHENTICATED");
  });

  it("names the token an integrator used, and never stores the token", async () => {
    const created = await gql<Data>(t.url, `mutation { createApiToken(name: "ci") { ... on MutationCreateApiTokenSuccess { data { token apiToken { id } } } } }`, {}, { cookie: admin });
    const { token, apiToken } = created.body.data!.createApiToken.data;
    const [creation] = await audit({ action: "createApiToken" });
    expect(creation).toMatchObject({ targetType: "ApiToken", targetId: apiToken.id, result: "OK" });
    await gql(t.url, `mutation { revokeApiToken(id: "${apiToken.id}") { __typename } }`, {}, { authorization: `Bearer ${token}` });
    const [revocation] = await audit({ action: "revokeApiToken" });
    expect(revocation).toMatchObject({ actorType: "TOKEN", tokenId: apiToken.id, actorId: adminId, actorLabel: `${ADMIN.email} (token “ci”)`, targetId: apiToken.id });
    expect(JSON.stringify(await t.app.services.prisma.auditEntry.findMany())).not.toContain(token);
  });
});
