/**
 * The kill -9 campaign: a provisioning run of N tenants during which the panel process is killed
 * with SIGKILL K times at random points, and started again each time on the same SQLite file and the
 * same Portainer emulator; then the last process is left to finish and the outcome is checked with
 * `checkConvergence` (test/fault-campaign.ts: settled tenants, one stack each and none orphaned,
 * ordered events without holes), plus what a crash may leave behind: `PRAGMA integrity_check`, jobs
 * left open or leased, and `job.recovered` (a tenant that lost its job).
 *
 * - The panel is `bench/support/panel-process.ts`, a process of its own. The emulator runs in the
 *   caller's process, which is never killed.
 * - Tenants are created through the public surface (REST `POST /api/tenants` with an ADMIN API
 *   token), four requests at a time as fast as the panel answers, from the first start on: the first
 *   kills land during creation. A request cut by a kill is sent again to the next process; a 409
 *   then means the lost answer's tenant exists (counted as a lost answer, not a problem).
 * - Kill k comes a random delay (`minDelayMs`–`maxDelayMs`, from a PRNG seeded with `seed`) after
 *   process k printed its ready line; the same seed replays the same delays.
 * - After each kill the database is read as the next process will find it: tenants per status and
 *   phase, and jobs left RUNNING (their lease is the dead process's). Each new process must have
 *   handed those back before it says it is ready (the worker reclaims foreign leases at start).
 *
 * Problems besides those: a panel that exits by itself or does not stop cleanly at the end, a request
 * that fails otherwise than by a kill, a tenant missing after creation, a lease not reclaimed by the
 * next process, a run that does not settle in `settleTimeoutMs`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { startEmulator, type RunningEmulator } from "../emulator";
import { seededRandom } from "../emulator/ids";
import { createPrisma, type PrismaClient } from "../server/db/client";
import { migrateDatabase, projectRoot } from "../server/db/migrate";
import { checkConvergence, reportProblems, type ConvergenceReport } from "./fault-campaign";

export interface KillCampaignOptions {
  tenants: number;
  kills: number;
  seed: number;
  /** Time from a process's ready line to its kill, drawn uniformly (default 50–2000 ms). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How long the last process may take to settle every tenant (default 120 s). */
  settleTimeoutMs?: number;
  /** Emulator timing: per task state step and per stack deploy (default 60 ms and 300 ms: 2 serialized deploys per tenant make the run outlast the kills). */
  taskDelayMs?: number;
  deployDurationMs?: number;
  /** Extra environment for the panel processes (PROVISIONING_*, RECONCILE_INTERVAL_SECONDS, …). */
  panelEnv?: Record<string, string>;
  /** A migrated database to use (default: a new one in `dir`). */
  databasePath?: string;
  /** Where the database and the panels' log go (default: a new temporary folder). */
  dir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface KillLanding {
  /** 1-based. */
  kill: number;
  pid: number;
  /** From the process's start to its ready line, and from the ready line to the kill. */
  startupMs: number;
  upMs: number;
  /** Tenants that existed when the process died, per status (PROVISIONING per phase). */
  tenants: number;
  where: Record<string, number>;
  /** Tenant creations the kill cut short (requests in flight). */
  creating: boolean;
  /** Jobs the dead process left RUNNING under its lease. */
  leasedJobs: number;
  /** Events the process wrote while it lived, and how long after its ready line it wrote the first. */
  events: number;
  firstEventMs: number | null;
}

export interface KillCampaignResult {
  options: Required<Pick<KillCampaignOptions, "tenants" | "kills" | "seed" | "minDelayMs" | "maxDelayMs" | "taskDelayMs" | "deployDurationMs">>;
  landings: KillLanding[];
  /** From the first start to the end of the check. */
  totalMs: number;
  /** From the first start until every tenant had settled. */
  settledMs: number | null;
  creation: { created: number; lostAnswers: number; retries: number };
  statuses: Record<string, number>;
  stacks: number;
  events: number;
  /** DEPLOYING runs that found the stack a killed process had created (adopted, not created twice). */
  adoptedStacks: number;
  /** Lines the panels logged at level warn or above, per message (a hint, not a verdict). */
  logMessages: Record<string, number>;
  convergence: ConvergenceReport;
  /** What `PRAGMA integrity_check` answered ("ok" when sound). */
  integrity: string;
  /** Jobs left QUEUED or RUNNING, or still holding a lease, at the end. */
  openJobs: string[];
  /** Every problem: the campaign's own, then the convergence check's. Empty when it passed. */
  problems: string[];
  dir: string;
}

