import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, CLIENT, gql, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";
import { until } from "../test/wait";

type Data = Record<string, any>;

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateTenantInput!) {
    createTenant(input: $input) { __typename ... on MutationCreateTenantSuccess { data { id slug } } ... on Error { code message } }
  }
`;
const STATUS = /* GraphQL */ `query($id: ID!) { tenant(id: $id) { ... on QueryTenantSuccess { data { status plan name } } } }`;
const REVEAL = /* GraphQL */ `
  mutation Reveal($id: ID!) {
    revealTenantCredentials(id: $id) {
      __typename
      ... on MutationRevealTenantCredentialsSuccess {
        data { tenantId loginUrl adminUser adminPassword full database databaseUser databasePassword databaseRootPassword mailerDsn }
      }
      ... on Error { code message }
      ... on TooManyAttemptsError { retryAfterSeconds }
    }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation Update($id: ID!, $input: UpdateTenantInput!) {
    updateTenant(id: $id, input: $input) {
      __typename
      ... on MutationUpdateTenantSuccess { data { id name plan status } }
      ... on Error { code message }
      ... on ValidationError { fieldErrors { field message } }
    }
  }
`;
const LOGS = /* GraphQL */ `
  query Logs($id: ID!, $service: TenantStackService!, $tail: Int) {
    tenantLogs(tenantId: $id, service: $service, tail: $tail) {
      __typename
      ... on QueryTenantLogsSuccess { data { timestamp stream message } }
      ... on Error { code message }
      ... on ValidationError { fieldErrors { field message } }
    }
  }
`;
const EVENTS = /* GraphQL */ `
  query Events($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    tenant(id: $id) {
      __typename
      ... on QueryTenantSuccess {
        data { events(first: $first, after: $after, last: $last, before: $before) { edges { cursor node { id type } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }
      }
    }
  }
`;
const NODE = /* GraphQL */ `query Node($id: ID!) { node(id: $id) { __typename id ... on Tenant { domain } ... on User { email } } }`;

const DSN = "smtp://mailer:Sup3r-Secret-Mail-Pass@smtp.example.com:587";
const NEW_DSN = "smtp://mailer:An0ther%2BSecret%2BPass@smtp.example.net:2525";

describe("tenant credentials, updates, logs, events and node(id) through GraphQL", () => {
  let t: TestApp;
  let admin: string;
  let client: string;
  let other: string;
  let adminId: string;
  let clientId: string;
  let otherId: string;
  let tenantId: string;
  let slug: string;

  const tenantRow = () => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const secretsOf = async () => {
    const row = await tenantRow();
    const box = t.app.services.tenants.secrets;
    return {
      admin: box.open(row.id, "mauticAdminPassword", row.mauticAdminPasswordEnc),
      db: box.open(row.id, "mysqlPassword", row.mysqlPasswordEnc),
      root: box.open(row.id, "mysqlRootPassword", row.mysqlRootPasswordEnc),
      dsn: row.mailerDsnEnc ? box.open(row.id, "mailerDsn", row.mailerDsnEnc) : null,
    };
  };
  const waitActive = () =>
    until(async () => (await gql<Data>(t.url, STATUS, { id: tenantId }, { cookie: admin })).body.data!.tenant.data?.status, (s) => s === "ACTIVE", "ACTIVE");
  const idle = () =>
    until(() => t.app.services.prisma.job.count({ where: { tenantId, status: { in: ["QUEUED", "RUNNING"] } } }), (n) => n === 0, "no open job");

  beforeAll(async () => {
    t = await startTestApp();
    await seedUsers(t.app);
    await t.app.services.users.create({ email: "other@example.com", password: "other password 123", role: "CLIENT" });
    admin = await signIn(t.url, ADMIN);
    client = await signIn(t.url, CLIENT);
    other = await signIn(t.url, { email: "other@example.com", password: "other password 123" });
    const ids = Object.fromEntries((await t.app.services.prisma.user.findMany()).map((u) => [u.email, u.id]));
    adminId = ids[ADMIN.email]!;
    clientId = ids[CLIENT.email]!;
    otherId = ids["other@example.com"]!;
    const res = await gql<Data>(t.url, CREATE, { input: { name: "Acme", domain: "mautic.acme.example", ownerId: clientId, plan: "small", mailerDsn: DSN } }, { cookie: admin });
    expect(res.body.data!.createTenant.__typename).toBe("MutationCreateTenantSuccess");
    tenantId = res.body.data!.createTenant.data.id;
    slug = res.body.data!.createTenant.data.slug;
    await waitActive();
    await idle();
  });
  afterAll(() => t.close());

  describe("revealTenantCredentials", () => {
    it("gives an ADMIN every set, and records who saw which set without any value", async () => {
      const before = await t.app.services.prisma.tenantEvent.count({ where: { tenantId } });
      const res = await gql<Data>(t.url, REVEAL, { id: tenantId }, { cookie: admin });
      const secrets = await secretsOf();
      expect(res.body.data!.revealTenantCredentials).toEqual({
        __typename: "MutationRevealTenantCredentialsSuccess",
        data: {
          tenantId,
          loginUrl: "https://mautic.acme.example/s/login",
          adminUser: "admin",
          adminPassword: secrets.admin,
          full: true,
          database: "mautic",
          databaseUser: "mautic",
          databasePassword: secrets.db,
          databaseRootPassword: secrets.root,
          mailerDsn: DSN,
        },
      });
      const events = await t.app.services.prisma.tenantEvent.findMany({ where: { tenantId, type: "credentials.revealed" } });
      expect(events).toHaveLength(1);
      expect(await t.app.services.prisma.tenantEvent.count({ where: { tenantId } })).toBe(before + 1);
      expect(events[0]).toMatchObject({ level: "INFO", actorType: "USER", actorId: adminId });
      expect(events[0]!.message).toBe(`${ADMIN.email} revealed the Mautic admin login and the database credentials and the mailer DSN.`);
      const stored = JSON.stringify(events);
      for (const secret of [secrets.admin, secrets.db, secrets.root, DSN, "Sup3r-Secret-Mail-Pass"]) expect(stored).not.toContain(secret);
      const audit = await t.app.services.prisma.auditEntry.findMany({ where: { action: "revealTenantCredentials" } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actorId: adminId, targetType: "Tenant", targetId: tenantId, tenantId, result: "OK" });
      for (const secret of [secrets.admin, secrets.db, secrets.root, DSN]) expect(JSON.stringify(audit)).not.toContain(secret);
    });

    it("gives the owning CLIENT only the Mautic admin login", async () => {
      const res = await gql<Data>(t.url, REVEAL, { id: tenantId }, { cookie: client });
      const secrets = await secretsOf();
      expect(res.body.data!.revealTenantCredentials.data).toEqual({
        tenantId,
        loginUrl: "https://mautic.acme.example/s/login",
        adminUser: "admin",
        adminPassword: secrets.admin,
        full: false,
        database: null,
        databaseUser: null,
        databasePassword: null,
        databaseRootPassword: null,
        mailerDsn: null,
      });
      expect(res.text).not.toContain(secrets.db);
      const last = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId, type: "credentials.revealed" }, orderBy: { id: "desc" } });
      expect(last).toMatchObject({ actorType: "USER", actorId: clientId, message: `${CLIENT.email} revealed the Mautic admin login.` });
      expect(JSON.parse(last.data!)).toEqual({ set: "LOGIN", mailerDsn: false });
    });

    it("gives an ADMIN's CLIENT token scoped to the tenant only the login", async () => {
      const user = { id: adminId, email: ADMIN.email, role: "ADMIN" as const };
      const { token } = await t.app.services.apiTokens.create({ user, accountRole: "ADMIN", token: null }, { name: "billing", role: "CLIENT", tenantIds: [tenantId] });
      const res = await gql<Data>(t.url, REVEAL, { id: tenantId }, { authorization: `Bearer ${token}` });
      expect(res.body.data!.revealTenantCredentials.data).toMatchObject({ full: false, databasePassword: null, mailerDsn: null });
      const last = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId, type: "credentials.revealed" }, orderBy: { id: "desc" } });
      expect(last.actorType).toBe("TOKEN");
      expect(last.message).toBe(`${ADMIN.email} (API token “billing”) revealed the Mautic admin login.`);
    });

    it("answers another client exactly like a missing tenant, and records nothing", async () => {
      const before = await t.app.services.prisma.tenantEvent.count({ where: { tenantId } });
      const foreign = await gql<Data>(t.url, REVEAL, { id: tenantId }, { cookie: other });
      const missing = await gql<Data>(t.url, REVEAL, { id: "no-such-tenant" }, { cookie: other });
      expect(foreign.body.data!.revealTenantCredentials).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND", message: "The tenant was not found." });
      expect(missing.body.data).toEqual(foreign.body.data);
      expect(await t.app.services.prisma.tenantEvent.count({ where: { tenantId } })).toBe(before);
      const anonymous = await gql<Data>(t.url, REVEAL, { id: tenantId });
      expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("NOT_AUTHENTICATED");
    });

    it("allows 30 reveals an hour per account, counting failed ones", async () => {
      // `other` has used 2 attempts above (both NotFound).
      for (let i = 0; i < 28; i++) {
        const res = await gql<Data>(t.url, REVEAL, { id: tenantId }, { cookie: other });
        expect(res.body.data!.revealTenantCredentials.__typename).toBe("NotFoundError");
      }
      const limited = await gql<Data>(t.url, REVEAL, { id: tenantId }, { cookie: other });
      expect(limited.body.data!.revealTenantCredentials).toMatchObject({ __typename: "TooManyAttemptsError", code: "TOO_MANY_ATTEMPTS" });
      expect(limited.body.data!.revealTenantCredentials.retryAfterSeconds).toBeGreaterThan(3000);
      // Another account is not affected.
      expect((await gql<Data>(t.url, REVEAL, { id: tenantId }, { cookie: client })).body.data!.revealTenantCredentials.__typename).toBe(
        "MutationRevealTenantCredentialsSuccess",
      );
    });
  });

  describe("tenantLogs", () => {
    it("shows the owner the service's recent lines with the tenant's secrets redacted", async () => {
      const secrets = await secretsOf();
      t.emulator.control.appendServiceLogs({
        service: `mautic-${slug}_mautic_web`,
        lines: [
          { text: `db connect mautic:${secrets.db}@db:3306 ok` },
          { stream: "stderr", text: `mailer ${DSN} refused; password Sup3r-Secret-Mail-Pass; root=${secrets.root}` },
          { text: `admin login with ${encodeURIComponent(secrets.admin)} done` },
        ],
      });
      const res = await gql<Data>(t.url, LOGS, { id: tenantId, service: "MAUTIC_WEB" }, { cookie: client });
      expect(res.body.data!.tenantLogs.__typename).toBe("QueryTenantLogsSuccess");
      const lines = res.body.data!.tenantLogs.data as { timestamp: string | null; stream: string; message: string }[];
      const tail = lines.slice(-3);
      expect(tail).toEqual([
        { timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/), stream: "STDOUT", message: "db connect mautic:[redacted]@db:3306 ok" },
        { timestamp: expect.any(String), stream: "STDERR", message: "mailer [redacted] refused; password [redacted]; root=[redacted]" },
        { timestamp: expect.any(String), stream: "STDOUT", message: "admin login with [redacted] done" },
      ]);
      for (const secret of [secrets.admin, secrets.db, secrets.root, DSN, "Sup3r-Secret-Mail-Pass"]) expect(res.text).not.toContain(secret);

      const one = await gql<Data>(t.url, LOGS, { id: tenantId, service: "MAUTIC_WEB", tail: 1 }, { cookie: admin });
      expect(one.body.data!.tenantLogs.data).toEqual([tail[2]]);
    });

    it("checks tail and hides another client's tenant", async () => {
      for (const tail of [0, 1001]) {
        const res = await gql<Data>(t.url, LOGS, { id: tenantId, service: "DB", tail }, { cookie: client });
        expect(res.body.data!.tenantLogs).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "tail", message: "tail must be from 1 to 1000" }] });
      }
      const foreign = await gql<Data>(t.url, LOGS, { id: tenantId, service: "DB" }, { cookie: other });
      expect(foreign.body.data!.tenantLogs).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND", message: "The tenant was not found." });
    });

    it("says what to do when Portainer cannot be reached, in more detail for an ADMIN", async () => {
      const fault = t.emulator.control.addFault({ kind: "drop-connection", route: `GET /api/endpoints/1/docker/services/mautic-${slug}_db/logs` });
      try {
        const asClient = await gql<Data>(t.url, LOGS, { id: tenantId, service: "DB" }, { cookie: client });
        expect(asClient.body.data!.tenantLogs).toEqual({
          __typename: "UnavailableError",
          code: "UNAVAILABLE",
          message: "The logs cannot be read right now: the hosting platform did not answer. Try again in a few minutes, or contact your provider if it persists.",
        });
        const asAdmin = await gql<Data>(t.url, LOGS, { id: tenantId, service: "DB" }, { cookie: admin });
        expect(asAdmin.body.data!.tenantLogs.__typename).toBe("UnavailableError");
        expect(asAdmin.body.data!.tenantLogs.message).toMatch(/^The logs cannot be read from Portainer: Portainer at http:\/\/127\.0\.0\.1:\d+ closed the connection/);
      } finally {
        t.emulator.control.removeFault(fault);
      }
    });
  });

  describe("Tenant.events", () => {
    it("pages through the events oldest first, by event id", async () => {
      const all = (await t.app.services.prisma.tenantEvent.findMany({ where: { tenantId }, orderBy: { id: "asc" } })).map((e) => ({ id: e.id, type: e.type }));
      expect(all.length).toBeGreaterThan(6);
      const first = await gql<Data>(t.url, EVENTS, { id: tenantId, first: 3 }, { cookie: client });
      const page1 = first.body.data!.tenant.data.events;
      expect(page1.edges.map((e: Data) => e.node)).toEqual(all.slice(0, 3));
      expect(page1.edges.map((e: Data) => e.cursor)).toEqual(all.slice(0, 3).map((e) => String(e.id)));
      expect(page1.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: String(all[0]!.id), endCursor: String(all[2]!.id) });
      const second = await gql<Data>(t.url, EVENTS, { id: tenantId, first: 3, after: page1.pageInfo.endCursor }, { cookie: client });
      expect(second.body.data!.tenant.data.events.edges.map((e: Data) => e.node)).toEqual(all.slice(3, 6));
      const last = await gql<Data>(t.url, EVENTS, { id: tenantId, last: 2 }, { cookie: client });
      expect(last.body.data!.tenant.data.events.edges.map((e: Data) => e.node)).toEqual(all.slice(-2));
      expect(last.body.data!.tenant.data.events.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
      const before = await gql<Data>(t.url, EVENTS, { id: tenantId, last: 2, before: String(all[3]!.id) }, { cookie: client });
      expect(before.body.data!.tenant.data.events.edges.map((e: Data) => e.node)).toEqual(all.slice(1, 3));
      const bad = await gql<Data>(t.url, EVENTS, { id: tenantId, first: 3, after: "not-an-id" }, { cookie: client });
      expect(bad.body.errors?.[0]?.extensions?.code).toBe("VALIDATION_FAILED");
    });
  });

  describe("node(id)", () => {
    it("finds tenants and users by their raw id, with the usual visibility", async () => {
      const asAdmin = await gql<Data>(t.url, NODE, { id: tenantId }, { cookie: admin });
      expect(asAdmin.body.data!.node).toEqual({ __typename: "Tenant", id: tenantId, domain: "mautic.acme.example" });
      expect((await gql<Data>(t.url, NODE, { id: tenantId }, { cookie: client })).body.data!.node).toEqual(asAdmin.body.data!.node);
      const foreign = await gql<Data>(t.url, NODE, { id: tenantId }, { cookie: other });
      expect(foreign.body).toEqual({ data: { node: null } });
      expect((await gql<Data>(t.url, NODE, { id: "no-such-id" }, { cookie: admin })).body).toEqual({ data: { node: null } });

      expect((await gql<Data>(t.url, NODE, { id: clientId }, { cookie: admin })).body.data!.node).toEqual({ __typename: "User", id: clientId, email: CLIENT.email });
      expect((await gql<Data>(t.url, NODE, { id: clientId }, { cookie: client })).body.data!.node).toEqual({ __typename: "User", id: clientId, email: CLIENT.email });
      expect((await gql<Data>(t.url, NODE, { id: clientId }, { cookie: other })).body.data!.node).toBeNull();
      expect((await gql<Data>(t.url, NODE, { id: adminId }, { cookie: other })).body.data!.node).toBeNull();
      expect((await gql<Data>(t.url, NODE, { id: otherId }, { cookie: other })).body.data!.node).toMatchObject({ __typename: "User", id: otherId });
      expect((await gql<Data>(t.url, NODE, { id: tenantId })).body.errors?.[0]?.extensions?.code).toBe("NOT_AUTHENTICATED");
    });
  });

  describe("updateTenant", () => {
    it("changes nothing when any field is invalid, naming each bad field", async () => {
      const before = await tenantRow();
      const events = await t.app.services.prisma.tenantEvent.count({ where: { tenantId } });
      const res = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { name: "Renamed", plan: "huge", mailerDsn: "not a dsn" } }, { cookie: admin });
      expect(res.body.data!.updateTenant.__typename).toBe("ValidationError");
      expect(res.body.data!.updateTenant.fieldErrors).toEqual([
        { field: "plan", message: "Plan must be one of small, standard, large" },
        { field: "mailerDsn", message: "Mailer DSN must not contain spaces or control characters" },
      ]);
      const blank = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { name: "  " } }, { cookie: admin });
      expect(blank.body.data!.updateTenant.fieldErrors).toEqual([{ field: "name", message: "Name is required" }]);
      expect(await tenantRow()).toEqual(before);
      expect(await t.app.services.prisma.tenantEvent.count({ where: { tenantId } })).toBe(events);
      expect(res.text).not.toContain("not a dsn");
    });

    it("is for ADMINs only, and hides other tenants from scoped callers", async () => {
      const asClient = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { name: "Mine" } }, { cookie: client });
      expect(asClient.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const missing = await gql<Data>(t.url, UPDATE, { id: "no-such-tenant", input: { name: "X" } }, { cookie: admin });
      expect(missing.body.data!.updateTenant.__typename).toBe("NotFoundError");
    });

    it("renames without a redeploy", async () => {
      const res = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { name: " Acme Corp " } }, { cookie: admin });
      expect(res.body.data!.updateTenant).toMatchObject({ __typename: "MutationUpdateTenantSuccess", data: { name: "Acme Corp", status: "ACTIVE" } });
      expect(await t.app.services.prisma.job.count({ where: { tenantId, status: { in: ["QUEUED", "RUNNING"] } } })).toBe(0);
      const event = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId, type: "tenant.updated" }, orderBy: { id: "desc" } });
      expect(event).toMatchObject({ actorType: "USER", actorId: adminId, message: "Tenant updated: name “Acme” → “Acme Corp”." });
      expect(JSON.parse(event.data!)).toMatchObject({ changed: ["name"], redeployQueued: false });
    });

    it("queues a redeploy for a plan and DSN change on an ACTIVE tenant, which deploys the new DSN as a new secret", async () => {
      // Holds the redeploy's stack update back for 1.5 s (once), so the job is surely in flight below.
      t.emulator.control.addFault({ kind: "delay", delayMs: 1500, route: "PUT /api/stacks/{id}", times: 1 });
      const res = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { plan: "large", mailerDsn: NEW_DSN } }, { cookie: admin });
      expect(res.body.data!.updateTenant).toMatchObject({ __typename: "MutationUpdateTenantSuccess", data: { plan: "large" } });
      expect((await secretsOf()).dsn).toBe(NEW_DSN);
      const event = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId, type: "tenant.updated" }, orderBy: { id: "desc" } });
      expect(event.message).toBe("Tenant updated: plan small → large, mailer DSN replaced. A redeploy is queued to apply it.");
      expect(JSON.parse(event.data!)).toEqual({ changed: ["plan", "mailerDsn"], plan: { from: "small", to: "large" }, mailerDsn: "replaced", redeployQueued: true });
      for (const secret of [NEW_DSN, DSN, "An0ther"]) expect(JSON.stringify(event)).not.toContain(secret);
      const jobs = await t.app.services.prisma.job.findMany({ where: { tenantId, type: "REDEPLOY" } });
      expect(jobs).toHaveLength(1);
      const requested = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId, type: "tenant.redeploy_requested" } });
      expect(requested.id).toBeGreaterThan(event.id);

      // While it is in flight (the stack update is held back), another plan or DSN change is refused; a rename is not.
      const again = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { plan: "small" } }, { cookie: admin });
      expect(again.body.data!.updateTenant).toMatchObject({ __typename: "ConflictError", code: "CONFLICT" });
      expect(again.body.data!.updateTenant.message).toBe("This tenant is busy: a redeploy job is in progress. Change the plan or mailer DSN once it has finished.");
      const rename = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { name: "Acme" } }, { cookie: admin });
      expect(rename.body.data!.updateTenant).toMatchObject({ __typename: "MutationUpdateTenantSuccess", data: { name: "Acme", plan: "large" } });
      await idle();
      await waitActive();
      expect((await t.app.services.prisma.job.findFirstOrThrow({ where: { tenantId, type: "REDEPLOY" }, orderBy: { createdAt: "asc" } })).status).toBe("SUCCEEDED");
      const secretNames = (await t.app.services.portainer.listSecrets({ labels: [`io.mautic-panel.tenant=${tenantId}`] })).map((s) => s.name);
      const dsnSecrets = secretNames.filter((n) => n.includes("mailer-dsn"));
      expect(dsnSecrets).toHaveLength(2);
      const stack = await t.app.services.portainer.findStackByName(`mautic-${slug}`);
      const file = await t.app.services.portainer.getStackFile(stack!.id);
      const used = dsnSecrets.filter((name) => file!.includes(name));
      expect(used).toHaveLength(1);
      expect(file).not.toContain(NEW_DSN);
    });

    it("removes the DSN with an empty string", async () => {
      await idle();
      const res = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { mailerDsn: "", plan: "large" } }, { cookie: admin });
      expect(res.body.data!.updateTenant.__typename).toBe("MutationUpdateTenantSuccess");
      expect((await tenantRow()).mailerDsnEnc).toBeNull();
      const event = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId, type: "tenant.updated" }, orderBy: { id: "desc" } });
      expect(event.message).toBe("Tenant updated: mailer DSN removed. A redeploy is queued to apply it.");
      await idle();
      await waitActive();
      const reveal = await gql<Data>(t.url, REVEAL, { id: tenantId }, { cookie: admin });
      expect(reveal.body.data!.revealTenantCredentials.data.mailerDsn).toBeNull();
    });

    it("applies at the next deploy on a suspended tenant, and logs then say it is suspended", async () => {
      const suspend = await gql<Data>(t.url, `mutation($id: ID!) { suspendTenant(id: $id) { __typename } }`, { id: tenantId }, { cookie: admin });
      expect(suspend.body.data!.suspendTenant.__typename).toBe("MutationSuspendTenantSuccess");
      await until(async () => (await tenantRow()).status, (s) => s === "SUSPENDED", "SUSPENDED");
      await idle();
      const res = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { plan: "standard", mailerDsn: null } }, { cookie: admin });
      expect(res.body.data!.updateTenant).toMatchObject({ data: { plan: "standard", status: "SUSPENDED" } });
      const event = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId, type: "tenant.updated" }, orderBy: { id: "desc" } });
      expect(event.message).toBe("Tenant updated: plan large → standard. It applies at the next deploy (the tenant is SUSPENDED; redeploy it once it is running).");
      expect(await t.app.services.prisma.job.count({ where: { tenantId, status: { in: ["QUEUED", "RUNNING"] } } })).toBe(0);

      const logs = await gql<Data>(t.url, LOGS, { id: tenantId, service: "MAUTIC_WEB" }, { cookie: client });
      expect(logs.body.data!.tenantLogs).toEqual({
        __typename: "UnavailableError",
        code: "UNAVAILABLE",
        message: "There are no logs for mautic_web: the tenant is suspended, so its services are stopped; resume it to see logs.",
      });
    });

    it("refuses a tenant that is being deleted", async () => {
      const del = await gql<Data>(t.url, `mutation($id: ID!) { deleteTenant(id: $id, deleteData: false, confirm: "mautic.acme.example") { __typename } }`, { id: tenantId }, { cookie: admin });
      expect(del.body.data!.deleteTenant.__typename).toBe("MutationDeleteTenantSuccess");
      const res = await gql<Data>(t.url, UPDATE, { id: tenantId, input: { name: "Too late" } }, { cookie: admin });
      expect(res.body.data!.updateTenant).toMatchObject({ __typename: "ConflictError", code: "CONFLICT" });
      expect(res.body.data!.updateTenant.message).toMatch(/^A (deleting|deleted) tenant cannot be changed\.$/);
    });
  });
});
