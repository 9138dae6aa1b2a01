/**
 * A panel for the API benches, in its own process (so the load generator does not share its
 * event loop): a fresh SQLite file seeded with `--tenants` tenants spread over `--owners` clients
 * (`owner-<n>`, tenant i owned by owner-(i mod owners)) and `--events` events, the emulator
 * in-process, the worker and reconcile loop off. Prints one JSON line
 * `{ url, adminToken, clientToken, lastEventId, tenantId, clientTenantId, sessions, seedMs }` when
 * ready (`seedMs`: `{ tenants, events }`, the time each bulk insert took), then obeys commands on stdin:
 *
 *   emit <tenantId>               records one event; prints `emitted <id> <epoch ms> <tenantId>`, the
 *                                 time taken just before writing
 *   emit-rate <n> <id>[,<id>…]    from now on records n events a second, round-robin over these
 *                                 tenants (due events are caught up when the loop was busy), each
 *                                 printed as above; `emit-rate 0` stops and prints `emit-stopped <count>`
 *   rss                           prints `rss <bytes>` (then heapTotal, heapUsed and external, in bytes)
 *   gc                            runs a full garbage collection and prints `gc <heapUsed bytes>`: the
 *                                 live heap (needs node's --expose-gc; prints `gc -1` without it)
 *
 * Options beyond the seed: `--remix` also serves the pages (the production build, build/index.js:
 * run `npm run build` first); `--client-sessions N` signs in owner-0 … owner-(N-1) and
 * `--admin-sessions M` M more ADMINs (`admin-<n>`): real sessions in the database, each listed in
 * `sessions` as `{ userId, email, role, cookie }` with `cookie` ready for a Cookie header.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { startEmulator } from "../../emulator";
import { buildApp, remixBuildLoader } from "../../server/app";
import { parseConfig } from "../../server/config/env";
import { migrateDatabase, projectRoot } from "../../server/db/migrate";
import { SYSTEM } from "../../server/events/tenant-events";
import { createLogger } from "../../server/logger";
import { seededTenantId, seedTenants } from "../../test/seed-tenants";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "10000" },
    owners: { type: "string", default: "100" },
    events: { type: "string", default: "0" },
    /** Print the statements that took the most SQL time in total, at exit. */
    "sql-stats": { type: "boolean", default: false },
    remix: { type: "boolean", default: false },
    "client-sessions": { type: "string", default: "0" },
    "admin-sessions": { type: "string", default: "0" },
  },
});
const TENANTS = Number(values.tenants);
const OWNERS = Number(values.owners);
const EVENTS = Number(values.events);
const CLIENT_SESSIONS = Number(values["client-sessions"]);
const ADMIN_SESSIONS = Number(values["admin-sessions"]);
if (CLIENT_SESSIONS > OWNERS) throw new Error(`--client-sessions ${CLIENT_SESSIONS} is more than --owners ${OWNERS}`);
const remixBuildFile = path.join(projectRoot(), "build", "index.js");
if (values.remix && !fs.existsSync(remixBuildFile)) {
  console.error(`The pages need the production build (${path.relative(process.cwd(), remixBuildFile)} is missing): run npm run build first.`);
  process.exit(2);
}

const now = () => performance.timeOrigin + performance.now();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "panel-api-bench-"));
const databasePath = path.join(dir, "bench.db");
await migrateDatabase(databasePath);
const emulator = await startEmulator({ port: 0, apiKey: "ptr_bench", taskDelayMs: 0 });
const config = parseConfig({
  NODE_ENV: "production",
  APP_URL: "https://panel.example.com",
  HOST: "127.0.0.1",
  PORT: "0",
  DATABASE_URL: `file:${databasePath}`,
  APP_SECRET: "bench-secret-bench-secret-bench-secret-0123",
  PORTAINER_URL: emulator.url,
  PORTAINER_API_TOKEN: "ptr_bench",
  PORTAINER_ENDPOINT_ID: "1",
  LOG_LEVEL: "warn",
  LOG_FORMAT: "json",
  RECONCILE_INTERVAL_SECONDS: "0",
});
const sqlStats = new Map<string, { count: number; ms: number }>();
const onQuery = values["sql-stats"]
  ? (sql: string, ms: number) => {
      const entry = sqlStats.get(sql) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += ms;
      sqlStats.set(sql, entry);
    }
  : undefined;
const app = await buildApp({
  config,
  logger: createLogger(config.log),
  migrate: false,
  worker: false,
  onQuery,
  portainer: { url: emulator.url, apiKey: "ptr_bench", endpointId: 1 },
  ...(values.remix ? { remixBuild: remixBuildLoader(remixBuildFile, { watch: false }) } : {}),
});
const url = await app.start();
const { prisma } = app.services;