const API_KEY = "ptr_kill_campaign";

/** Tenant creations in flight at once. */
const CREATE_CONCURRENCY = 4;

interface Panel {
  child: ChildProcess;
  pid: number;
  url: string;
  generation: number;
  startupMs: number;
  readyAt: number;
  /** Wall-clock time of the ready line and the last event id then (to see what the process did). */
  readyEpoch: number;
  lastEventAtReady: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  killedByUs: boolean;
}

export async function runKillCampaign(options: KillCampaignOptions): Promise<KillCampaignResult> {
  const opts = {
    tenants: options.tenants,
    kills: options.kills,
    seed: options.seed,
    minDelayMs: options.minDelayMs ?? 50,
    maxDelayMs: options.maxDelayMs ?? 2000,
    taskDelayMs: options.taskDelayMs ?? 60,
    deployDurationMs: options.deployDurationMs ?? 300,
  };
  const settleTimeoutMs = options.settleTimeoutMs ?? 120_000;
  const log = options.log ?? (() => undefined);
  const random = seededRandom(opts.seed);
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "kill-campaign-"));
  fs.mkdirSync(dir, { recursive: true });
  const databasePath = options.databasePath ?? path.join(dir, "panel.db");
  if (!options.databasePath) await migrateDatabase(databasePath);
  const logFile = path.join(dir, "panel.log");
  const problems: string[] = [];

  // Room for every tenant's reservations on three nodes: this is about crashes, not capacity.
  const perNode = Math.ceil(opts.tenants / 3) + 1;
  const emulator: RunningEmulator = await startEmulator({
    port: 0,
    apiKey: API_KEY,
    taskDelayMs: opts.taskDelayMs,
    deployDurationMs: opts.deployDurationMs,
    seed: opts.seed,
    nodes: ["node-1", "node-2", "node-3"].map((hostname) => ({ hostname, memoryBytes: perNode * 4 * 1024 ** 3, nanoCpus: perNode * 2e9 })),
  });
  const prisma: PrismaClient = await createPrisma(databasePath);
  const started = performance.now();
  // The process alive now (assigned by startPanel, read by the creator and the kill loop).
  let panel = null as Panel | null;
  try {
    // The live process, for the tenant creator: a generation number lets it wait for the next one.
    let generation = -1;
    let announce: (() => void) | null = null;
    let nextGeneration = new Promise<void>((resolve) => (announce = resolve));
    const livePanel = async (atLeast: number): Promise<Panel> => {
      while (generation < atLeast || !panel || panel.killedByUs) await nextGeneration;
      return panel;
    };

    const startPanel = async (bootstrap: boolean): Promise<{ panel: Panel; ready: Record<string, unknown> }> => {
      const spawnedAt = performance.now();
      const args = ["--import", "tsx", "bench/support/panel-process.ts", "--database", databasePath, "--portainer-url", emulator.url, "--portainer-key", API_KEY, "--log-file", logFile];
      const child = spawn(process.execPath, [...args, ...(bootstrap ? ["--bootstrap"] : [])], {
        cwd: projectRoot(),
        env: { ...process.env, ...options.panelEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const stderr: string[] = [];
      readline.createInterface({ input: child.stderr! }).on("line", (line) => {
        stderr.push(line);
        if (stderr.length > 50) stderr.shift();
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
      const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).on("line", (line) => {
          if (line.startsWith("PANEL_READY ")) resolve(JSON.parse(line.slice("PANEL_READY ".length)) as Record<string, unknown>);
        });
        void exited.then(({ code, signal }) => reject(new Error(`the panel exited before it was ready (${code ?? signal}): ${stderr.slice(-5).join(" | ")}`)));
      });
      const readyEpoch = Date.now();
      const proc: Panel = {
        child,
        pid: child.pid!,
        url: String(ready.url),
        generation: generation + 1,
        startupMs: performance.now() - spawnedAt,
        readyAt: performance.now(),
        readyEpoch,
        lastEventAtReady: (await prisma.tenantEvent.aggregate({ _max: { id: true } }))._max.id ?? 0,
        exited,
        killedByUs: false,
      };
      void exited.then(({ code, signal }) => {
        if (!proc.killedByUs) problems.push(`panel ${proc.pid} exited by itself (${code ?? signal}): ${stderr.slice(-3).join(" | ")}`);
      });
      panel = proc;
      generation = proc.generation;
      announce?.();
      nextGeneration = new Promise<void>((resolve) => (announce = resolve));
      // The worker hands back every job a dead process held before the panel says it is ready.
      const foreign = await prisma.job.findMany({ where: { status: "RUNNING", NOT: { leaseOwner: { startsWith: `worker-${proc.pid}-` } } }, select: { id: true, leaseOwner: true } });
      for (const job of foreign) problems.push(`panel ${proc.pid} is ready but job ${job.id} is still RUNNING under ${job.leaseOwner}`);
      return { panel: proc, ready };
    };

    // 1. First start: the admin, its API token and the tenants' owner.
    const first = await startPanel(true);
    const adminToken = String(first.ready.adminToken);
    const ownerId = String(first.ready.ownerId);
    log(`panel ${first.panel.pid} ready in ${first.panel.startupMs.toFixed(0)} ms at ${first.panel.url}`);

    // 2. The tenants, through REST, surviving the kills.
    const creation = { created: 0, lostAnswers: 0, retries: 0, done: false };
    const slug = (i: number) => `kill-${String(i).padStart(3, "0")}`;
    const create = async (i: number): Promise<void> => {
      let atLeast = 0;
      let cut = false;
      for (;;) {
        const target = await livePanel(atLeast);
        let res: Response;
        try {
          res = await fetch(`${target.url}/api/tenants`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
            body: JSON.stringify({ name: `Kill ${i}`, slug: slug(i), domain: `${slug(i)}.campaign.example`, ownerId }),
            signal: AbortSignal.timeout(15_000),
          });
        } catch (error) {
          if (!target.killedByUs && !(await isDead(target))) problems.push(`creating ${slug(i)} failed on a live panel: ${String(error)}`);
          creation.retries++;
          cut = true;
          atLeast = target.generation + 1;
          continue;
        }
        if (res.status === 201) creation.created++;
        else if (res.status === 409 && cut) creation.lostAnswers++;
        else problems.push(`creating ${slug(i)}: ${res.status} ${(await res.text()).slice(0, 200)}`);
        await res.body?.cancel().catch(() => undefined);
        return;
      }
    };
    // A few requests at a time, as several people or scripts would send them.
    let nextTenant = 0;
    const creator = Promise.all(
      Array.from({ length: CREATE_CONCURRENCY }, async () => {
        while (nextTenant < opts.tenants) await create(nextTenant++);
      }),
    ).then(() => {
      creation.done = true;
    });

    // 3. The kills.
    const landings: KillLanding[] = [];
    for (let k = 1; k <= opts.kills; k++) {
      const victim: Panel = panel!;
      const delay = opts.minDelayMs + random() * (opts.maxDelayMs - opts.minDelayMs);
      await sleep(delay - (performance.now() - victim.readyAt));
      const creating = !creation.done;
      victim.killedByUs = true;
      victim.child.kill("SIGKILL");
      await victim.exited;
      const upMs = performance.now() - victim.readyAt;
      const byStatus = await prisma.tenant.groupBy({ by: ["status", "phase"], _count: true });
      const where: Record<string, number> = {};
      for (const g of byStatus) {
        const key = g.status === "PROVISIONING" ? (g.phase ?? "PROVISIONING") : g.status;
        where[key] = (where[key] ?? 0) + g._count;
      }
      const tenants = byStatus.reduce((n, g) => n + g._count, 0);
      const leasedJobs = await prisma.job.count({ where: { status: "RUNNING" } });
      const written = await prisma.tenantEvent.findMany({ where: { id: { gt: victim.lastEventAtReady } }, orderBy: { id: "asc" }, select: { createdAt: true } });
      const firstEventMs = written[0] ? written[0].createdAt.getTime() - victim.readyEpoch : null;
      const landing: KillLanding = { kill: k, pid: victim.pid, startupMs: victim.startupMs, upMs, tenants, where, creating, leasedJobs, events: written.length, firstEventMs };
      landings.push(landing);
      log(formatLanding(landing));
      const next = await startPanel(false);
      log(`panel ${next.panel.pid} ready in ${next.panel.startupMs.toFixed(0)} ms`);
    }

    // 4. The last process finishes the run.
    await creator;
    let settledMs: number | null = null;
    const deadline = performance.now() + settleTimeoutMs;
    for (;;) {
      const open = await prisma.tenant.count({ where: { status: { in: ["PENDING", "PROVISIONING"] } } });
      const jobs = await prisma.job.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } });
      if (open === 0 && jobs === 0) {
        settledMs = performance.now() - started;
        break;
      }
      if (performance.now() > deadline) {
        problems.push(`not settled ${settleTimeoutMs / 1000} s after the last kill: ${open} tenants still provisioning, ${jobs} jobs open`);
        break;
      }
      await sleep(100);
    }
    log(settledMs === null ? "did not settle" : `settled after ${(settledMs / 1000).toFixed(1)} s`);
    const last: Panel = panel!;
    last.killedByUs = true;
    last.child.kill("SIGTERM");
    const stopped = await Promise.race([last.exited, sleep(10_000).then(() => null)]);
    if (!stopped) {
      problems.push(`panel ${last.pid} did not stop within 10 s of SIGTERM`);
      last.child.kill("SIGKILL");
      await last.exited;
    } else if (stopped.code !== 0) problems.push(`panel ${last.pid} stopped with ${stopped.code ?? stopped.signal} after SIGTERM`);

    // A kill that found nothing to cut proves nothing: the run must outlast the kills.
    const SETTLED = new Set(["ACTIVE", "ERROR"]);
    for (const l of landings) {
      const working = l.creating || l.tenants < opts.tenants || Object.keys(l.where).some((k) => !SETTLED.has(k));
      if (!working) problems.push(`kill ${l.kill} found every tenant settled: the run ended before the kills did (slow the emulator down: task step, deploy time)`);
    }

    // 5. The check, on the database the processes left and on the emulator's stacks.
    const tenantRows = await prisma.tenant.findMany({ select: { slug: true } });
    const slugs = new Set(tenantRows.map((t) => t.slug));
    for (let i = 0; i < opts.tenants; i++) if (!slugs.has(slug(i))) problems.push(`tenant ${slug(i)} does not exist after its creation was answered`);
    if (tenantRows.length !== opts.tenants) problems.push(`${tenantRows.length} tenants exist, ${opts.tenants} were created`);
    const events = await prisma.tenantEvent.count();
    const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>("PRAGMA integrity_check");
    const integrity = rows.map((r) => String(Object.values(r)[0])).join("; ");
    if (integrity !== "ok") problems.push(`integrity_check: ${integrity}`);
    const open = await prisma.job.findMany({
      where: { OR: [{ status: { in: ["QUEUED", "RUNNING"] } }, { leaseOwner: { not: null } }] },
      select: { id: true, type: true, status: true, leaseOwner: true, tenant: { select: { slug: true } } },
    });
    const openJobs = open.map((j) => `${j.type} ${j.id} of ${j.tenant.slug}: ${j.status}${j.leaseOwner ? `, leased by ${j.leaseOwner}` : ""}`);
    for (const job of openJobs) problems.push(`job left open: ${job}`);
    // The reconcile loop gives a job to a tenant left without one: after a crash, that means one was lost.
    const recovered = await prisma.tenantEvent.findMany({ where: { type: "job.recovered" }, select: { id: true, tenant: { select: { slug: true } } } });
    for (const e of recovered) problems.push(`${e.tenant.slug}: had lost its job (job.recovered, event ${e.id})`);
    const deploys = await prisma.tenantEvent.findMany({ where: { type: "phase.completed", phase: "DEPLOYING" }, select: { message: true } });
    const adoptedStacks = deploys.filter((e) => !/ created \(/.test(e.message)).length;
    const convergence = await checkConvergence(prisma, emulator.control);
    const statuses: Record<string, number> = {};
    for (const g of await prisma.tenant.groupBy({ by: ["status"], _count: true })) statuses[g.status] = g._count;
    const stacks = emulator.control.stacks().length;

    return {
      options: opts,
      landings,
      totalMs: performance.now() - started,
      settledMs,
      creation: { created: creation.created, lostAnswers: creation.lostAnswers, retries: creation.retries },
      statuses,
      stacks,
      events,
      adoptedStacks,
      logMessages: logMessages(logFile),
      convergence,
      integrity,
      openJobs,
      problems: [...problems, ...reportProblems(convergence)],
      dir,
    };
  } finally {
    const live = panel;
    if (live && live.child.exitCode === null && live.child.signalCode === null) {
      live.killedByUs = true;
      live.child.kill("SIGKILL");
      await live.exited;
    }
    await prisma.$disconnect();
    await emulator.close();
  }
}

