/**
 * The hostile input campaign, API surface: every hostile value of test/hostile-values.ts goes
 * through every argument of every GraphQL root field (and every field of their input objects), as
 * an ADMIN and as a CLIENT; through the REST bodies, query strings and path ids; through the
 * headers and the session cookie. For every request:
 *   - no 5xx and no masked INTERNAL error, and the panel still answers /healthz afterwards;
 *   - no secret in the answer (APP_SECRET, the Portainer key, password hashes, session and API
 *     tokens other than the caller's, tenants' stored secrets, another client's data);
 *   - a rejected mutation changes nothing stored: the database is read before and after each
 *     batch, and every changed row must belong to an accepted call. Rows that change by design are
 *     named: the caller's own session (`lastSeenAt`/`expiresAt`, touched on use), API tokens'
 *     `lastUsedAt`/`lastUsedIp`, and one audit entry per mutation call (which is the audit log's
 *     purpose; its detail must not hold the hostile password or DSN);
 *   - an accepted value is stored as given (or as the validators normalize it: trimmed names,
 *     trimmed lower-case e-mail addresses, punycode domains).
 * Values travel 30 at a time as aliased calls of one operation (the most aliases allowed), so
 * each alias gets its own target (tenant, user) and a change is traced to its alias.
 * bcrypt runs at cost 4 here (the real library, mocked only for speed); every other part is the
 * real panel. Form posts (Remix actions) are in e2e/hostile-forms.spec.ts.
 */