const admin = await app.services.users.create({ email: "admin@bench.local", password: "bench password 123", role: "ADMIN" });
const seedStart = now();
await seedTenants(prisma, { count: TENANTS, owners: OWNERS, domainSuffix: "bench.example.com" });
const tenantsMs = Math.round(now() - seedStart);
if (EVENTS > 0) {
  // Event k belongs to tenant k mod TENANTS. The first is written by Prisma; the others copy its
  // columns (createdAt in Prisma's own format) in one INSERT … SELECT: 100,000 rows take well under
  // a second, against about 20 s through createMany.
  const first = await prisma.tenantEvent.create({ data: { tenantId: seededTenantId(0), type: "phase.completed", message: "Seeded event for the bench." } });
  if (EVENTS > 1) {
    // printf('tenant-%06d') is seededTenantId in SQL.
    await prisma.$executeRawUnsafe(
      `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?)
       INSERT INTO "TenantEvent" ("tenantId", "createdAt", "level", "type", "message", "actorType")
       SELECT printf('tenant-%06d', k.i % ?), e."createdAt", e."level", e."type", e."message", e."actorType" FROM k, "TenantEvent" e WHERE e."id" = ?`,
      EVENTS - 1,
      TENANTS,
      first.id,
    );
  }
}
const seedMs = { tenants: tenantsMs, events: Math.round(now() - seedStart) - tenantsMs };
const adminPrincipal = { user: { id: admin.id, email: admin.email, role: "ADMIN" as const }, accountRole: "ADMIN" as const, token: null };
const adminToken = (await app.services.apiTokens.create(adminPrincipal, { name: "bench" })).token;
const client = await prisma.user.findUniqueOrThrow({ where: { id: "owner-1" } });
const clientToken = (
  await app.services.apiTokens.create({ user: { id: client.id, email: client.email, role: "CLIENT" }, accountRole: "CLIENT", token: null }, { name: "bench" })
).token;

// Signed-in browsers: a session row and its signed cookie per user, as a sign-in makes them.
await prisma.user.createMany({
  data: Array.from({ length: ADMIN_SESSIONS }, (_, i) => ({ id: `admin-${i}`, email: `admin${i}@bench.local`, role: "ADMIN" as const })),
});
const sessionUsers = await prisma.user.findMany({
  where: { id: { in: [...Array.from({ length: CLIENT_SESSIONS }, (_, i) => `owner-${i}`), ...Array.from({ length: ADMIN_SESSIONS }, (_, i) => `admin-${i}`)] } },
  select: { id: true, email: true, role: true },
});
const sessions = [];
for (const user of sessionUsers) {
  const { token } = await app.services.sessions.create(user.id, { ip: "127.0.0.1", userAgent: "panel load bench" });
  sessions.push({ userId: user.id, email: user.email, role: user.role, cookie: app.services.sessionCookie.serialize(token).split(";")[0]! });
}

const lastEventId = (await prisma.tenantEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;
console.log(JSON.stringify({ url, adminToken, clientToken, lastEventId, tenantId: seededTenantId(TENANTS - 1), clientTenantId: seededTenantId(1), sessions, seedMs }));

async function emit(tenantId: string): Promise<void> {
  const at = now();
  const event = await app.services.events.record({ tenantId, type: "bench.ping", message: "Fan-out probe.", actor: SYSTEM });
  console.log(`emitted ${event.id} ${at} ${tenantId}`);
}
/** The steady emitter of `emit-rate`: each tick records every event that is due by then. */
const emitter = { timer: null as NodeJS.Timeout | null, count: 0 };
function emitAtRate(perSecond: number, tenantIds: string[]): void {
  if (emitter.timer) clearInterval(emitter.timer);
  emitter.timer = null;
  if (perSecond <= 0 || tenantIds.length === 0) {
    console.log(`emit-stopped ${emitter.count}`);
    return;
  }
  emitter.count = 0;
  const started = now();
  emitter.timer = setInterval(() => {
    const due = Math.floor(((now() - started) / 1000) * perSecond) + 1;
    for (; emitter.count < due; emitter.count++) {
      emit(tenantIds[emitter.count % tenantIds.length]!).catch((error: unknown) => console.error("emit failed:", error));
    }
  }, Math.max(1, Math.floor(1000 / perSecond / 2)));
}

for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, argument, more] = line.trim().split(/\s+/);
  if (command === "emit") {
    await emit(argument!);
  } else if (command === "emit-rate") {
    emitAtRate(Number(argument), (more ?? "").split(",").filter(Boolean));
  } else if (command === "rss") {
    const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
    console.log(`rss ${rss} ${heapTotal} ${heapUsed} ${external}`);
  } else if (command === "gc") {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    console.log(`gc ${gc ? process.memoryUsage().heapUsed : -1}`);
  }
}
if (emitter.timer) clearInterval(emitter.timer);
for (const [sql, { count, ms }] of [...sqlStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) {
  console.error(`${ms.toFixed(0)} ms in ${count} × ${sql.slice(0, 300)}`);
}
await app.stop();
await emulator.close();
fs.rmSync(dir, { recursive: true, force: true });
