/**
 * The authorization matrix: every query, mutation and subscription of the schema, called by
 * every kind of caller, must be allowed or refused exactly as below. A new root field fails the
 * completeness check until it is added here. "OK" means the call got past authorization (a
 * typed ValidationError or ConflictError still counts: the caller was allowed to ask).
 */
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ADMIN, CLIENT, gql, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";
import { schema } from "./schema";

type Data = Record<string, any>;
type Outcome = "OK" | "NULL" | "NOT_AUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND";
const CALLERS = ["anonymous", "admin", "owner", "otherClient", "adminToken", "clientToken", "revokedToken", "expiredToken"] as const;
type Caller = (typeof CALLERS)[number];
type Expectation = Record<Caller, Outcome>;

const NA = "NOT_AUTHENTICATED" as const;
/** Signed-in callers all allowed. */
const SIGNED_IN: Expectation = { anonymous: NA, admin: "OK", owner: "OK", otherClient: "OK", adminToken: "OK", clientToken: "OK", revokedToken: NA, expiredToken: NA };
const ADMIN_ONLY: Expectation = { ...SIGNED_IN, owner: "FORBIDDEN", otherClient: "FORBIDDEN", clientToken: "FORBIDDEN" };
/** About the owner's tenant (or the owner): another client gets what a missing id gets. */
const OWNER_SCOPED: Expectation = { ...SIGNED_IN, otherClient: "NOT_FOUND" };
const PUBLIC: Expectation = { anonymous: "OK", admin: "OK", owner: "OK", otherClient: "OK", adminToken: "OK", clientToken: "OK", revokedToken: "OK", expiredToken: "OK" };

interface Case {
  field: string;
  kind: "query" | "mutation" | "subscription";
  source: string;
  variables?: () => Data;
  expect: Expectation;
}

const typed = (field: string, args: string, selection = "__typename") =>
  `${field}${args} { __typename ... on Error { code message } ${selection === "__typename" ? "" : selection} }`;