import http from "node:http";
import net from "node:net";
import Database from "better-sqlite3";
import {
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { schema } from "../graphql/schema";
import { SYSTEM } from "../server/events/tenant-events";
import { tenantSecretNeedles } from "../server/tenants/tenant-logs";
import { ADMIN, CLIENT, TEST_APP_SECRET, TEST_PORTAINER_KEY, seedUsers, signIn, startTestApp, type TestApp } from "./app";
import { describeValue, hostileStrings, hostileValues, invalidUtf8, labelOf, sampleValues, wrongTypeValues, type HostileValue } from "./hostile-values";

vi.mock("bcrypt", async (importOriginal) => {
  const real = ((await importOriginal()) as { default: typeof import("bcrypt") }).default;
  const fast = { ...real, hash: (data: string) => real.hash(data, 4), hashSync: (data: string) => real.hashSync(data, 4) };
  return { ...fast, default: fast };
});

type Data = Record<string, any>;
type Who = "ADMIN" | "CLIENT";
const OTHER = { email: "other-client@example.com", password: "other client password 9" };
const DSN = "smtp://mailer:Mail-Secret-4242@smtp.example.com:587";
/** Aliases per operation: the panel's limit. */
const BATCH = 30;
/** Operations are kept under the 256 KiB GraphQL body limit, except the values that alone exceed it. */
const BATCH_BYTES = 200 * 1024;

const stats = { values: 0, requests: 0, calls: 0, rejected: 0, accepted: 0, coercionRejected: 0, inputs: [] as number[] };

/** One request's answer, as every check reads it. */
interface Answer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

/** Sends one HTTP request with exactly these headers and body bytes (Node's fetch would add or refuse some). */
function send(url: string, options: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: string | Buffer }): Promise<Answer> {
  stats.requests++;
  const target = new URL(options.path, url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: options.path, method: options.method ?? "GET", headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

// ---------------------------------------------------------------------------------------------
// GraphQL: which inputs exist, and how each field is called with valid values around the hostile one.
// ---------------------------------------------------------------------------------------------

/** Ids the field specs use; filled in beforeAll. */
interface Targets {
  adminId: string;
  clientId: string;
  otherId: string;
  /** One CLIENT-owned tenant per alias: updates and deletes each get their own. */
  clientTenants: { id: string; domain: string }[];
  /** A SUCCEEDED backup of each of the client's tenants. */
  backups: string[];
  /** Accounts for updateUser / createPasswordResetLink / setPassword, one per alias. */
  spareUsers: string[];
  fleetUpgrade: string;
  clientTokenIds: string[];
  otherTenant: { id: string; domain: string };
}

interface FieldSpec {
  field: string;
  kind: "query" | "mutation";
  /** The selection of a successful result (inside `data { }` for result unions). */
  select: string;
  /** Valid variables for alias `i` called by `who` (the hostile value then replaces one of them). */
  args: (i: number, who: Who, t: Targets, uniq: string) => Data;
  /** Inputs that need fewer calls per batch (rate-limited) and a fresh window before each batch. */
  limited?: Partial<Record<string, { batch: number; advanceMs: number }>>;
  /** Ids an accepted call created, to be removed after the batch (keeps every snapshot small). */
  created?: (data: Data, result: Data) => { table: "Tenant" | "User" | "ApiToken"; id: string }[];
  /** Where an accepted value of an input is stored, and what it must read back as. */
  stored?: Partial<Record<string, (data: Data) => { table: string; id: string; column: string; expect: (value: string) => unknown }>>;
}

const typed = "__typename ... on Error { code message }";
const trimmed = (v: string) => v.trim();
/** An empty slug or plan means "derive it" / "the default": any stored value will do. */
const orDerived = (v: string) => (v === "" ? undefined : v);

const FIELDS: FieldSpec[] = [
  { field: "apiTokens", kind: "query", select: "edges { node { id name prefix owner { email } } } pageInfo { endCursor }", args: () => ({ first: 5 }) },
  { field: "auditLog", kind: "query", select: "edges { node { id action detail ip actorLabel } }", args: () => ({ first: 5 }) },
  { field: "backups", kind: "query", select: "edges { node { id name tenant { domain } } }", args: () => ({ first: 5 }) },
  { field: "fleetUpgrades", kind: "query", select: "edges { node { id status } }", args: () => ({ first: 5 }) },
  { field: "node", kind: "query", select: "id", args: (i, _w, t) => ({ id: t.clientTenants[i]!.id }) },
  { field: "passwordLink", kind: "query", select: "email expiresAt purpose", args: () => ({ token: "not-a-link" }) },
  { field: "tenant", kind: "query", select: "id name domain owner { email }", args: (i, _w, t) => ({ id: t.clientTenants[i]!.id }) },
  { field: "tenantEvents", kind: "query", select: "id message data", args: (i, _w, t) => ({ tenantId: t.clientTenants[i]!.id, first: 5 }) },
  { field: "tenantLogs", kind: "query", select: "message", args: (i, _w, t) => ({ tenantId: t.clientTenants[i]!.id, service: "MAUTIC_WEB", tail: 5 }) },
  { field: "tenants", kind: "query", select: "edges { node { id name domain owner { email } } }", args: () => ({ first: 5 }) },
  { field: "user", kind: "query", select: "id email", args: (_i, _w, t) => ({ id: t.clientId }) },
  { field: "users", kind: "query", select: "edges { node { id email } }", args: () => ({ first: 5 }) },

  {
    field: "changePassword",
    kind: "mutation",
    select: "id",
    // A 73-byte current password is wrong without a bcrypt comparison, so only `new` is judged.
    args: () => ({ current: "wrong current password!", new: "a valid new password 1" }),
    limited: { current: { batch: 10, advanceMs: 16 * 60_000 }, new: { batch: 10, advanceMs: 16 * 60_000 } },
  },
  {
    field: "cloneTenantFromBackup",
    kind: "mutation",
    select: "id name domain slug plan",
    args: (i, _w, t, uniq) => ({ backupId: t.backups[i], input: { name: `Clone ${uniq}`, domain: `clone-${uniq}.example.com` } }),
    created: (d) => [{ table: "Tenant", id: d.id }],
    stored: {
      "input.name": (d) => ({ table: "Tenant", id: d.id, column: "name", expect: trimmed }),
      "input.domain": (d) => ({ table: "Tenant", id: d.id, column: "domain", expect: (v) => new URL(`http://${v}`).hostname }),
      "input.slug": (d) => ({ table: "Tenant", id: d.id, column: "slug", expect: orDerived }),
    },
  },
  {
    field: "createApiToken",
    kind: "mutation",
    select: "token apiToken { id name role tenantIds expiresAt }",
    args: (i, who, t, uniq) => (who === "ADMIN" ? { name: `token ${uniq}`, role: "CLIENT", tenantIds: [t.clientTenants[i]!.id] } : { name: `token ${uniq}` }),
    limited: Object.fromEntries(["name", "role", "tenantIds", "tenantIds[]", "expiresAt"].map((k) => [k, { batch: 20, advanceMs: 61 * 60_000 }])),
    created: (d) => [{ table: "ApiToken", id: d.apiToken.id }],
    stored: { name: (d) => ({ table: "ApiToken", id: d.apiToken.id, column: "name", expect: trimmed }) },
  },
  { field: "createBackup", kind: "mutation", select: "id", args: (i, _w, t) => ({ tenantId: t.clientTenants[i]!.id }) },
  { field: "createPasswordResetLink", kind: "mutation", select: "url user { id }", args: (i, _w, t) => ({ userId: t.spareUsers[i] }) },
  {
    field: "createTenant",
    kind: "mutation",
    select: "data { id name domain slug plan mauticImage owner { id email } } ownerSetPasswordUrl",
    args: (_i, _w, t, uniq) => ({ input: { name: `Hostile ${uniq}`, domain: `h-${uniq}.example.com`, ownerId: t.clientId } }),
    created: (d, result) => [{ table: "Tenant", id: d.id }, ...(result.ownerSetPasswordUrl ? [{ table: "User" as const, id: d.owner.id }] : [])],
    stored: {
      "input.name": (d) => ({ table: "Tenant", id: d.id, column: "name", expect: trimmed }),
      "input.domain": (d) => ({ table: "Tenant", id: d.id, column: "domain", expect: (v) => new URL(`http://${v}`).hostname }),
      "input.slug": (d) => ({ table: "Tenant", id: d.id, column: "slug", expect: orDerived }),
      "input.plan": (d) => ({ table: "Tenant", id: d.id, column: "plan", expect: orDerived }),
      "input.ownerEmail": (d) => ({ table: "User", id: d.owner.id, column: "email", expect: (v) => v.trim().toLowerCase() }),
    },
  },
  {
    field: "createUser",
    kind: "mutation",
    select: "setPasswordUrl user { id email role }",
    args: (_i, _w, _t, uniq) => ({ input: { email: `u-${uniq}@example.com`, role: "CLIENT" } }),
    created: (d) => [{ table: "User", id: d.user.id }],
    stored: { "input.email": (d) => ({ table: "User", id: d.user.id, column: "email", expect: (v) => v.trim().toLowerCase() }) },
  },
  {
    field: "deleteTenant",
    kind: "mutation",
    select: "id status",
    // The confirmation is wrong (unless it is the hostile input), so nothing is ever deleted.
    args: (i, _w, t) => ({ id: t.clientTenants[i]!.id, confirm: "not the domain", deleteData: true }),
  },
  { field: "deleteUser", kind: "mutation", select: "", args: (i, _w, t) => ({ id: t.spareUsers[i] }) },
  { field: "login", kind: "mutation", select: "id email", args: () => ({ email: "nobody@example.com", password: "wrong password 123" }) },
  ...["redeployTenant", "resumeTenant", "retryTenant", "suspendTenant"].map(
    (field): FieldSpec => ({ field, kind: "mutation", select: "id status", args: (i, _w, t) => ({ id: t.clientTenants[i]!.id }) }),
  ),
  { field: "restoreBackup", kind: "mutation", select: "id", args: (i, _w, t) => ({ backupId: t.backups[i] }) },
  { field: "revealTenantCredentials", kind: "mutation", select: "tenantId adminUser", args: (i, _w, t) => ({ id: t.clientTenants[i]!.id }) },
  { field: "revokeApiToken", kind: "mutation", select: "id revokedAt", args: (i, _w, t) => ({ id: t.clientTokenIds[i] }) },
  {
    field: "setPassword",
    kind: "mutation",
    select: "id email",
    args: () => ({ token: "not-a-link", new: "a valid new password 1" }),
    limited: { token: { batch: 10, advanceMs: 16 * 60_000 }, new: { batch: 10, advanceMs: 16 * 60_000 } },
  },
  { field: "stopFleetUpgrade", kind: "mutation", select: "id status", args: (_i, _w, t) => ({ id: t.fleetUpgrade }) },
  {
    field: "updateTenant",
    kind: "mutation",
    select: "id name plan clientMayRestore",
    args: (i, _w, t) => ({ id: t.clientTenants[i]!.id, input: { clientMayRestore: false } }),
    stored: {
      "input.name": (d) => ({ table: "Tenant", id: d.id, column: "name", expect: trimmed }),
      "input.plan": (d) => ({ table: "Tenant", id: d.id, column: "plan", expect: (v) => v }),
    },
  },
  {
    field: "updateUser",
    kind: "mutation",
    select: "id email role",
    args: (i, _w, t) => ({ id: t.spareUsers[i], input: {} }),
    stored: { "input.email": (d) => ({ table: "User", id: d.id, column: "email", expect: (v) => v.trim().toLowerCase() }) },
  },
  { field: "upgradeTenant", kind: "mutation", select: "id mauticImage", args: (i, _w, t) => ({ id: t.clientTenants[i]!.id, mauticImage: "mautic/mautic:7.2.0-apache" }) },
  // No tenant is ACTIVE (there is no worker here), so no fleet upgrade can start.
  { field: "upgradeTenants", kind: "mutation", select: "id status", args: () => ({ mauticImage: "mautic/mautic:7.2.0-apache", batchSize: 5, maxFailureRate: 0.2, filter: {} }) },
];

/** Root fields without arguments: nothing to send hostile values through. */
const NO_ARGUMENTS = ["query.mauticImages", "query.me", "query.plans", "query.portainerStatus", "mutation.logout"];

/**
 * Inputs that get every hostile value: free text that is validated and stored, searched or
 * compared. Every other input gets a sample (the first two values of every category, and every
 * wrong type), so the campaign stays well under a minute. HOSTILE_INPUT_FULL=1 sends every value
 * through every input (a few minutes).
 */
const EVERY_VALUE_EVERYWHERE = process.env.HOSTILE_INPUT_FULL === "1";
const FULL_INPUTS = new Set([
  "tenants(search)",
  "users(search)",
  "tenant(id)",
  "login(email)",
  "login(password)",
  "changePassword(new)",
  "setPassword(token)",
  "createTenant(input.name)",
  "createTenant(input.domain)",
  "createTenant(input.ownerEmail)",
  "createTenant(input.mailerDsn)",
  "updateTenant(input.name)",
  "createUser(input.email)",
  "createUser(input.password)",
]);

interface InputPath {
  /** `arg`, `arg.field` (a field of an input object) or `arg[]` (an element of a list). */
  key: string;
  arg: string;
  field?: string;
  element?: boolean;
  /** The GraphQL type of what the hostile value replaces. */
  type: GraphQLInputType;
}

function rootField(spec: FieldSpec): GraphQLField<unknown, unknown> {
  const type = spec.kind === "query" ? schema.getQueryType()! : schema.getMutationType()!;
  const field = type.getFields()[spec.field];
  if (!field) throw new Error(`no root field ${spec.kind}.${spec.field}`);
  return field;
}

/** Every input of a root field: each argument, each field of an input-object argument, each list's element. */
function inputPaths(field: GraphQLField<unknown, unknown>): InputPath[] {
  const paths: InputPath[] = [];
  for (const arg of field.args) {
    paths.push({ key: arg.name, arg: arg.name, type: arg.type });
    const nullable = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
    if (isListType(nullable)) paths.push({ key: `${arg.name}[]`, arg: arg.name, element: true, type: nullable.ofType as GraphQLInputType });
    const named = getNamedType(arg.type);
    if (isInputObjectType(named)) {
      for (const f of Object.values(named.getFields())) {
        paths.push({ key: `${arg.name}.${f.name}`, arg: arg.name, field: f.name, type: f.type });
        const inner = isNonNullType(f.type) ? f.type.ofType : f.type;
        if (isListType(inner)) paths.push({ key: `${arg.name}.${f.name}[]`, arg: arg.name, field: f.name, element: true, type: inner.ofType as GraphQLInputType });
      }
    }
  }
  return paths;
}

/** The selection for a field's result: its union members' errors and its success data. */
function selectionOf(spec: FieldSpec, field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  if (!isUnionType(named)) return spec.select ? `{ ${spec.select} }` : "";
  const members = named.getTypes().map((m) => m.name);
  const success = members.find((m) => m.endsWith("Success"))!;
  const parts = [typed];
  if (members.includes("ValidationError")) parts.push("... on ValidationError { fieldErrors { field message } }");
  if (members.includes("TooManyAttemptsError")) parts.push("... on TooManyAttemptsError { retryAfterSeconds }");
  const successFields = schema.getType(success) as unknown as { getFields(): Record<string, unknown> };
  const dataIsObject = spec.select !== "" && !spec.select.startsWith("data {");
  const inner = spec.select === "" ? "data" : dataIsObject ? `data { ${spec.select} }` : spec.select;
  if (!("data" in successFields.getFields())) throw new Error(`${success} has no data`);
  parts.push(`... on ${success} { ${inner} }`);
  return `{ ${parts.join(" ")} }`;
}

/** Sets the hostile value at `path` in a copy of the valid variables. */
function place(valid: Data, path: InputPath, value: unknown): Data {
  const vars: Data = structuredClone(valid);
  if (path.field === undefined) {
    vars[path.arg] = path.element ? [value] : value;
    return vars;
  }
  const input: Data = { ...(vars[path.arg] ?? {}) };
  // An owner e-mail only counts without an owner id: give it the stage.
  if (path.field === "ownerEmail") delete input.ownerId;
  input[path.field] = path.element ? [value] : value;
  vars[path.arg] = input;
  return vars;
}

// ---------------------------------------------------------------------------------------------
// The database as each check reads it.
// ---------------------------------------------------------------------------------------------

const TABLES = ["User", "Session", "Tenant", "Job", "ApiToken", "PasswordLink", "Backup", "FleetUpgrade", "FleetUpgradeItem"] as const;
/** Columns that change by design when a caller merely uses a credential (see the file's comment). */
const TOUCHED_ON_USE: Record<string, string[]> = { Session: ["lastSeenAt", "expiresAt"], ApiToken: ["lastUsedAt", "lastUsedIp"] };
const FOREIGN_KEYS = ["tenantId", "userId", "ownerId", "fleetUpgradeId"];

interface Snapshot {
  rows: Map<string, Map<string, Data>>;
  maxAudit: number;
  maxEvent: number;
}

class Db {
  private readonly db: Database.Database;
  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
  }
  snapshot(): Snapshot {
    const rows = new Map<string, Map<string, Data>>();
    for (const table of TABLES) {
      const skip = TOUCHED_ON_USE[table] ?? [];
      const byId = new Map<string, Data>();
      for (const row of this.db.prepare(`SELECT * FROM "${table}"`).all() as Data[]) {
        for (const column of skip) delete row[column];
        byId.set(String(row.id), row);
      }
      rows.set(table, byId);
    }
    const max = (table: string) => (this.db.prepare(`SELECT coalesce(max(id), 0) AS m FROM "${table}"`).get() as { m: number }).m;
    return { rows, maxAudit: max("AuditEntry"), maxEvent: max("TenantEvent") };
  }
  auditSince(id: number): Data[] {
    return this.db.prepare(`SELECT * FROM AuditEntry WHERE id > ? ORDER BY id`).all(id) as Data[];
  }
  eventsSince(id: number): Data[] {
    return this.db.prepare(`SELECT * FROM TenantEvent WHERE id > ? ORDER BY id`).all(id) as Data[];
  }
  read(table: string, id: string, column: string): unknown {
    return (this.db.prepare(`SELECT "${column}" AS v FROM "${table}" WHERE id = ?`).get(id) as { v: unknown } | undefined)?.v;
  }
  close(): void {
    this.db.close();
  }
}

/** Rows added, removed or changed between two snapshots that no accepted call explains. */
function unexplainedChanges(before: Snapshot, after: Snapshot, explained: Set<string>): string[] {
  const problems: string[] = [];
  const explains = (row: Data) => explained.has(String(row.id)) || FOREIGN_KEYS.some((k) => row[k] != null && explained.has(String(row[k])));
  for (const table of TABLES) {
    const a = before.rows.get(table)!;
    const b = after.rows.get(table)!;
    for (const [id, row] of b) {
      const old = a.get(id);
      if (!old) {
        if (!explains(row)) problems.push(`${table} ${id} was added`);
      } else if (JSON.stringify(old) !== JSON.stringify(row) && !explains(row) && !explains(old)) {
        const columns = Object.keys(row).filter((k) => JSON.stringify(row[k]) !== JSON.stringify(old[k]));
        problems.push(`${table} ${id} changed (${columns.join(", ")})`);
      }
    }
    for (const [id, row] of a) if (!b.has(id) && !explains(row)) problems.push(`${table} ${id} was removed`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

describe("hostile input campaign: GraphQL, REST, headers and cookies", () => {
  let t: TestApp;
  let db: Db;
  let offsetMs = 0;
  const targets = {} as Targets;
  const cookies = {} as Record<Who | "OTHER", string>;
  /** Strings no answer may contain. */
  const secrets = new Map<string, string>();
  /** Strings only an ADMIN may see (another client's data), per CLIENT caller. */
  const foreignToClient = new Map<string, string>();
  let unique = 0;
  const uniq = () => `${Date.now().toString(36)}${(unique++).toString(36)}`;
  let fakeIp = 0;
  /** A new client address (TRUST_PROXY trusts loopback), so throttles per address start afresh. */
  const nextIp = () => `192.0.2.${(fakeIp++ % 250) + 1}`;

  beforeAll(async () => {
    t = await startTestApp(
      {
        TRUST_PROXY: "loopback",
        // The clock jumps forward between rate-limited batches; sessions must outlive the jumps.
        SESSION_IDLE_HOURS: String(24 * 90),
        SESSION_MAX_DAYS: "365",
        LOGIN_MAX_FAILURES_PER_ACCOUNT: "1000",
        LOGIN_MAX_FAILURES_PER_IP: "100000",
        LOG_LEVEL: "warn",
      },
      { worker: false, now: () => new Date(Date.now() + offsetMs) },
    );
    db = new Db(t.databasePath);
    await seedUsers(t.app);
    const { users, prisma, tenants, passwordLinks } = t.app.services;
    const other = await users.create({ ...OTHER, role: "CLIENT" });
    const idOf = async (email: string) => (await prisma.user.findUniqueOrThrow({ where: { email } })).id;
    Object.assign(targets, { adminId: await idOf(ADMIN.email), clientId: await idOf(CLIENT.email), otherId: other.id });
    targets.clientTenants = [];
    targets.backups = [];
    for (let i = 0; i < BATCH; i++) {
      const tenant = await tenants.create({ name: `Client tenant ${i}`, domain: `client-${i}.example.com`, ownerId: targets.clientId, mailerDsn: DSN }, SYSTEM);
      targets.clientTenants.push({ id: tenant.id, domain: tenant.domain });
      const backup = await prisma.backup.create({ data: { tenantId: tenant.id, name: `client-${i}-backup`, trigger: "MANUAL", status: "SUCCEEDED", mauticImage: "mautic/mautic:7.2.0-apache", sha256: "0".repeat(64), location: "volume:x.tar" } });
      targets.backups.push(backup.id);
    }
    const theirs = await tenants.create({ name: "Theirs", domain: "theirs-secret-domain.example.com", ownerId: other.id, mailerDsn: DSN.replace("4242", "7777") }, SYSTEM);
    targets.otherTenant = { id: theirs.id, domain: theirs.domain };
    targets.spareUsers = [];
    for (let i = 0; i < BATCH; i++) targets.spareUsers.push((await users.create({ email: `spare-${i}@example.com`, role: "CLIENT" })).id);
    targets.fleetUpgrade = (await prisma.fleetUpgrade.create({ data: { mauticImage: "mautic/mautic:7.2.0-apache", batchSize: 5, maxFailureRate: 0.2, status: "COMPLETED" } })).id;
    cookies.ADMIN = await signIn(t.url, ADMIN);
    cookies.CLIENT = await signIn(t.url, CLIENT);
    cookies.OTHER = await signIn(t.url, OTHER);
    targets.clientTokenIds = [];
    for (let i = 0; i < BATCH; i++) {
      const principal = { user: { id: targets.clientId, email: CLIENT.email, role: "CLIENT" as const }, accountRole: "CLIENT" as const, token: null };
      const created = await t.app.services.apiTokens.create(principal, { name: `client token ${i}`, expiresAt: null, role: null, tenantIds: null });
      targets.clientTokenIds.push(created.apiToken.id);
      secrets.set(created.token, `the API token of client token ${i}`);
      if (i % 19 === 18) offsetMs += 61 * 60_000; // 20 creations an hour
    }
    const link = await passwordLinks.issue(targets.spareUsers[0]!, "INVITE", null);
    secrets.set(link.url.split("/").pop()!, "a set-password link token");

    secrets.set(TEST_APP_SECRET, "APP_SECRET");
    secrets.set(TEST_PORTAINER_KEY, "the Portainer API key");
    secrets.set(cookies.OTHER.slice(cookies.OTHER.indexOf("=") + 1).split(".")[0]!, "another user's session token");
    for (const row of await prisma.tenant.findMany()) for (const needle of tenantSecretNeedles(row, tenants.secrets)) secrets.set(needle, `a stored secret of tenant ${row.domain}`);
    for (const row of await prisma.user.findMany({ where: { passwordHash: { not: null } } })) secrets.set(row.passwordHash!, `the password hash of ${row.email}`);
    for (const row of await prisma.session.findMany()) secrets.set(row.tokenHash, "a session token hash");
    for (const row of await prisma.apiToken.findMany()) secrets.set(row.tokenHash, "an API token hash");
    foreignToClient.set(OTHER.email, "another client's e-mail");
    foreignToClient.set(targets.otherTenant.domain, "another client's tenant");
    foreignToClient.set(targets.otherTenant.id, "another client's tenant id");
  });

  afterAll(async () => {
    db?.close();
    const sorted = [...stats.inputs].sort((a, b) => a - b);
    console.log(
      `hostile input (API): ${stats.values} hostile values, ${stats.inputs.length} GraphQL inputs (${sorted[0]}–${sorted.at(-1)} values each, ` +
        `${sorted.filter((n) => n === stats.values).length} with every value), ${stats.requests} requests, ${stats.calls} GraphQL calls; ` +
        `${stats.rejected} rejected (${stats.coercionRejected} by type coercion), ${stats.accepted} accepted`,
    );
    await t?.close();
  });

  /** The problems of one answer: 5xx, a masked internal error, a secret, another client's data. */
  function answerProblems(answer: Answer, who: Who | "ANONYMOUS", what: string, attributedElsewhere?: RegExp): string[] {
    const problems: string[] = [];
    if (answer.status >= 500) problems.push(`${what}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
    const internal = /"code":"INTERNAL"|Unexpected error/;
    if (internal.test(answer.text) && !attributedElsewhere?.test(answer.text)) problems.push(`${what}: an internal error: ${answer.text.slice(0, 300)}`);
    for (const [needle, name] of secrets) if (answer.text.includes(needle)) problems.push(`${what}: the answer shows ${name}`);
    if (/\$2[aby]\$\d\d\$/.test(answer.text)) problems.push(`${what}: the answer shows a bcrypt hash`);
    if (who === "CLIENT") for (const [needle, name] of foreignToClient) if (answer.text.includes(needle)) problems.push(`${what}: a CLIENT sees ${name}`);
    return problems;
  }

  async function healthy(): Promise<void> {
    const res = await send(t.url, { path: "/healthz" });
    expect(res.status, "the panel stopped answering /healthz").toBe(200);
  }

  /** A POST to /graphql as `who`, from a given client address. */
  function postGraphQL(who: Who | "ANONYMOUS", body: string, ip: string, extra: Record<string, string> = {}): Promise<Answer> {
    return send(t.url, {
      method: "POST",
      path: "/graphql",
      headers: { "content-type": "application/json", origin: t.url, "x-forwarded-for": ip, ...(who === "ANONYMOUS" ? {} : { cookie: cookies[who] }), ...extra },
      body,
    });
  }

  /** Which field specs and inputs exist; fails when the schema grows an input this campaign does not reach. */
  it("covers every argument of every root field, and generates at least 300 hostile values in every category", () => {
    const covered = new Set([...FIELDS.map((f) => `${f.kind}.${f.field}`), ...NO_ARGUMENTS]);
    const roots = [
      ["query", schema.getQueryType()!],
      ["mutation", schema.getMutationType()!],
    ] as const;
    const all = roots.flatMap(([kind, type]) => Object.keys(type.getFields()).map((field) => `${kind}.${field}`));
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
    for (const name of NO_ARGUMENTS) {
      const [kind, field] = name.split(".") as ["query" | "mutation", string];
      expect(rootField({ field, kind } as FieldSpec).args).toEqual([]);
    }
    const values = hostileValues();
    stats.values = values.length;
    expect(values.length).toBeGreaterThanOrEqual(300);
    expect(new Set(values.map(labelOf)).size).toBe(values.length);
    const inputs = FIELDS.reduce((n, f) => n + inputPaths(rootField(f)).length, 0);
    console.log(`hostile input (API): ${values.length} values (${hostileStrings().length} strings, ${wrongTypeValues().length} wrong types) through ${inputs} GraphQL inputs of ${FIELDS.length} root fields`);
  });


  /**
   * Sends the values meant for one input (see FULL_INPUTS) in batches of aliased calls, batch by
   * batch as an ADMIN and as a CLIENT in turn, and checks each batch (see the file's comment).
   */
  async function campaign(spec: FieldSpec, path: InputPath): Promise<string[]> {
    const field = rootField(spec);
    const selection = selectionOf(spec, field);
    const limit = spec.limited?.[path.key];
    const batchSize = limit?.batch ?? BATCH;
    const problems: string[] = [];
    const full = EVERY_VALUE_EVERYWHERE || FULL_INPUTS.has(`${spec.field}(${path.key})`);
    const values = full ? hostileValues() : sampleValues(2);
    stats.inputs.push(values.length);
    const ip = nextIp();
    // Every other value goes to each caller, so both see every category.
    const rounds: [HostileValue[], Who][] = [];
    for (const who of ["ADMIN", "CLIENT"] as const) {
      const mine = values.filter((_v, k) => k % 2 === (who === "ADMIN" ? 0 : 1));
      let start = 0;
      while (start < mine.length) {
        // Up to batchSize values, under the body limit (a value over it travels alone).
        const batch: HostileValue[] = [];
        let bytes = 0;
        while (start < mine.length && batch.length < batchSize) {
          const size = JSON.stringify(mine[start]!.value ?? null).length;
          if (batch.length > 0 && bytes + size > BATCH_BYTES) break;
          batch.push(mine[start]!);
          bytes += size;
          start++;
        }
        rounds.push([batch, who]);
      }
    }
    for (const [batch, who] of rounds) {
      if (limit) offsetMs += limit.advanceMs;
      problems.push(...(await runBatch(spec, field, selection, path, who, batch, limit ? nextIp() : ip)));
    }
    await healthy();
    return problems;
  }

  interface GraphQLBody {
    data?: Data | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  }

  async function runBatch(spec: FieldSpec, field: GraphQLField<unknown, unknown>, selection: string, path: InputPath, who: Who, batch: HostileValue[], ip: string): Promise<string[]> {
    const problems: string[] = [];
    const label = `${spec.kind}.${spec.field}(${path.key}) as ${who}`;
    let pending = batch.map((value, i) => ({ value, i }));
    while (pending.length > 0) {
      const calls = pending.map(({ value, i }) => ({ value, i, vars: place(spec.args(i, who, targets, uniq()), path, value.value) }));
      const named = (i: number) => {
        const call = calls.find((c) => c.i === i);
        return call ? `${labelOf(call.value)} ${describeValue(call.value.value, 60)}` : `alias ${i}`;
      };
      const declared: string[] = [];
      const variables: Data = {};
      const aliases = calls.map(({ i, vars }) => {
        const args = field.args
          .filter((a: GraphQLArgument) => vars[a.name] !== undefined)
          .map((a: GraphQLArgument) => {
            declared.push(`$a${i}_${a.name}: ${String(a.type)}`);
            variables[`a${i}_${a.name}`] = vars[a.name];
            return `${a.name}: $a${i}_${a.name}`;
          });
        return `a${i}: ${spec.field}${args.length ? `(${args.join(", ")})` : ""} ${selection}`;
      });
      const source = `${spec.kind}${declared.length ? `(${declared.join(", ")})` : ""} { ${aliases.join(" ")} }`;
      const body = JSON.stringify({ query: source, variables });
      const before = spec.kind === "mutation" ? db.snapshot() : null;
      const answer = await postGraphQL(who, body, ip);
      const what = `${label} [${calls.length === 1 ? named(calls[0]!.i) : `${calls.length} values from ${labelOf(calls[0]!.value)}`}]`;
      problems.push(...answerProblems(answer, who, what, /"code":"INTERNAL"/));
      if (answer.status === 413) {
        // The 256 KiB body limit: nothing ran.
        expect(Buffer.byteLength(body), `${what}: 413 for a small body`).toBeGreaterThan(256 * 1024);
        stats.rejected += calls.length;
        stats.calls += calls.length;
        if (before) problems.push(...unexplainedChanges(before, db.snapshot(), new Set()).map((p) => `${what} [413]: ${p}`));
        return problems;
      }
      let parsed: GraphQLBody;
      try {
        parsed = JSON.parse(answer.text) as GraphQLBody;
      } catch {
        problems.push(`${what}: not JSON (HTTP ${answer.status}): ${answer.text.slice(0, 200)}`);
        return problems;
      }
      // Values refused before anything ran: GraphQL's coercion, or malformed text.
      const refused = new Set<number>();
      for (const error of parsed.errors ?? []) {
        const alias = error.path ? /^a(\d+)$/.exec(String(error.path[0]))?.[1] : /^Variable "\$a(\d+)_/.exec(error.message)?.[1];
        if (alias === undefined) problems.push(`${what}: an error no alias explains: ${describeValue(error.message, 200)}`);
        else if (error.extensions?.code === "INTERNAL") problems.push(`${label} [${named(Number(alias))}]: "Unexpected error." (INTERNAL)`);
        else if (!error.path) refused.add(Number(alias));
      }
      if (refused.size > 0) {
        expect(parsed.data ?? undefined, `${what}: data despite a refused variable`).toBeUndefined();
        stats.calls += refused.size;
        stats.coercionRejected += refused.size;
        stats.rejected += refused.size;
        if (before) problems.push(...unexplainedChanges(before, db.snapshot(), new Set()).map((p) => `${what} [refused variables]: ${p}`));
        pending = pending.filter(({ i }) => !refused.has(i));
        continue;
      }
      problems.push(...(await judge(spec, path, calls, parsed, before, label, named)));
      return problems;
    }
    return problems;
  }

  /** Classifies each alias's result and checks the database against it. */
  async function judge(
    spec: FieldSpec,
    path: InputPath,
    calls: { value: HostileValue; i: number; vars: Data }[],
    parsed: GraphQLBody,
    before: Snapshot | null,
    label: string,
    named: (i: number) => string,
  ): Promise<string[]> {
    const problems: string[] = [];
    const explained = new Set<string>();
    const created: { table: "Tenant" | "User" | "ApiToken"; id: string }[] = [];
    const failedAliases = new Set((parsed.errors ?? []).map((e) => String(e.path?.[0])));
    for (const { value, i, vars } of calls) {
      stats.calls++;
      const result = parsed.data?.[`a${i}`];
      const accepted = !failedAliases.has(`a${i}`) && result != null && (typeof result !== "object" || !("__typename" in result) || String(result.__typename).endsWith("Success"));
      if (!accepted) {
        stats.rejected++;
        continue;
      }
      stats.accepted++;
      if (spec.kind === "query") continue;
      const data = typeof result === "object" && "data" in result ? result.data : result;
      for (const id of [vars.id, vars.tenantId, vars.userId, vars.backupId]) if (typeof id === "string") explained.add(id);
      JSON.stringify(data, (_k, v: unknown) => {
        if (typeof v === "string" && /^(c[a-z0-9]{20,30}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.test(v)) explained.add(v);
        return v;
      });
      created.push(...(spec.created?.(data, result) ?? []));
      const stored = spec.stored?.[path.key];
      if (stored && typeof value.value === "string") {
        const where = stored(data);
        const actual = db.read(where.table, where.id, where.column);
        const expected = where.expect(value.value);
        if (expected !== undefined && actual !== expected) problems.push(`${label} [${named(i)}]: accepted, but stored ${describeValue(actual)} instead of ${describeValue(expected)}`);
      }
    }
    if (!before) return problems;
    const after = db.snapshot();
    const batchName = `${label} [${calls.length} values from ${labelOf(calls[0]!.value)}]`;
    problems.push(...unexplainedChanges(before, after, explained).map((p) => `${batchName}: ${p}`));
    // One audit entry per mutation call that ran (a refusal of a non-null field stops the rest of
    // a mutation operation), none holding a secret; a password, token or DSN input is redacted.
    const ran = calls.filter(({ i }) => parsed.data?.[`a${i}`] != null || failedAliases.has(`a${i}`)).length;
    const audit = db.auditSince(before.maxAudit);
    if (audit.length !== ran) problems.push(`${batchName}: ${ran} calls ran but ${audit.length} audit entries`);
    const secretInput = /password|current|^new$|mailerDsn|token/i.test(path.field ?? path.arg);
    for (const entry of audit) {
      const text = JSON.stringify(entry);
      for (const [needle, name] of secrets) if (text.includes(needle)) problems.push(`${batchName}: audit entry ${entry.id} holds ${name}`);
      if (!secretInput) continue;
      const args = (JSON.parse(entry.detail ?? "{}") as { arguments?: Data }).arguments ?? {};
      const logged = path.field === undefined ? args[path.arg] : (args[path.arg] as Data | undefined)?.[path.field];
      if (logged !== "[redacted]" && logged !== null && logged !== undefined) problems.push(`${batchName}: audit entry ${entry.id} shows ${path.key} as ${describeValue(logged)}`);
    }
    for (const event of db.eventsSince(before.maxEvent)) if (!explained.has(event.tenantId)) problems.push(`${batchName}: event ${event.id} (${event.type}) after a rejected call`);
    // Keep the tables small: remove what accepted calls created (owned rows cascade).
    if (created.length > 0) {
      const { prisma } = t.app.services;
      const ids = (table: string) => created.filter((c) => c.table === table).map((c) => c.id);
      await prisma.tenant.deleteMany({ where: { id: { in: ids("Tenant") } } });
      await prisma.apiToken.deleteMany({ where: { id: { in: ids("ApiToken") } } });
      await prisma.user.deleteMany({ where: { id: { in: ids("User") } } });
    }
    return problems;
  }

  const runs = FIELDS.flatMap((spec) =>
    inputPaths(rootField(spec)).map((path) => ({ name: `${spec.kind}.${spec.field}(${path.key}: ${String(path.type)})`, spec, path })),
  );

  it.each(runs)("GraphQL $name", async ({ spec, path }) => {
    expect(await campaign(spec, path)).toEqual([]);
  });

  // -------------------------------------------------------------------------------------------
  // REST
  // -------------------------------------------------------------------------------------------

  /** Runs `fn` over `items`, `width` at a time. */
  async function inChunks<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
    for (let k = 0; k < items.length; k += width) await Promise.all(items.slice(k, k + width).map(fn));
  }

  it("REST POST /api/auth/login: every hostile e-mail and password, as JSON of every shape", async () => {
    const problems: string[] = [];
    const before = db.snapshot();
    const ip = nextIp();
    const bodies: { what: string; body: string }[] = [];
    for (const v of hostileValues()) bodies.push({ what: `email ${labelOf(v)}`, body: JSON.stringify({ email: v.value, password: "wrong password 123" }) });
    for (const v of sampleValues(2)) bodies.push({ what: `password ${labelOf(v)}`, body: JSON.stringify({ email: "nobody@example.com", password: v.value }) });
    for (const v of wrongTypeValues()) bodies.push({ what: `whole body ${labelOf(v)}`, body: JSON.stringify(v.value) });
    for (const raw of ["", "{", '{"email":', "nul", '{"email":"a@b.co","password":"x",}', "{'email':'a'}", '{"__proto__":{"x":1},"email":"a@b.co","password":"p"}']) bodies.push({ what: `raw ${describeValue(raw)}`, body: raw });
    let statuses = 0;
    await inChunks(bodies, 8, async ({ what, body }) => {
      const res = await send(t.url, { method: "POST", path: "/api/auth/login", headers: { "content-type": "application/json", "x-forwarded-for": ip }, body });
      problems.push(...answerProblems(res, "ANONYMOUS", `login ${what}`));
      if (![400, 401, 413, 429].includes(res.status)) problems.push(`login ${what}: HTTP ${res.status}`);
      if (res.headers["set-cookie"]?.some((c) => !/Max-Age=0/.test(c))) problems.push(`login ${what}: a session cookie`);
      statuses++;
    });
    expect(problems).toEqual([]);
    expect(statuses).toBe(bodies.length);
    // Failed sign-ins are audited (anonymous); nothing else changes.
    expect(unexplainedChanges(before, db.snapshot(), new Set())).toEqual([]);
    await healthy();
  });

  it("REST POST /api/tenants: hostile values in every field, as ADMIN and as CLIENT; accepted ones stored as validated", async () => {
    const problems: string[] = [];
    const fields = ["name", "slug", "domain", "ownerId", "ownerEmail", "mauticImage", "plan", "mailerDsn"];
    const jobs: { who: Who; field: string; v: HostileValue }[] = [];
    // The same GraphQL mutation checks every field with every value (above); here the REST layer's own
    // handling (JSON, types, field picking, statuses) gets a sample in each field.
    for (const field of fields) sampleValues(2).forEach((v, k) => jobs.push({ who: k % 2 === 0 ? "ADMIN" : "CLIENT", field, v }));
    for (let k = 0; k < jobs.length; k += 10) {
      const chunk = jobs.slice(k, k + 10);
      const before = db.snapshot();
      const explained = new Set<string>();
      await Promise.all(
        chunk.map(async ({ who, field, v }) => {
          const id = uniq();
          const body: Data = { name: `Rest ${id}`, domain: `rest-${id}.example.com`, ownerId: targets.clientId, [field]: v.value };
          if (field === "ownerEmail") delete body.ownerId;
          const res = await send(t.url, { method: "POST", path: "/api/tenants", headers: { "content-type": "application/json", cookie: cookies[who], origin: t.url }, body: JSON.stringify(body) });
          const what = `POST /api/tenants ${field}=${labelOf(v)} ${describeValue(v.value, 50)} as ${who}`;
          problems.push(...answerProblems(res, who, what));
          if (res.status === 201) {
            stats.accepted++;
            const created = JSON.parse(res.text) as { tenant: { id: string; owner: { id: string } } };
            explained.add(created.tenant.id).add(created.tenant.owner.id);
            if (who !== "ADMIN") problems.push(`${what}: a CLIENT created a tenant`);
            const expectStored: Record<string, [string, string, (s: string) => string]> = {
              name: ["Tenant", "name", (s) => s.trim()],
              domain: ["Tenant", "domain", (s) => new URL(`http://${s}`).hostname],
              ownerEmail: ["User", "email", (s) => s.trim().toLowerCase()],
            };
            const rule = expectStored[field];
            if (rule && typeof v.value === "string") {
              const [table, column, normalize] = rule;
              const actual = db.read(table, table === "User" ? created.tenant.owner.id : created.tenant.id, column);
              if (actual !== normalize(v.value)) problems.push(`${what}: stored ${describeValue(actual)}`);
            }
            await t.app.services.prisma.tenant.delete({ where: { id: created.tenant.id } });
            if (field === "ownerEmail" && created.tenant.owner.id !== targets.clientId) await t.app.services.prisma.user.deleteMany({ where: { id: created.tenant.owner.id, tenants: { none: {} } } });
          } else {
            stats.rejected++;
            if (![400, 403, 404, 409, 413].includes(res.status)) problems.push(`${what}: HTTP ${res.status}`);
          }
        }),
      );
      problems.push(...unexplainedChanges(before, db.snapshot(), explained));
    }
    expect(problems).toEqual([]);
    await healthy();
  });

  it("REST GET /api/tenants and /api/tenants/:id: hostile query strings and ids, raw and percent-encoded", async () => {
    const problems: string[] = [];
    const paths: string[] = [];
    for (const v of sampleValues(2)) {
      if (typeof v.value !== "string" || v.value.length > 4096) continue; // a request line that long is refused by Node itself (431), tested with the headers
      // A URL cannot carry a lone surrogate (its bytes are tried raw below: %ED%A0%80).
      const q = encodeURIComponent(v.value.replace(/\p{Cs}/gu, "\uFFFD"));
      paths.push(`/api/tenants?search=${q}`, `/api/tenants?after=${q}`, `/api/tenants?limit=${q}`, `/api/tenants/${q}`);
    }
    paths.push("/api/tenants?search[]=x&search[]=y", "/api/tenants?after[a]=b", "/api/tenants?limit=-1", "/api/tenants?limit=1e9");
    // Malformed percent-encoding and raw bytes in the path.
    for (const raw of ["%", "%ZZ", "%E0%A4%A", "%C0%AF", "%00", "%0d%0aSet-Cookie:x=y", "..%2f..%2fetc%2fpasswd", "%2e%2e", "%ED%A0%80", "%FF%FE"]) paths.push(`/api/tenants/${raw}`, `/api/tenants?search=${raw}`, `/api/tenants?after=${raw}`);
    const before = db.snapshot();
    await inChunks(paths, 8, async (p) => {
      for (const who of ["ADMIN", "CLIENT"] as const) {
        const res = await send(t.url, { path: p, headers: { cookie: cookies[who] } });
        problems.push(...answerProblems(res, who, `GET ${p.slice(0, 120)} as ${who}`));
      }
    });
    expect(problems).toEqual([]);
    expect(unexplainedChanges(before, db.snapshot(), new Set())).toEqual([]);
    await healthy();
  });

  it("REST: hostile content types, charsets, encodings and bodies on every POST endpoint", async () => {
    const problems: string[] = [];
    const types = [
      "application/json",
      "application/json; charset=utf-8",
      "application/json; charset=latin1",
      "application/json; charset=utf-16",
      "application/json; charset=\"><script>",
      "application/json; boundary=x",
      "APPLICATION/JSON",
      "application/json\u0000",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=----x",
      "multipart/form-data",
      "application/graphql",
      "application/graphql-response+json",
      "*/*",
      "",
      "application/",
      ";;;",
      "a".repeat(5000),
    ];
    const bodies = [
      '{"email":"nobody@example.com","password":"wrong password 123"}',
      "{",
      "------x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nx\r\n------x--",
      "email=nobody%40example.com&password=x",
      '{"query":"{ me { id } }"}',
      Buffer.concat([Buffer.from('{"email":"'), invalidUtf8()[0]!.bytes, Buffer.from('@example.com","password":"wrong password 123"}')]),
    ];
    const endpoints = ["/api/auth/login", "/api/auth/logout", "/api/tenants", "/graphql"];
    const before = db.snapshot();
    const jobs = endpoints.flatMap((endpoint) => types.flatMap((type) => bodies.map((body) => ({ endpoint, type, body }))));
    await inChunks(jobs, 8, async ({ endpoint, type, body }) => {
      const headers: Record<string, string> = { cookie: cookies.ADMIN, origin: t.url };
      if (/^[\t\x20-\x7e]*$/.test(type)) headers["content-type"] = type;
      const res = await send(t.url, { method: "POST", path: endpoint, headers, body });
      problems.push(...answerProblems(res, "ADMIN", `POST ${endpoint} as ${describeValue(type, 40)} with ${describeValue(String(body), 40)}`));
    });
    // Content encodings: unsupported, lying, and a gzip bomb's header without the bomb.
    for (const endpoint of endpoints) {
      for (const encoding of ["gzip", "deflate", "br", "compress", "x-evil", "gzip, gzip"]) {
        const res = await send(t.url, { method: "POST", path: endpoint, headers: { "content-type": "application/json", "content-encoding": encoding, cookie: cookies.ADMIN, origin: t.url }, body: "not compressed" });
        problems.push(...answerProblems(res, "ADMIN", `POST ${endpoint} with Content-Encoding ${encoding}`));
      }
      for (const size of [17 * 1024, 40 * 1024, 1024 * 1024]) {
        const res = await send(t.url, { method: "POST", path: endpoint, headers: { "content-type": "application/json", cookie: cookies.ADMIN, origin: t.url }, body: JSON.stringify({ email: "x".repeat(size), password: "y", query: `{ me { id } } #${"z".repeat(size)}` }) });
        problems.push(...answerProblems(res, "ADMIN", `POST ${endpoint} with a ${size}-byte body`));
      }
    }
    expect(problems).toEqual([]);
    // The logout calls ended no session: the admin's cookie was sent with a hostile body, but… see below.
    const changes = unexplainedChanges(before, db.snapshot(), new Set());
    expect(changes.filter((c) => !c.startsWith("Session "))).toEqual([]);
    cookies.ADMIN = await signIn(t.url, ADMIN);
    await healthy();
  });

  // -------------------------------------------------------------------------------------------
  // Headers and cookies
  // -------------------------------------------------------------------------------------------

  /** Sends raw bytes as a whole HTTP request (for header values no HTTP client would send). */
  function rawRequest(head: Buffer, body = Buffer.alloc(0)): Promise<{ status: number; text: string }> {
    stats.requests++;
    const { hostname, port } = new URL(t.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: hostname, port: Number(port) }, () => socket.end(Buffer.concat([head, body])));
      const chunks: Buffer[] = [];
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" || e.code === "EPIPE" ? resolve({ status: 0, text: Buffer.concat(chunks).toString("latin1") }) : reject(e)));
      socket.on("close", () => {
        const text = Buffer.concat(chunks).toString("latin1");
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
      });
      socket.setTimeout(5000, () => socket.destroy(new Error("no answer in 5 s")));
    });
  }

  it("headers: hostile authorization, cookie, origin, content-type, x-request-id, x-forwarded-for, host, accept, user-agent, referer, sec-fetch-site", async () => {
    const problems: string[] = [];
    const headers = ["authorization", "cookie", "origin", "content-type", "x-request-id", "x-forwarded-for", "host", "accept", "user-agent", "referer", "sec-fetch-site", "content-length", "transfer-encoding"];
    const me = Buffer.from(JSON.stringify({ query: "{ me { id } }" }));
    const before = db.snapshot();
    const jobs: { header: string; v: HostileValue }[] = [];
    for (const header of headers) for (const v of ["authorization", "cookie"].includes(header) ? hostileStrings() : sampleValues(2)) if (typeof v.value === "string") jobs.push({ header, v });
    await inChunks(jobs, 8, async ({ header, v }) => {
      const value = String(v.value).slice(0, 64 * 1024);
      const fixed: [string, string][] = [
        ["host", new URL(t.url).host],
        ["content-type", "application/json"],
        ["origin", t.url],
        ["content-length", String(me.length)],
        ["connection", "close"],
      ];
      const lines = fixed.filter(([name]) => name !== header).map(([name, val]) => `${name}: ${val}`);
      const head = Buffer.concat([Buffer.from(`POST /graphql HTTP/1.1\r\n${lines.join("\r\n")}\r\n${header}: `), Buffer.from(value, "utf8"), Buffer.from("\r\n\r\n")]);
      const res = await rawRequest(head, me);
      const what = `${header}: ${labelOf(v)} ${describeValue(v.value, 50)}`;
      if (res.status >= 500) problems.push(`${what}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      if (/"code":"INTERNAL"/.test(res.text)) problems.push(`${what}: INTERNAL`);
      for (const [needle, name] of secrets) if (res.text.includes(needle)) problems.push(`${what}: shows ${name}`);
      const requestId = /\r\nX-Request-Id: ([^\r]*)\r\n/i.exec(res.text)?.[1];
      if (requestId !== undefined && !/^[A-Za-z0-9._-]{8,64}$/.test(requestId)) problems.push(`${what}: X-Request-Id ${describeValue(requestId)}`);
      if (/"me":\{/.test(res.text)) problems.push(`${what}: a hostile header signed somebody in`);
      stats.rejected++;
    });
    expect(problems).toEqual([]);
    expect(unexplainedChanges(before, db.snapshot(), new Set())).toEqual([]);
    await healthy();
  });

  it("header lines that break HTTP itself: CR/LF, NUL, obsolete folding, duplicates, oversize", async () => {
    const problems: string[] = [];
    const host = new URL(t.url).host;
    const heads = [
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Request-Id: a\u0000b\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Request-Id: abcdefgh\rSet-Cookie: x=y\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Folded: a\r\n b\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nHost: evil.example.com\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello`,
      `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: ${host}\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join("\r\n")}\r\n\r\n`,
      `GET /${"a".repeat(20 * 1024)} HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
      `GET /healthz HTTP/9.9\r\nHost: ${host}\r\n\r\n`,
      `EVIL /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
      `GET /healthz\r\n\r\n`,
      `\u0000\u0001\u0002\r\n\r\n`,
    ];
    for (const head of heads) {
      const res = await rawRequest(Buffer.from(head, "latin1"));
      if (res.status >= 500) problems.push(`${describeValue(head, 80)}: HTTP ${res.status}`);
    }
    for (const bad of invalidUtf8()) {
      const head = Buffer.concat([Buffer.from(`GET /api/auth/me HTTP/1.1\r\nHost: ${host}\r\nCookie: panel_session=`), bad.bytes, Buffer.from("\r\nConnection: close\r\n\r\n")]);
      const res = await rawRequest(head);
      if (res.status >= 500 || res.status === 200) problems.push(`cookie with ${bad.name}: HTTP ${res.status}`);
    }
    expect(problems).toEqual([]);
    await healthy();
  });

  it("cookies: tampered, re-signed, huge, unicode, duplicated and many session cookies never sign anybody in", async () => {
    const problems: string[] = [];
    const name = t.app.services.sessionCookie.name;
    const value = cookies.CLIENT.slice(cookies.CLIENT.indexOf("=") + 1);
    const [token, signature] = [value.slice(0, value.lastIndexOf(".")), value.slice(value.lastIndexOf(".") + 1)];
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
    const forged: [string, string][] = [
      ["signature flipped", `${name}=${token}.${flip(signature, 0)}`],
      ["token flipped", `${name}=${flip(token, 3)}.${signature}`],
      ["no signature", `${name}=${token}`],
      ["empty signature", `${name}=${token}.`],
      ["signature only", `${name}=.${signature}`],
      ["two dots", `${name}=${token}.${signature}.${signature}`],
      ["quoted", `${name}="${value}"`],
      ["percent-encoded", `${name}=${encodeURIComponent(value).replace(/\./g, "%2E")}`],
      ["upper-case name", `${name.toUpperCase()}=${value}`],
      ["padded name", ` ${name} = ${value} `.trimEnd()],
      ["invalid first, valid second", `${name}=x.y; ${name}=${value}`],
      ["valid first, invalid second", `${name}=${value}; ${name}=x.y`],
      ["1000 cookies", Array.from({ length: 1000 }, (_, i) => `c${i}=${i}`).join("; ")],
      ["10 KB value", `${name}=${"a".repeat(10 * 1024)}.${signature}`],
      ["20 KB header", `${name}=${"a".repeat(20 * 1024)}`],
      ["1 MB header", `${name}=${"a".repeat(1024 * 1024)}`],
      ["APP_SECRET as signature", `${name}=${token}.${TEST_APP_SECRET}`],
    ];
    for (const v of hostileStrings()) {
      if (/^[\t\x20-\x7e]*$/.test(v.value) && v.value.length < 8 * 1024) forged.push([`${labelOf(v)} as value`, `${name}=${v.value}`], [`${labelOf(v)} as token`, `${name}=${v.value}.${signature}`]);
    }
    const sessionsBefore = await t.app.services.prisma.session.count();
    await inChunks(forged, 8, async ([what, cookie]) => {
      let res: Answer;
      try {
        res = await send(t.url, { path: "/api/auth/me", headers: { cookie } });
      } catch (error) {
        // Node refuses to send some of these itself, or the server hangs up on a header over 16 KB.
        if (cookie.length > 16 * 1024) return;
        throw error;
      }
      problems.push(...answerProblems(res, "CLIENT", `cookie ${what}`));
      const signedIn = res.status === 200;
      // Spaces around a cookie's name and value are not part of them (RFC 6265 §5.2): still the real cookie.
      const legit = what === "valid first, invalid second" || what === "padded name";
      if (signedIn !== legit) problems.push(`cookie ${what}: HTTP ${res.status} ${res.text.slice(0, 100)}`);
      if (![200, 401, 431].includes(res.status)) problems.push(`cookie ${what}: HTTP ${res.status}`);
    });
    // …and a hostile cookie on a logout ends nothing.
    await inChunks(forged.slice(0, 12), 4, async ([what, cookie]) => {
      const res = await send(t.url, { method: "POST", path: "/api/auth/logout", headers: { cookie, origin: t.url } });
      if (what !== "valid first, invalid second" && what !== "padded name" && !res.text.includes('"loggedOut":false')) problems.push(`logout with cookie ${what}: ${res.status} ${res.text.slice(0, 100)}`);
    });
    expect(problems).toEqual([]);
    // The first legitimate logout above ended the client's session (the second found none).
    expect(await t.app.services.prisma.session.count()).toBe(sessionsBefore - 1);
    cookies.CLIENT = await signIn(t.url, CLIENT);
    await healthy();
  });

  it("accepted hostile passwords are stored exactly: a set-password link with one, then a sign-in with it", async () => {
    const problems: string[] = [];
    const passwords = hostileStrings().filter((v) => v.value.length >= 12 && Buffer.byteLength(v.value) <= 72 && !v.value.includes("\0") && v.value.trim() !== "" && !/\p{Cs}/u.test(v.value)).slice(0, 40);
    expect(passwords.length).toBeGreaterThanOrEqual(30);
    const user = await t.app.services.users.create({ email: "password-holder@example.com", role: "CLIENT" });
    for (const v of passwords) {
      offsetMs += 16 * 60_000;
      const link = await t.app.services.passwordLinks.issue(user.id, "RESET", null);
      const tokenValue = link.url.split("/").pop()!;
      const set = await send(t.url, { method: "POST", path: "/graphql", headers: { "content-type": "application/json", origin: t.url }, body: JSON.stringify({ query: "mutation($t: String!, $n: String!) { setPassword(token: $t, new: $n) { __typename } }", variables: { t: tokenValue, n: v.value } }) });
      if (!set.text.includes("MutationSetPasswordSuccess")) problems.push(`setPassword ${labelOf(v)}: ${set.text.slice(0, 200)}`);
      const login = await send(t.url, { method: "POST", path: "/api/auth/login", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "password-holder@example.com", password: v.value }) });
      if (login.status !== 200) problems.push(`sign-in with ${labelOf(v)} ${describeValue(v.value)}: HTTP ${login.status}`);
      // The password is not accepted with one character more or less.
      const wrong = await send(t.url, { method: "POST", path: "/api/auth/login", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "password-holder@example.com", password: v.value.slice(0, -1) }) });
      if (wrong.status === 200) problems.push(`sign-in with ${labelOf(v)} minus its last character worked`);
    }
    expect(problems).toEqual([]);
    await healthy();
  });

  it("leaves no secret and no hostile password in the panel's log", () => {
    const problems: string[] = [];
    const logs = t.logs.join("\n");
    for (const [needle, name] of secrets) if (logs.includes(needle)) problems.push(`the log holds ${name}`);
    const unexpected = t.logs.filter((line) => /"level":(50|60)/.test(line));
    for (const line of unexpected.slice(0, 5)) problems.push(`an error was logged: ${line.slice(0, 300)}`);
    expect(problems).toEqual([]);
  });
});
