/**
 * A panel for the API benches, in its own process (so the load generator does not share its
 * event loop): a fresh SQLite file seeded with `--tenants` tenants spread over `--owners` clients
 * and `--events` events, the emulator in-process, the worker and reconcile loop off. Prints one JSON
 * line `{ url, adminToken, clientToken, lastEventId, tenantId, clientTenantId }` when ready, then obeys
 * commands on stdin:
 *
 *   emit <tenantId>  records one event and prints `emitted <id> <epoch ms>` just before writing
 *   rss              prints `rss <bytes>`
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { startEmulator } from "../../emulator";
import { buildApp } from "../../server/app";
import { parseConfig } from "../../server/config/env";
import { migrateDatabase } from "../../server/db/migrate";
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
  },
});
const TENANTS = Number(values.tenants);
const OWNERS = Number(values.owners);
const EVENTS = Number(values.events);

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
const app = await buildApp({ config, logger: createLogger(config.log), migrate: false, worker: false, onQuery, portainer: { url: emulator.url, apiKey: "ptr_bench", endpointId: 1 } });
const url = await app.start();
const { prisma } = app.services;

const admin = await app.services.users.create({ email: "admin@bench.local", password: "bench password 123", role: "ADMIN" });
await seedTenants(prisma, { count: TENANTS, owners: OWNERS, domainSuffix: "bench.example.com" });
for (let done = 0; done < EVENTS; done += 5000) {
  await prisma.tenantEvent.createMany({
    data: Array.from({ length: Math.min(5000, EVENTS - done) }, (_, j) => ({
      tenantId: seededTenantId((done + j) % TENANTS),
      type: "phase.completed",
      message: "Seeded event for the bench.",
    })),
  });
}
const adminPrincipal = { user: { id: admin.id, email: admin.email, role: "ADMIN" as const }, accountRole: "ADMIN" as const, token: null };
const adminToken = (await app.services.apiTokens.create(adminPrincipal, { name: "bench" })).token;
const client = await prisma.user.findUniqueOrThrow({ where: { id: "owner-1" } });
const clientToken = (
  await app.services.apiTokens.create({ user: { id: client.id, email: client.email, role: "CLIENT" }, accountRole: "CLIENT", token: null }, { name: "bench" })
).token;

const lastEventId = (await prisma.tenantEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;
console.log(JSON.stringify({ url, adminToken, clientToken, lastEventId, tenantId: seededTenantId(TENANTS - 1), clientTenantId: seededTenantId(1) }));

for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, argument] = line.trim().split(/\s+/);
  if (command === "emit") {
    const at = now();
    const event = await app.services.events.record({ tenantId: argument!, type: "bench.ping", message: "Fan-out probe.", actor: SYSTEM });
    console.log(`emitted ${event.id} ${at}`);
  } else if (command === "rss") {
    console.log(`rss ${process.memoryUsage().rss}`);
  }
}
for (const [sql, { count, ms }] of [...sqlStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) {
  console.error(`${ms.toFixed(0)} ms in ${count} × ${sql.slice(0, 300)}`);
}
await app.stop();
await emulator.close();
fs.rmSync(dir, { recursive: true, force: true });