/** Whether the process has exited (a request to it failed because it died, not by a bug). */
async function isDead(panel: Panel): Promise<boolean> {
  return (await Promise.race([panel.exited.then(() => true), sleep(200).then(() => false)])) === true;
}

/** Messages of the panels' log lines at warn and above, counted (the log is JSON lines). */
function logMessages(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      if ((entry.level ?? 0) >= 40) out[entry.msg ?? "?"] = (out[entry.msg ?? "?"] ?? 0) + 1;
    } catch {
      // A line cut by a kill.
    }
  }
  return out;
}

const ORDER = ["PENDING", "PREFLIGHT", "PLACEMENT", "PREPARING", "DEPLOYING", "DATABASE", "INSTALLING", "ROUTING", "VERIFYING", "PROVISIONING", "ACTIVE", "ERROR"];

function formatWhere(where: Record<string, number>): string {
  const keys = Object.keys(where).sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  return keys.map((k) => `${k} ${where[k]}`).join(", ") || "no tenant yet";
}

export function formatLanding(l: KillLanding): string {
  return (
    `kill ${String(l.kill).padStart(2)}: pid ${l.pid} up ${(l.upMs / 1000).toFixed(2)} s (start ${(l.startupMs / 1000).toFixed(1)} s)` +
    `${l.creating ? " during creation," : ""} ${l.tenants} tenants: ${formatWhere(l.where)}; ${l.leasedJobs} jobs left leased;` +
    ` ${l.events} events written${l.firstEventMs === null ? "" : `, the first ${l.firstEventMs} ms after ready`}`
  );
}