describe("the authorization matrix", () => {
  let t: TestApp;
  const headers = {} as Record<Caller, Record<string, string>>;
  const ids: Data = {};

  const cases = (): Case[] => [
    { field: "me", kind: "query", source: "query { me { id } }", expect: { ...SIGNED_IN, anonymous: "NULL", revokedToken: "NULL", expiredToken: "NULL" } },
    { field: "tenants", kind: "query", source: "query { tenants(first: 50) { edges { node { id domain } } } }", expect: SIGNED_IN },
    { field: "tenant", kind: "query", source: `query($id: ID!) { ${typed("tenant", "(id: $id)", "... on QueryTenantSuccess { data { id domain } }")} }`, variables: () => ({ id: ids.tenantA }), expect: OWNER_SCOPED },
    { field: "tenantEvents", kind: "query", source: `query($id: ID!) { ${typed("tenantEvents", "(tenantId: $id)", "... on QueryTenantEventsSuccess { data { id message } }")} }`, variables: () => ({ id: ids.tenantA }), expect: OWNER_SCOPED },
    { field: "tenantLogs", kind: "query", source: `query($id: ID!) { ${typed("tenantLogs", "(tenantId: $id, service: MAUTIC_WEB, tail: 5)")} }`, variables: () => ({ id: ids.tenantA }), expect: OWNER_SCOPED },
    { field: "users", kind: "query", source: "query { users(first: 5) { edges { node { id email } } } }", expect: ADMIN_ONLY },
    { field: "user", kind: "query", source: `query($id: ID!) { ${typed("user", "(id: $id)")} }`, variables: () => ({ id: ids.owner }), expect: OWNER_SCOPED },
    { field: "plans", kind: "query", source: "query { plans { name } }", expect: SIGNED_IN },
    { field: "mauticImages", kind: "query", source: "query { mauticImages }", expect: SIGNED_IN },
    { field: "portainerStatus", kind: "query", source: "query { portainerStatus { ok } }", expect: ADMIN_ONLY },
    { field: "auditLog", kind: "query", source: "query { auditLog(first: 5) { edges { node { id } } } }", expect: ADMIN_ONLY },
    { field: "apiTokens", kind: "query", source: "query { apiTokens(first: 50) { edges { node { id owner { email } } } } }", expect: SIGNED_IN },
    { field: "node", kind: "query", source: "query($id: ID!) { node(id: $id) { id } }", variables: () => ({ id: ids.tenantA }), expect: { ...OWNER_SCOPED, otherClient: "NULL" } },
    // Another client's tenant id gives an empty page, like an unknown id.
    { field: "backups", kind: "query", source: "query($id: ID!) { backups(tenantId: $id, first: 5) { edges { node { id name tenant { domain } } } } }", variables: () => ({ id: ids.tenantA }), expect: SIGNED_IN },
    { field: "fleetUpgrades", kind: "query", source: "query { fleetUpgrades(first: 5) { edges { node { id status } } } }", expect: ADMIN_ONLY },
    { field: "passwordLink", kind: "query", source: `query { passwordLink(token: "not-a-link") { email } }`, expect: { ...PUBLIC, admin: "NULL", owner: "NULL", otherClient: "NULL", adminToken: "NULL", clientToken: "NULL", anonymous: "NULL", revokedToken: "NULL", expiredToken: "NULL" } },

    { field: "login", kind: "mutation", source: `mutation { ${typed("login", `(email: "nobody@example.com", password: "wrong password 123")`)} }`, expect: PUBLIC },
    { field: "createTenant", kind: "mutation", source: `mutation { ${typed("createTenant", `(input: { name: "x", domain: "not a domain", ownerEmail: "x@example.com" })`)} }`, expect: ADMIN_ONLY },
    { field: "updateTenant", kind: "mutation", source: `mutation($id: ID!) { ${typed("updateTenant", `(id: $id, input: { plan: "no-such-plan" })`)} }`, variables: () => ({ id: ids.tenantA }), expect: ADMIN_ONLY },
    ...["retryTenant", "suspendTenant", "resumeTenant", "redeployTenant"].map((field): Case => ({
      field,
      kind: "mutation",
      // The tenant is PENDING (no worker here): an allowed caller gets a ConflictError.
      source: `mutation($id: ID!) { ${typed(field, "(id: $id)")} }`,
      variables: () => ({ id: ids.tenantA }),
      expect: ADMIN_ONLY,
    })),
    { field: "deleteTenant", kind: "mutation", source: `mutation($id: ID!) { ${typed("deleteTenant", `(id: $id, deleteData: true, confirm: "wrong")`)} }`, variables: () => ({ id: ids.tenantA }), expect: ADMIN_ONLY },
    { field: "revealTenantCredentials", kind: "mutation", source: `mutation($id: ID!) { ${typed("revealTenantCredentials", "(id: $id)")} }`, variables: () => ({ id: ids.tenantA }), expect: OWNER_SCOPED },
    // The tenant is PENDING (no worker here): an allowed caller gets a ConflictError.
    { field: "createBackup", kind: "mutation", source: `mutation($id: ID!) { ${typed("createBackup", "(tenantId: $id)")} }`, variables: () => ({ id: ids.tenantA }), expect: OWNER_SCOPED },
    // The tenant is PENDING: an allowed caller gets a ConflictError. Its owner may not restore unless an admin allows it.
    { field: "restoreBackup", kind: "mutation", source: `mutation($id: ID!) { ${typed("restoreBackup", "(backupId: $id)")} }`, variables: () => ({ id: ids.backupA }), expect: { ...OWNER_SCOPED, owner: "FORBIDDEN", clientToken: "FORBIDDEN" } },
    // An invalid domain: an allowed caller gets a ValidationError.
    { field: "cloneTenantFromBackup", kind: "mutation", source: `mutation($id: ID!) { ${typed("cloneTenantFromBackup", `(backupId: $id, input: { name: "copy", domain: "not a domain" })`)} }`, variables: () => ({ id: ids.backupA }), expect: ADMIN_ONLY },
    { field: "upgradeTenant", kind: "mutation", source: `mutation($id: ID!) { ${typed("upgradeTenant", `(id: $id, mauticImage: "mautic/mautic:6.0.9-apache")`)} }`, variables: () => ({ id: ids.tenantA }), expect: ADMIN_ONLY },
    // No ACTIVE tenant: an allowed caller gets a ValidationError.
    { field: "upgradeTenants", kind: "mutation", source: `mutation { ${typed("upgradeTenants", `(mauticImage: "mautic/mautic:6.0.9-apache")`)} }`, expect: ADMIN_ONLY },
    // Already completed: an allowed caller gets a ConflictError.
    { field: "stopFleetUpgrade", kind: "mutation", source: `mutation($id: ID!) { ${typed("stopFleetUpgrade", "(id: $id)")} }`, variables: () => ({ id: ids.fleetUpgrade }), expect: ADMIN_ONLY },
    { field: "createUser", kind: "mutation", source: `mutation { ${typed("createUser", `(input: { email: "not an e-mail", role: CLIENT })`)} }`, expect: ADMIN_ONLY },
    { field: "updateUser", kind: "mutation", source: `mutation($id: ID!) { ${typed("updateUser", `(id: $id, input: { email: "not an e-mail" })`)} }`, variables: () => ({ id: ids.owner }), expect: ADMIN_ONLY },
    // An admin deleting themself is refused with a ConflictError, after authorization.
    { field: "deleteUser", kind: "mutation", source: `mutation($id: ID!) { ${typed("deleteUser", "(id: $id)")} }`, variables: () => ({ id: ids.admin }), expect: ADMIN_ONLY },
    { field: "createPasswordResetLink", kind: "mutation", source: `mutation($id: ID!) { ${typed("createPasswordResetLink", "(userId: $id)")} }`, variables: () => ({ id: ids.spare }), expect: ADMIN_ONLY },
    {
      field: "changePassword",
      kind: "mutation",
      source: `mutation { ${typed("changePassword", `(current: "wrong password 123", new: "another password 456")`)} }`,
      // Only from a session: a token must not be able to take over its account.
      expect: { ...SIGNED_IN, adminToken: "FORBIDDEN", clientToken: "FORBIDDEN" },
    },
    { field: "setPassword", kind: "mutation", source: `mutation { ${typed("setPassword", `(token: "not-a-link", new: "another password 456")`)} }`, expect: PUBLIC },
    { field: "createApiToken", kind: "mutation", source: `mutation { ${typed("createApiToken", `(name: "")`)} }`, expect: SIGNED_IN },
    { field: "revokeApiToken", kind: "mutation", source: `mutation($id: ID!) { ${typed("revokeApiToken", "(id: $id)")} }`, variables: () => ({ id: ids.victimToken }), expect: OWNER_SCOPED },

    { field: "tenantEvents", kind: "subscription", source: "subscription($id: ID!) { tenantEvents(tenantId: $id) { id } }", variables: () => ({ id: ids.tenantA }), expect: OWNER_SCOPED },
    { field: "tenantUpdated", kind: "subscription", source: "subscription($id: ID!) { tenantUpdated(tenantId: $id) { id } }", variables: () => ({ id: ids.tenantA }), expect: OWNER_SCOPED },
    // Last: it ends the callers' sessions.
    { field: "logout", kind: "mutation", source: "mutation { logout }", expect: PUBLIC },
  ];

  function classify(field: string, body: Data | undefined): Outcome {
    const error = body?.errors?.[0];
    if (error) return (error.extensions?.code ?? `UNEXPECTED ${error.message}`) as Outcome;
    const value = body?.data?.[field];
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "object" && !Array.isArray(value) && (value.code === "NOT_FOUND" || value.code === "FORBIDDEN" || value.code === "NOT_AUTHENTICATED")) return value.code;
    return "OK";
  }

  /** Subscribes over graphql-ws; a subscription counts as allowed when it is still open after the first event or 300 ms. */
  function subscribe(caller: Caller, source: string, variables: Data): Promise<{ outcome: Outcome; text: string }> {
    const auth = headers[caller];
    class Authenticated extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { origin: t.url, ...(auth.cookie ? { cookie: auth.cookie } : {}) } });
      }
    }
    return new Promise((resolve) => {
      const client = createClient({
        url: `${t.url.replace(/^http/, "ws")}/graphql`,
        webSocketImpl: Authenticated,
        retryAttempts: 0,
        connectionParams: auth.authorization ? { authorization: auth.authorization } : {},
      });
      const seen: unknown[] = [];
      const finish = (outcome: Outcome) => {
        clearTimeout(timer);
        void client.dispose();
        resolve({ outcome, text: JSON.stringify(seen) });
      };
      const timer = setTimeout(() => finish("OK"), 300);
      client.subscribe(
        { query: source, variables },
        {
          next: (value) => {
            seen.push(value);
            finish(value.errors ? ((value.errors[0]!.extensions?.code as Outcome) ?? "NULL") : "OK");
          },
          error: (error) => {
            seen.push(error);
            const code = Array.isArray(error) ? (error[0]?.extensions?.code as Outcome) : undefined;
            finish(code ?? NA);
          },
          complete: () => finish("OK"),
        },
      );
    });
  }

  beforeAll(async () => {
    t = await startTestApp({}, { worker: false });
    await seedUsers(t.app);
    const other = { email: "other@example.com", password: "other password 123" };
    const users = t.app.services.users;
    await users.create({ ...other, role: "CLIENT" });
    await users.create({ email: "spare@example.com", password: "spare password 123", role: "CLIENT" });
    const prisma = t.app.services.prisma;
    const idOf = async (email: string) => (await prisma.user.findUniqueOrThrow({ where: { email } })).id;
    Object.assign(ids, { admin: await idOf(ADMIN.email), owner: await idOf(CLIENT.email), other: await idOf(other.email), spare: await idOf("spare@example.com") });

    const adminCookie = await signIn(t.url, ADMIN);
    const create = async (domain: string, ownerEmail: string) =>
      (await gql<Data>(t.url, `mutation($i: CreateTenantInput!) { createTenant(input: $i) { ... on MutationCreateTenantSuccess { data { id } } } }`, { i: { name: domain.split(".")[0], domain, ownerEmail } }, { cookie: adminCookie })).body.data!.createTenant.data.id;
    ids.tenantA = await create("alpha.example.com", CLIENT.email);
    ids.tenantB = await create("bravo.example.com", other.email);
    // A finished backup of tenant A and a finished fleet upgrade, for the calls that need them.
    ids.backupA = (await prisma.backup.create({ data: { tenantId: ids.tenantA, name: "alpha-backup", trigger: "MANUAL", status: "SUCCEEDED", mauticImage: "mautic/mautic:7.2.0-apache", sha256: "0".repeat(64) } })).id;
    ids.fleetUpgrade = (await prisma.fleetUpgrade.create({ data: { mauticImage: "mautic/mautic:7.2.0-apache", batchSize: 5, maxFailureRate: 0.2, status: "COMPLETED" } })).id;

    const token = async (cookie: string, name: string, extra = "") =>
      (await gql<Data>(t.url, `mutation { createApiToken(name: "${name}"${extra}) { ... on MutationCreateApiTokenSuccess { data { token apiToken { id } } } } }`, {}, { cookie })).body.data!.createApiToken.data;
    const ownerCookie = await signIn(t.url, CLIENT);
    const adminToken = await token(adminCookie, "admin");
    const clientToken = await token(ownerCookie, "client");
    const revoked = await token(ownerCookie, "revoked");
    const expired = await token(ownerCookie, "expired");
    ids.victimToken = (await token(ownerCookie, "victim")).apiToken.id;
    await prisma.apiToken.update({ where: { id: revoked.apiToken.id }, data: { revokedAt: new Date() } });
    await prisma.apiToken.update({ where: { id: expired.apiToken.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
    Object.assign(headers, {
      anonymous: {},
      admin: { cookie: adminCookie },
      owner: { cookie: ownerCookie },
      otherClient: { cookie: await signIn(t.url, other) },
      adminToken: bearer(adminToken.token),
      clientToken: bearer(clientToken.token),
      revokedToken: bearer(revoked.token),
      expiredToken: bearer(expired.token),
    });
  });
  afterAll(() => t.close());

  it("covers every root field of the schema", () => {
    const covered = new Set(cases().map((c) => `${c.kind}.${c.field}`));
    const roots = [
      ["query", schema.getQueryType()],
      ["mutation", schema.getMutationType()],
      ["subscription", schema.getSubscriptionType()],
    ] as const;
    const all = roots.flatMap(([kind, type]) => Object.keys(type!.getFields()).map((field) => `${kind}.${field}`));
    expect(all.filter((field) => !covered.has(field))).toEqual([]);
  });

  it("allows or refuses each call exactly as specified, audits every mutation, and never shows a client another tenant", async () => {
    const actual: Record<string, Partial<Record<Caller, Outcome>>> = {};
    const expected: Record<string, Expectation> = {};
    const leaks: string[] = [];
    const unaudited: string[] = [];
    for (const testCase of cases()) {
      const key = `${testCase.kind}.${testCase.field}`;
      expected[key] = testCase.expect;
      actual[key] = {};
      for (const caller of CALLERS) {
        let outcome: Outcome;
        let text: string;
        if (testCase.kind === "subscription") {
          ({ outcome, text } = await subscribe(caller, testCase.source, testCase.variables?.() ?? {}));
        } else {
          const before = await t.app.services.prisma.auditEntry.count();
          const res = await gql<Data>(t.url, testCase.source, testCase.variables?.() ?? {}, headers[caller]);
          outcome = classify(testCase.field, res.body);
          text = res.text;
          if (testCase.kind === "mutation" && (await t.app.services.prisma.auditEntry.count()) !== before + 1) unaudited.push(`${key} by ${caller}`);
        }
        actual[key]![caller] = outcome;
        const foreign = caller === "otherClient" ? ["alpha.example.com", ids.tenantA] : caller === "owner" || caller === "clientToken" ? ["bravo.example.com", ids.tenantB] : [];
        for (const secret of foreign) if (text.includes(secret)) leaks.push(`${key} by ${caller} shows ${secret}`);
      }
    }
    expect(actual).toEqual(expected);
    expect(unaudited).toEqual([]);
    expect(leaks).toEqual([]);
  });

  it("sends tenantUpdated without a tenant id only the changes a caller may see", async () => {
    const listen = (caller: Caller) => {
      const received: string[] = [];
      const client = createClient({
        url: `${t.url.replace(/^http/, "ws")}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: headers[caller].authorization },
      });
      client.subscribe({ query: "subscription { tenantUpdated { id domain } }" }, { next: (v) => received.push(JSON.stringify(v)), error: () => undefined, complete: () => undefined });
      return { received, close: () => client.dispose() };
    };
    const admin = listen("adminToken");
    const client = listen("clientToken");
    await new Promise((r) => setTimeout(r, 300));
    for (const tenantId of [ids.tenantB, ids.tenantA]) t.app.services.bus.publish("tenant:changed", { tenantId, status: "PENDING", phase: null });
    await new Promise((r) => setTimeout(r, 300));
    expect(admin.received.join()).toContain("bravo.example.com");
    expect(admin.received.join()).toContain("alpha.example.com");
    expect(client.received).toHaveLength(1);
    expect(client.received[0]).toContain("alpha.example.com");
    await Promise.all([admin.close(), client.close()]);
  });
});
