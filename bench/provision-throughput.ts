/**
 * Provisioning throughput: N tenants created at once against the emulator, where each stack
 * deploy takes DEPLOY_MS and deploys are serialized (as in Portainer) and tasks start at once.
 * Prints the total time, the floor Portainer imposes (N × 2 deploys × DEPLOY_MS), their ratio,
 * Portainer calls and events per tenant, peak RSS, and lost or duplicated tenants.
 * Results and how they were obtained: docs/benchmarks.md.
 *
 *   npx tsx bench/provision-throughput.ts [--tenants 200] [--deploy-ms 50] [--concurrency 8] [--poll-ms 25] [--portainer-version 2.45.0]
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
    "poll-ms": { type: "string", default: "25" },
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
  emulatorProcess.once("exit", (code) => reject(new Error(`the emulator exited (${code})`)));
});
// Without the emulator every tenant would only fail after its retries: stop at once instead.
let stopping = false;
emulatorProcess.once("exit", (code, signal) => {
  if (stopping) return;
  console.error(`the emulator exited (${code ?? signal}) during the run`);
  process.exit(1);
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
  PROVISIONING_POLL_INTERVAL_MS: values["poll-ms"],
  PROVISIONING_RETRY_BASE_MS: "50",
  PROVISIONING_PHASE_TIMEOUT_SECONDS: "600",
  RECONCILE_INTERVAL_SECONDS: "0",
});
const app = await buildApp({ config, logger: createLogger(config.log), migrate: false, portainer: { url: emulatorUrl, apiKey, endpointId: 1 } });
await app.start();
const { prisma } = app.services;

const owner = await app.services.users.create({ email: "bench@example.com", password: "bench password 123", role: "CLIENT" });
await control("DELETE", "/requests");
const cpuStart = process.cpuUsage();
const emulatorCpuStart = ((await control("GET", "/state")).process as { cpuMs: number }).cpuMs;
const machineStart = machineCpuMs();
// The bench shares the panel's process and event loop, so it does not poll the database while it
// measures: it follows the status changes the panel publishes once they are committed (from before
// the first tenant is created), and looks at the database only every few seconds (progress, and in
// case a change was missed).
const settled = new Map<string, string>();
const changes = app.services.bus.subscribe("tenant:changed");
let finished = 0;
let finishedAt = 0;
const allSettled = new Promise<void>((resolve) => {
  const check = async (): Promise<void> => {
    const phases = await prisma.tenant.groupBy({ by: ["status", "phase"], _count: true });
    const open = phases.filter((p) => p.status === "PENDING" || p.status === "PROVISIONING").reduce((n, p) => n + p._count, 0);
    if (open === 0 && phases.reduce((n, p) => n + p._count, 0) >= tenants) return done();
    process.stderr.write(`… ${phases.map((p) => `${p.status}${p.phase ? `/${p.phase}` : ""} ${p._count}`).join(", ")}\n`);
  };
  const progress = setInterval(() => void check(), 5000);
  const done = (): void => {
    if (finished) return;
    finished = performance.now();
    finishedAt = Date.now();
    clearInterval(progress);
    resolve();
  };
  void (async () => {
    for await (const change of changes) {
      if (change.status === "PENDING" || change.status === "PROVISIONING") settled.delete(change.tenantId);
      else settled.set(change.tenantId, change.status);
      if (settled.size >= tenants) return done();
    }
  })();
});

const started = performance.now();
const startedAt = Date.now();
for (let i = 0; i < tenants; i++) {
  await app.services.tenants.create({ name: `Bench ${i}`, slug: `bench-${i}`, domain: `bench-${i}.example.com`, ownerId: owner.id }, SYSTEM);
  // The database driver is synchronous, so this loop alone would never let the event loop reach
  // the worker's Portainer calls: no deploy could start before the last tenant exists. Requests
  // arriving one by one (as through the API) leave room between them; so does this.
  await new Promise((resolve) => setImmediate(resolve));
}
const createdIn = (performance.now() - started) / 1000;
await allSettled;
const seconds = (finished - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const panelCpu = (cpu.user + cpu.system) / 1e6;
const machine = machineCpuMs();
// The kernel's high-water mark for this process (the panel and the bench; the emulator is apart).
const peakRss = process.resourceUsage().maxRSS * 1024;
await changes.return?.();

const byStatus = await prisma.tenant.groupBy({ by: ["status"], _count: true });
const rows = await prisma.tenant.findMany({ select: { status: true, stackName: true } });
const state = await control("GET", "/state");
const emulatorCpu = ((state.process as { cpuMs: number }).cpuMs - emulatorCpuStart) / 1000;
// Everything else the machine ran meanwhile (other programs compete for the same cores).
const machineBusy = (machine.busy - machineStart.busy) / 1000;
const cores = os.cpus().length;
const stacks = state.stacks as { Name: string }[];
const deploys = state.deploys as { count: number; busyMs: number; workMs: number; firstStartedAt: number; lastEndedAt: number };
const calls = (await control("GET", "/requests")).total as number;
const events = await prisma.tenantEvent.count();
const floor = (tenants * 2 * deployMs) / 1000;
const distinctStacks = new Set(stacks.map((s) => s.Name)).size;
// Lost: a tenant that is not ACTIVE or whose stack Portainer does not have. Duplicated: a stack
// name Portainer has twice, or a stack no tenant owns.
const stackNames = new Set(stacks.map((s) => s.Name));
const tenantStacks = new Set(rows.map((r) => r.stackName));
const lost = rows.filter((r) => r.status !== "ACTIVE" || !r.stackName || !stackNames.has(r.stackName)).length + Math.max(0, tenants - rows.length);
const duplicated = stacks.length - distinctStacks + stacks.filter((s) => !tenantStacks.has(s.Name)).length;

console.log(`tenants:                 ${tenants} (Portainer ${values["portainer-version"]}, deploy ${deployMs} ms serialized, concurrency ${values.concurrency}, poll ${values["poll-ms"]} ms)`);
console.log(`statuses:                ${byStatus.map((s) => `${s.status} ${s._count}`).join(", ")}`);
console.log(`stacks in Portainer:     ${stacks.length} (${distinctStacks} distinct names)`);
console.log(`lost / duplicated:       ${lost} / ${duplicated}`);
console.log(`total time:              ${seconds.toFixed(2)} s`);
console.log(`Portainer floor:         ${floor.toFixed(2)} s (${tenants} × 2 deploys × ${deployMs} ms)`);
console.log(`ratio:                   ${(seconds / floor).toFixed(3)}`);
// Each deploy holds the emulator's queue for DEPLOY_MS, its own work counted in (emulator/README.md,
// "Deploy queue"); the busy time still exceeds N × DEPLOY_MS by what the emulator spends applying
// deploys and answering late when the queue runs dry in between. It is the floor actually
// reachable; total time above it is the queue left idle by the panel.
const busy = deploys.busyMs / 1000;
console.log(`emulator deploy queue:   ${deploys.count} deploys, busy ${busy.toFixed(2)} s (${(deploys.busyMs / deploys.count).toFixed(1)} ms each, ${(deploys.workMs / deploys.count).toFixed(1)} ms of it the emulator's work), idle ${(seconds - busy).toFixed(2)} s → ratio to busy ${(seconds / busy).toFixed(3)}`);
// Where the queue was idle: before the first deploy, between deploys, after the last one.
const rampUp = (deploys.firstStartedAt - startedAt) / 1000;
const windDown = (finishedAt - deploys.lastEndedAt) / 1000;
console.log(`queue idle:              ${rampUp.toFixed(2)} s before the first deploy, ${(seconds - busy - rampUp - windDown).toFixed(2)} s between deploys, ${windDown.toFixed(2)} s after the last (tenants created in ${createdIn.toFixed(2)} s)`);
console.log(`Portainer calls/tenant:  ${(calls / tenants).toFixed(1)}`);
console.log(`events/tenant:           ${(events / tenants).toFixed(1)}`);
console.log(`peak RSS:                ${(peakRss / 1048576).toFixed(0)} MiB`);
console.log(`panel CPU:               ${panelCpu.toFixed(1)} s over ${seconds.toFixed(1)} s wall (${((panelCpu / seconds) * 100).toFixed(0)}% of a core)`);
console.log(`emulator CPU:            ${emulatorCpu.toFixed(1)} s (${((emulatorCpu / seconds) * 100).toFixed(0)}% of a core)`);
console.log(`machine CPU:             ${machineBusy.toFixed(1)} s busy of ${(seconds * cores).toFixed(1)} s on ${cores} cores; other programs ${Math.max(0, machineBusy - panelCpu - emulatorCpu).toFixed(1)} s`);

console.log(`verdict: ${tenants} tenants, ratio ${(seconds / floor).toFixed(3)} to Portainer's floor (target ≤ 1.15 at 200), ${lost} lost, ${duplicated} duplicated`);

await app.stop();
stopping = true;
emulatorProcess.kill("SIGTERM");
fs.rmSync(dir, { recursive: true, force: true });
process.exit(lost + duplicated > 0 ? 1 : 0);

/** CPU time all cores spent busy since boot, from the OS's per-core counters. */
function machineCpuMs(): { busy: number } {
  let busy = 0;
  for (const { times } of os.cpus()) busy += times.user + times.nice + times.sys + times.irq;
  return { busy };
}

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