/** The summary a bench prints: settings, every landing, totals, problems and a verdict line. */
export function formatKillCampaign(r: KillCampaignResult): string[] {
  const o = r.options;
  const lines = [
    `kill campaign: seed ${o.seed}, ${o.tenants} tenants, ${o.kills} kills ${o.minDelayMs}–${o.maxDelayMs} ms after ready (emulator: task step ${o.taskDelayMs} ms, deploy ${o.deployDurationMs} ms)`,
    ...r.landings.map(formatLanding),
  ];
  // Where the kills landed, summed: for each phase, how many kills found tenants in it and how many.
  const phases: Record<string, { kills: number; tenants: number }> = {};
  for (const l of r.landings) {
    for (const [k, n] of Object.entries(l.where)) {
      phases[k] ??= { kills: 0, tenants: 0 };
      phases[k].kills++;
      phases[k].tenants += n;
    }
  }
  const keys = Object.keys(phases).sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  lines.push(
    `kills landed: ${r.landings.filter((l) => l.creating).length} during creation; by phase (kills that found tenants there / tenants): ${keys.map((k) => `${k} ${phases[k]!.kills}/${phases[k]!.tenants}`).join(", ")}`,
    `leases left by killed processes: ${r.landings.reduce((n, l) => n + l.leasedJobs, 0)} (each handed back before the next process was ready)`,
    `creation: ${r.creation.created} answered 201, ${r.creation.lostAnswers} answers lost to a kill (409 on resend), ${r.creation.retries} requests resent`,
    `total time: ${(r.totalMs / 1000).toFixed(1)} s (settled after ${r.settledMs === null ? "—" : `${(r.settledMs / 1000).toFixed(1)} s`}); mean startup ${(r.landings.reduce((n, l) => n + l.startupMs, 0) / Math.max(1, r.landings.length) / 1000).toFixed(2)} s`,
    `tenants: ${Object.entries(r.statuses).map(([s, n]) => `${s} ${n}`).join(", ")}; stacks in Portainer: ${r.stacks} (${r.adoptedStacks} found by DEPLOYING after a kill, not created again); events: ${r.events}; integrity_check: ${r.integrity}`,
  );
  for (const t of r.convergence.tenants.filter((v) => v.status === "ERROR")) lines.push(`  ERROR ${t.slug}: ${t.cause}`);
  const warnings = Object.entries(r.logMessages).sort((a, b) => b[1] - a[1]);
  if (warnings.length > 0) lines.push(`panel log (warn+): ${warnings.slice(0, 6).map(([m, n]) => `${n}× ${m}`).join("; ")}`);
  lines.push(`problems: ${r.problems.length}`, ...r.problems.slice(0, 40).map((p) => `  - ${p}`));
  if (r.problems.length > 40) lines.push(`  … and ${r.problems.length - 40} more`);
  lines.push(
    r.problems.length === 0
      ? `VERDICT: PASS — ${o.kills} kills, ${o.tenants} tenants converged (seed ${o.seed})`
      : `VERDICT: FAIL — ${r.problems.length} problems (replay with --seed ${o.seed}; data in ${r.dir})`,
  );
  return lines;
}
