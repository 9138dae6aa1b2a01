import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, CLIENT, gql, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";
import { until } from "../test/wait";
import { schema } from "./schema";

type Data = Record<string, any>;

const CREATE_TENANT = /* GraphQL */ `
  mutation($input: CreateTenantInput!) { createTenant(input: $input) { ... on MutationCreateTenantSuccess { data { id } } ... on Error { code message } } }
`;
const CREATE_BACKUP = /* GraphQL */ `
  mutation($id: ID!) {
    createBackup(tenantId: $id) {
      __typename
      ... on MutationCreateBackupSuccess { data { id name status trigger requestedByType requestedById tenant { id } } }
      ... on Error { code message }
    }
  }
`;
const BACKUPS = /* GraphQL */ `
  query($id: ID, $status: BackupStatus) {
    backups(tenantId: $id, status: $status, first: 20) {
      edges { node { id name status trigger sizeBytes sha256 location error mauticImage tenant { id domain } } }
    }
  }
`;

describe("backups through GraphQL", () => {
  let t: TestApp;
  let admin: string;
  let client: string;
  let other: string;
  let tenantA: string;
  let tenantB: string;

  const idle = (id: string) => until(() => t.app.services.prisma.job.count({ where: { tenantId: id, status: { in: ["QUEUED", "RUNNING"] } } }), (n) => n === 0, "no open job");
  const list = async (cookie: string, variables: Data = {}) => (await gql<Data>(t.url, BACKUPS, variables, { cookie })).body.data!.backups.edges.map((e: Data) => e.node);

  beforeAll(async () => {
    t = await startTestApp();
    await seedUsers(t.app);
    await t.app.services.users.create({ email: "other@example.com", password: "other password 123", role: "CLIENT" });
    admin = await signIn(t.url, ADMIN);
    client = await signIn(t.url, CLIENT);
    other = await signIn(t.url, { email: "other@example.com", password: "other password 123" });
    const create = async (name: string, owner: string) =>
      (await gql<Data>(t.url, CREATE_TENANT, { input: { name, domain: `${name.toLowerCase()}.example.com`, ownerEmail: owner } }, { cookie: admin })).body.data!.createTenant.data.id as string;
    tenantA = await create("Acme", CLIENT.email);
    tenantB = await create("Globex", "other@example.com");
    for (const id of [tenantA, tenantB]) {
      await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id } }), (x) => x.status === "ACTIVE", "ACTIVE");
      await idle(id);
    }
  });
  afterAll(() => t.close());

  it("lets the owner back up their tenant and follow it to SUCCEEDED", async () => {
    const res = await gql<Data>(t.url, CREATE_BACKUP, { id: tenantA }, { cookie: client });
    const created = res.body.data!.createBackup;
    expect(created.__typename).toBe("MutationCreateBackupSuccess");
    const clientId = (await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: CLIENT.email } })).id;
    expect(created.data).toMatchObject({ status: "QUEUED", trigger: "MANUAL", requestedByType: "USER", requestedById: clientId, tenant: { id: tenantA } });
    await idle(tenantA);
    const [backup] = await list(client, { id: tenantA });
    expect(backup).toMatchObject({ id: created.data.id, status: "SUCCEEDED", location: `volume:${created.data.name}.tar`, error: null, mauticImage: "mautic/mautic:7.2.0-apache" });
    expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(backup.sizeBytes).toBeGreaterThan(0);
    // Audited, with the backup as target and the tenant for filtering.
    const audit = await t.app.services.prisma.auditEntry.findFirstOrThrow({ where: { action: "createBackup", result: "OK" } });
    expect(audit).toMatchObject({ targetType: "Backup", targetId: created.data.id, tenantId: tenantA, actorId: clientId });
  });

  it("refuses a second backup while one is under way, with a ConflictError", async () => {
    const first = await gql<Data>(t.url, CREATE_BACKUP, { id: tenantB }, { cookie: admin });
    expect(first.body.data!.createBackup.__typename).toBe("MutationCreateBackupSuccess");
    const second = await gql<Data>(t.url, CREATE_BACKUP, { id: tenantB }, { cookie: admin });
    expect(second.body.data!.createBackup).toMatchObject({ __typename: "ConflictError", code: "CONFLICT", message: "This tenant is busy: a backup job is in progress." });
    await idle(tenantB);
  });

  it("never shows or backs up another client's tenant", async () => {
    const res = await gql<Data>(t.url, CREATE_BACKUP, { id: tenantA }, { cookie: other });
    expect(res.body.data!.createBackup).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(await list(other, { id: tenantA })).toEqual([]);
    const own = await list(other);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((b: Data) => b.tenant.id === tenantB)).toBe(true);
    const text = JSON.stringify(own);
    expect(text).not.toContain(tenantA);
    expect(text).not.toContain("acme.example.com");
    // An ADMIN sees both tenants' backups, and can filter.
    const all = await list(admin);
    expect(new Set(all.map((b: Data) => b.tenant.id))).toEqual(new Set([tenantA, tenantB]));
    expect((await list(admin, { status: "FAILED" })).length).toBe(0);
  });

  it("lets a CLIENT restore over their tenant only when an admin allowed it, and never another client's backup", async () => {
    const RESTORE = /* GraphQL */ `mutation($id: ID!) { restoreBackup(backupId: $id) { __typename ... on MutationRestoreBackupSuccess { data { id status } } ... on Error { code message } } }`;
    const ALLOW = /* GraphQL */ `mutation($id: ID!, $allow: Boolean!) { updateTenant(id: $id, input: { clientMayRestore: $allow }) { __typename ... on MutationUpdateTenantSuccess { data { clientMayRestore } } } }`;
    const [backupA] = await list(client, { id: tenantA, status: "SUCCEEDED" });
    const [backupB] = await list(other, { id: tenantB, status: "SUCCEEDED" });

    // Not allowed yet: refused, and nothing changes.
    const refused = await gql<Data>(t.url, RESTORE, { id: backupA.id }, { cookie: client });
    expect(refused.body.data!.restoreBackup).toMatchObject({ __typename: "ForbiddenError", code: "FORBIDDEN" });
    expect((await t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenantA } })).status).toBe("ACTIVE");
    // A client cannot allow themself.
    expect((await gql<Data>(t.url, ALLOW, { id: tenantA, allow: true }, { cookie: client })).body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    // Another client's backup does not exist for them, even where they may restore their own.
    expect((await gql<Data>(t.url, ALLOW, { id: tenantB, allow: true }, { cookie: admin })).body.data!.updateTenant.data.clientMayRestore).toBe(true);
    const foreign = await gql<Data>(t.url, RESTORE, { id: backupA.id }, { cookie: other });
    expect(foreign.body.data!.restoreBackup).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    // The only thing a restore names is the backup: it always goes back over its own tenant.
    expect(schema.getMutationType()!.getFields()["restoreBackup"]!.args.map((a) => a.name)).toEqual(["backupId"]);

    // Allowed: the owner restores, the tenant goes through MAINTENANCE back to ACTIVE; the other tenant is untouched.
    expect((await gql<Data>(t.url, ALLOW, { id: tenantA, allow: true }, { cookie: admin })).body.data!.updateTenant.data.clientMayRestore).toBe(true);
    const allowed = await gql<Data>(t.url, RESTORE, { id: backupA.id }, { cookie: client });
    expect(allowed.body.data!.restoreBackup).toMatchObject({ __typename: "MutationRestoreBackupSuccess", data: { id: tenantA, status: "MAINTENANCE" } });
    await idle(tenantA);
    expect((await t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenantA } })).status).toBe("ACTIVE");
    expect(await t.app.services.prisma.tenantEvent.count({ where: { tenantId: tenantB, type: { startsWith: "restore." } } })).toBe(0);
    expect(backupB.tenant.id).toBe(tenantB);
    const audit = await t.app.services.prisma.auditEntry.findFirstOrThrow({ where: { action: "restoreBackup", result: "OK" } });
    expect(audit).toMatchObject({ targetType: "Tenant", targetId: tenantA, tenantId: tenantA });
  });
});
