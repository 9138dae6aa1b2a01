/**
 * Provisioning throughput: N tenants created at once against the emulator, where each stack
 * deploy takes DEPLOY_MS and deploys are serialized (as in Portainer) and tasks start at once.
 * Prints the total time, the floor Portainer imposes (N × 2 deploys × DEPLOY_MS), their ratio,
 * Portainer calls and events per tenant, and peak RSS.
 *
 *   npx tsx bench/provision-throughput.ts [--tenants 200] [--deploy-ms 50] [--concurrency 8] [--portainer-version 2.45.0]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import net from "node:net";
import { buildApp } from "../server/app";
import { parseConfig } from "../server/config/env";
import { migrateDatabase } from "../server/db/migrate";
import { SYSTEM } from "../server/events/tenant-events";
import { createLogger } from "../server/logger";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "200" },
    "deploy-ms": { type: "string", default: "50" },
    concurrency: { type: "string", default: "8" },
    "portainer-version": { type: "string", default: "2.45.0" },
  },
});
const tenants = Number(values.tenants);
const deployMs = Number(values["deploy-ms"]);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "panel-bench-"));
const databasePath = path.join(dir, "bench.db");
await migrateDatabase(databasePath);
const apiKey = "ptr_bench";
// Portainer is another machine in real life: the emulator runs in its own process, so its work
// does not compete with the panel's for one event loop.
const port = await freePort();
const emulatorProcess = spawn(
  process.execPath,
  ["node_modules/tsx/dist/cli.mjs", "emulator/cli.ts", "--port", String(port), "--api-key", apiKey, "--task-delay-ms", "0",
    "--deploy-duration-ms", String(deployMs), "--portainer-version", values["portainer-version"]!, "--nodes", "1", "--quiet"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
await new Promise<void>((resolve, reject) => {
  emulatorProcess.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
  emulatorProcess.on("exit", (code) => reject(new Error(`the emulator exited (${code})`)));
});
const emulatorUrl = `http://127.0.0.1:${port}`;
const control = async (method: string, route: string, body?: unknown) => {
  const res = await fetch(`${emulatorUrl}/__emulator${route}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};
// Enough nodes and memory for every tenant's reservations: this measures the panel, not capacity.
const perNode = Math.ceil(tenants / 8) + 1;
for (let i = 0; i < 8; i++) await control("POST", "/nodes", { hostname: `big-${i + 1}`, memoryBytes: perNode * 4 * 1024 ** 3, nanoCpus: perNode * 2 * 1e9 });
await control("PUT", "/nodes/node-1", { availability: "drain" });
const config = parseConfig({
  NODE_ENV: "test",
  PORT: "0",
  DATABASE_URL: `file:${databasePath}`,
  APP_SECRET: "bench-secret-bench-secret-bench-secret-0123",
  LOG_LEVEL: "warn",
  LOG_FORMAT: "json",
  PROVISIONING_CONCURRENCY: values.concurrency,
  PROVISIONING_POLL_INTERVAL_MS: "25",
  PROVISIONING_RETRY_BASE_MS: "50",
  PROVISIONING_PHASE_TIMEOUT_SECONDS: "600",
  RECONCILE_INTERVAL_SECONDS: "0",
});
const app = await buildApp({ config, logger: createLogger(config.log), migrate: false, portainer: { url: emulatorUrl, apiKey, endpointId: 1 } });
await app.start();
const { prisma } = app.services;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const owner = await app.services.users.create({ email: "bench@example.com", password: "bench password 123", role: "CLIENT" });
await control("DELETE", "/requests");
const cpuStart = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < tenants; i++) {
  await app.services.tenants.create({ name: `Bench ${i}`, slug: `bench-${i}`, domain: `bench-${i}.example.com`, ownerId: owner.id }, SYSTEM);
}
let lastProgress = 0;
for (;;) {
  const open = await prisma.tenant.count({ where: { status: { in: ["PENDING", "PROVISIONING"] } } });
  if (open === 0) break;
  if (performance.now() - lastProgress > 5000) {
    lastProgress = performance.now();
    const phases = await prisma.tenant.groupBy({ by: ["status", "phase"], _count: true });
    process.stderr.write(`… ${phases.map((p) => `${p.status}${p.phase ? `/${p.phase}` : ""} ${p._count}`).join(", ")}\n`);
  }
  await new Promise((r) => setTimeout(r, 50));
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const panelCpu = (cpu.user + cpu.system) / 1e6;
clearInterval(sampler);

const byStatus = await prisma.tenant.groupBy({ by: ["status"], _count: true });
const state = await control("GET", "/state");
const stacks = state.stacks as { Name: string }[];
const deploys = state.deploys as { count: number; busyMs: number };
const calls = (await control("GET", "/requests")).total as number;
const events = await prisma.tenantEvent.count();
const floor = (tenants * 2 * deployMs) / 1000;
const distinctStacks = new Set(stacks.map((s) => s.Name)).size;

console.log(`tenants:                 ${tenants} (Portainer ${values["portainer-version"]}, deploy ${deployMs} ms serialized, concurrency ${values.concurrency})`);
console.log(`statuses:                ${byStatus.map((s) => `${s.status} ${s._count}`).join(", ")}`);
console.log(`stacks in Portainer:     ${stacks.length} (${distinctStacks} distinct names)`);
console.log(`total time:              ${seconds.toFixed(2)} s`);
console.log(`Portainer floor:         ${floor.toFixed(2)} s (${tenants} × 2 deploys × ${deployMs} ms)`);
console.log(`ratio:                   ${(seconds / floor).toFixed(3)}`);
// The emulator's deploys cost more than DEPLOY_MS (its own parsing and object creation run inside
// the serialized section): the time its deploy queue was busy is the floor actually reachable.
console.log(`emulator deploy queue:   ${deploys.count} deploys, busy ${(deploys.busyMs / 1000).toFixed(2)} s → ratio to that ${(seconds / (deploys.busyMs / 1000)).toFixed(3)}`);
console.log(`Portainer calls/tenant:  ${(calls / tenants).toFixed(1)}`);
console.log(`events/tenant:           ${(events / tenants).toFixed(1)}`);
console.log(`peak RSS:                ${(peakRss / 1048576).toFixed(0)} MiB`);
console.log(`panel CPU:               ${panelCpu.toFixed(1)} s over ${seconds.toFixed(1)} s wall (${((panelCpu / seconds) * 100).toFixed(0)}% of a core)`);

await app.stop();
emulatorProcess.kill("SIGTERM");
fs.rmSync(dir, { recursive: true, force: true });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

