/**
 * Mixed load (issue: "50 concurrent signed-in clients for 60 s mixing the tenants list and tenant
 * pages while a small graphql-ws client script holds 500 event subscriptions, with 1,000 tenants
 * and 100,000 events in the database").
 *
 * Three processes besides this one, so that none delays the timestamps of another:
 *   - the panel (bench/support/seeded-panel.ts with the production Remix build): 1,000 tenants over
 *     45 CLIENT owners, 100,000 events, and 50 real sessions (the 45 owners and 5 ADMINs). Its
 *     Portainer is the emulator, inside the panel's process: the tenant page's logs loader asks it
 *     for a service that does not exist and shows "no logs";
 *   - the subscribers (bench/support/event-subscribers.ts): 500 browser tabs on tenant pages, each
 *     its own WebSocket with its user's cookie, subscribed to `tenantEvents` of 250 tenants spread
 *     over the 1,000 (2 tabs each; 9 in 10 are the owner's, 1 in 10 an ADMIN's);
 *   - here, the load generator: 50 browsers (bench/support/browser-load.ts), one keep-alive
 *     connection each, going through the list and tenant pages as Chromium does (HTML documents,
 *     single-fetch `.data` navigations, route manifests), every answer checked for the right user
 *     and tenant. A small node:http client rather than autocannon: each connection needs its own
 *     cookie and tenants, the manifest requests depend on the document before them, every answer
 *     is checked (not only the first), and the paced run is spread evenly instead of one burst a
 *     second. It uses a few % of a core, where autocannon competed with the panel for the 2 cores.
 *
 * Meanwhile the panel records `--emit-rate` events a second round-robin over the watched tenants;
 * each one's delivery is timed from just before its write to its arrival at each subscriber, and
 * every expected delivery must arrive.
 *
 * Panel RSS is read after seeding and warm-up, every 10 s of a run, and at the end; the bound is
 * 20 % growth. The warm-up is the same load for `--warmup` seconds (30): V8 sizes its heap to the
 * load in about that time (after a 10 s warm-up, RSS still grew by about 40 % in the run's first
 * 30 s, then stayed flat), and growth from a start before that measures V8's heap sizing, not a
 * leak. The live heap (after a full GC, outside the timed runs) is printed too: a
 * leak shows there whatever the heap size.
 *
 * The run is closed loop: each browser asks for its next page as soon as it has the last one, so
 * latency ≈ browsers × CPU per page (the panel saturates one core). `--paced-rate N` adds an open-
 * loop run at N requests a second in total, evenly spread, latency counted from when each request
 * was due: what people see at a load the panel keeps up with (e.g. 25: each browser a request
 * every 2 s). Requests time out after `--timeout` seconds (30: far above the closed-loop tail,
 * below a browser's patience); a timeout is an error.
 *
 *   npm run build   (once: the pages need the production build)
 *   npx tsx bench/load-mix.ts [--tenants 1000] [--events 100000] [--clients 50] [--admins 5] [--seconds 60]
 *     [--subscribers 500] [--watched-tenants 250] [--emit-rate 15] [--paced-rate 0] [--timeout 30] [--warmup 30]
 *
 * Exits 1 when anything failed: an error, a lost event, or RSS growth above 20 %.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { until } from "../test/wait";
import { seededRandom } from "../emulator/ids";
import { seededTenantId } from "../test/seed-tenants";
import { percentile } from "./support/stats";
import { KINDS, runBrowsers, verifyBrowsers, type Browser, type Cause, type Sample } from "./support/browser-load";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "1000" },
    events: { type: "string", default: "100000" },
    clients: { type: "string", default: "50" },
    /** How many of the clients are ADMINs; the others are CLIENT owners of the tenants. */
    admins: { type: "string", default: "5" },
    seconds: { type: "string", default: "60" },
    subscribers: { type: "string", default: "500" },
    "watched-tenants": { type: "string", default: "250" },
    "emit-rate": { type: "string", default: "15" },
    "paced-rate": { type: "string", default: "0" },
    timeout: { type: "string", default: "30" },
    warmup: { type: "string", default: "30" },
  },
});
const TENANTS = Number(values.tenants);
const CLIENTS = Number(values.clients);
const ADMINS = Number(values.admins);
const OWNERS = CLIENTS - ADMINS;
const SUBSCRIBERS = Number(values.subscribers);
const WATCHED = Math.min(Number(values["watched-tenants"]), TENANTS, SUBSCRIBERS);
const EMIT_RATE = Number(values["emit-rate"]);
const PACED_RATE = Number(values["paced-rate"]);
const TIMEOUT_MS = Number(values.timeout) * 1000;
const RSS_BOUND = 0.2;
if (OWNERS < 1 || ADMINS < 0 || TENANTS < OWNERS) throw new Error("need 1 ≤ clients − admins ≤ tenants");

const buildFile = path.join(import.meta.dirname, "..", "build", "index.js");
if (!fs.existsSync(buildFile)) {
  console.error(`This bench loads the pages of the production build, and ${path.relative(process.cwd(), buildFile)} is missing: run npm run build first.`);
  process.exit(2);
}

const now = () => performance.timeOrigin + performance.now();
const began = now();
const elapsed = () => `${((now() - began) / 1000).toFixed(0)} s`;

// The panel, and a dispatcher for what it prints: `emitted` lines are kept, others answer a waiter.
const panelArgs = ["--remix", "--tenants", String(TENANTS), "--owners", String(OWNERS), "--events", values.events!];
const panel = spawn(
  process.execPath,
  ["--expose-gc", "--import", "tsx", path.join(import.meta.dirname, "support", "seeded-panel.ts"), ...panelArgs, "--client-sessions", String(OWNERS), "--admin-sessions", String(ADMINS)],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const emitted: { id: number; at: number; tenantId: string }[] = [];
const waiters: { prefix: string; resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
readline.createInterface({ input: panel.stdout! }).on("line", (line) => {
  if (line.startsWith("emitted ")) {
    const [, id, at, tenantId] = line.split(" ");
    emitted.push({ id: Number(id), at: Number(at), tenantId: tenantId! });
    return;
  }
  const index = waiters.findIndex((w) => line.startsWith(w.prefix));
  if (index >= 0) waiters.splice(index, 1)[0]!.resolve(line);
});
panel.once("exit", (code) => {
  for (const waiter of waiters.splice(0)) waiter.reject(new Error(`the panel exited (${code})`));
});
const panelLine = (prefix: string) => new Promise<string>((resolve, reject) => waiters.push({ prefix, resolve, reject }));
const command = (line: string) => panel.stdin!.write(`${line}\n`);
/** The panel's memory in bytes: RSS and V8's heap (total, used). */
interface Memory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
}
const memory = async (): Promise<Memory> => {
  const line = panelLine("rss ");
  command("rss");
  const [rss, heapTotal, heapUsed] = (await line).split(" ").slice(1).map(Number);
  return { rss: rss!, heapTotal: heapTotal!, heapUsed: heapUsed! };
};
/** The live heap: what V8 keeps after a full garbage collection (taken only outside the timed runs). */
const liveHeap = async (): Promise<number> => {
  const line = panelLine("gc ");
  command("gc");
  return Number((await line).split(" ")[1]);
};

interface Ready {
  url: string;
  lastEventId: number;
  seedMs: { tenants: number; events: number };
  sessions: { userId: string; email: string; role: "ADMIN" | "CLIENT"; cookie: string }[];
}
const ready = JSON.parse(await panelLine("{")) as Ready;
console.log(
  `panel ready after ${elapsed()}: ${TENANTS} tenants seeded in ${(ready.seedMs.tenants / 1000).toFixed(1)} s, ${values.events} events in ${(ready.seedMs.events / 1000).toFixed(1)} s`,
);

// The browsers: each CLIENT owner sees its own tenants (tenant i belongs to owner-(i mod owners)), an ADMIN all.
const all = Array.from({ length: TENANTS }, (_, i) => i);
const visible = (session: Ready["sessions"][number]) =>
  session.role === "ADMIN" ? all : all.filter((i) => i % OWNERS === Number(session.userId.replace("owner-", "")));
const browsers: Browser[] = ready.sessions
  .sort((a, b) => a.role.localeCompare(b.role) || a.userId.localeCompare(b.userId, "en", { numeric: true }))
  .map((session, index) => {
    const tenants = visible(session);
    return { cookie: session.cookie, email: session.email, tenants: shuffle(tenants, index + 1), newest: tenants.at(-1)! };
  });
const loadOptions = { url: ready.url, browsers, timeoutMs: TIMEOUT_MS };
const pageProblems = await verifyBrowsers(loadOptions);
if (pageProblems.length > 0) {
  console.error(`Not every page answers as it should, so nothing was timed:\n  ${pageProblems.slice(0, 10).join("\n  ")}`);
  await shutDown(null);
  process.exit(1);
}
console.log(`${browsers.length} browsers (${OWNERS} CLIENT, ${ADMINS} ADMIN) each went once through the cycle: every answer 200 with the right page`);

// The subscribers: tab j watches tenant floor((j mod W) × T / W), as its owner or, one in ten, as an ADMIN.
const cookieOf = new Map(ready.sessions.map((s) => [s.userId, s.cookie]));
const adminCookies = ready.sessions.filter((s) => s.role === "ADMIN").map((s) => s.cookie);
const watched = Array.from({ length: WATCHED }, (_, s) => Math.floor((s * TENANTS) / WATCHED));
const subscriptions = Array.from({ length: SUBSCRIBERS }, (_, j) => {
  const tenant = watched[j % WATCHED]!;
  const asAdmin = adminCookies.length > 0 && j % 10 === 9;
  return { tenantId: seededTenantId(tenant), cookie: asAdmin ? adminCookies[j % adminCookies.length]! : cookieOf.get(`owner-${tenant % OWNERS}`)! };
});
const watchers = new Map<string, number>();
for (const { tenantId } of subscriptions) watchers.set(tenantId, (watchers.get(tenantId) ?? 0) + 1);

const subscribers = fork(path.join(import.meta.dirname, "support", "event-subscribers.ts"), [], { execArgv: ["--import", "tsx"], stdio: "inherit" });
const fromSubscribers = (type: string) =>
  new Promise<Record<string, unknown>>((resolve) => {
    const listener = (message: Record<string, unknown>) => {
      if (message.type !== type) return;
      subscribers.off("message", listener);
      resolve(message);
    };
    subscribers.on("message", listener);
  });
const subscribing = now();
const connected = fromSubscribers("connected");
subscribers.send({ type: "start", url: ready.url, afterEventId: ready.lastEventId, subscriptions });
const connectTimeout = setTimeout(() => {
  console.error("The subscribers did not connect in 60 s.");
  process.exit(1);
}, 60_000);
await connected;
clearTimeout(connectTimeout);
const connectedAfter = now() - subscribing;
const report = async () => {
  const answer = fromSubscribers("report");
  subscribers.send({ type: "report" });
  const { arrivals, problems } = (await answer) as { arrivals: [number, number[]][]; problems: string[] };
  return { arrivals: new Map(arrivals), problems };
};

// Subscribing is asynchronous: one probe event per watched tenant must reach every tab before timing.
const probes = emitted.length;
for (const tenant of watched) command(`emit ${seededTenantId(tenant)}`);
await until(async () => emitted.length, (n) => n === probes + WATCHED, "the probe events", 30_000);
const probeEvents = emitted.slice(probes);
await until(
  report,
  ({ arrivals }) => probeEvents.every((e) => (arrivals.get(e.id)?.length ?? 0) >= watchers.get(e.tenantId)!),
  "every subscription to receive its probe event",
  60_000,
);
console.log(
  `${SUBSCRIBERS} subscriptions live on ${WATCHED} tenants: connected in ${(connectedAfter / 1000).toFixed(1)} s, ` +
    `a probe event delivered to each ${((now() - subscribing - connectedAfter) / 1000).toFixed(1)} s later (${elapsed()})`,
);

// Warm-up (JIT, SQLite's page cache), then the panel's RSS at the start.
const warm = await runBrowsers({ ...loadOptions, seconds: Number(values.warmup) });
const warmErrors = warm.samples.filter((s) => s.error);
// Not timed, but an error there is an error all the same.
if (warmErrors.length > 0) console.log(`warm-up: ${warmErrors.length} errors, e.g. ${warmErrors[0]!.error}`);
const memoryStart = await memory();
const liveStart = await liveHeap();

interface RunResult {
  title: string;
  samples: Sample[];
  seconds: number;
  cpu: Cpu;
  events: Delivery;
  /** The panel's memory when the run began, then every 10 s. */
  memory: Memory[];
}
const runs: RunResult[] = [];
runs.push(await timedRun(`closed loop, ${values.seconds} s`));
if (PACED_RATE > 0) runs.push(await timedRun(`paced at ${PACED_RATE} req/s, ${values.seconds} s`, PACED_RATE));
const memoryEnd = await memory();
const liveEnd = await liveHeap();
const { problems: subscriberProblems } = await report();

// The report.
console.log(
  `\nMixed load: ${TENANTS} tenants, ${values.events} events; ${CLIENTS} signed-in browsers (${OWNERS} CLIENT, ${ADMINS} ADMIN); ` +
    `${SUBSCRIBERS} tenantEvents subscriptions on ${WATCHED} tenants; ${EMIT_RATE} events/s; request timeout ${values.timeout} s`,
);
let failures = warmErrors.length;
for (const run of runs) {
  console.log(`\n${run.title}`);
  console.log(row(["requests", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"]));
  for (const kind of [...KINDS, null]) {
    const samples = kind ? run.samples.filter((s) => s.kind === kind) : run.samples;
    const ms = samples.map((s) => s.ms);
    const errors = samples.filter((s) => s.error).length;
    console.log(row([kind ?? "all", samples.length, (samples.length / run.seconds).toFixed(1), ...[50, 95, 99].map((p) => fmt(percentile(ms, p))), fmt(Math.max(...ms)), errors]));
  }
  const errors = run.samples.filter((s) => s.error);
  const causes: Record<Cause, string> = { status: "unexpected status", content: "wrong content", timeout: "timeouts", connection: "broken connections" };
  console.log(`errors: ${errors.length} (${Object.entries(causes).map(([cause, text]) => `${text} ${errors.filter((e) => e.cause === cause).length}`).join(", ")})`);
  for (const error of [...new Set(errors.map((e) => e.error))].slice(0, 5)) console.log(`  error: ${error}`);
  const e = run.events;
  console.log(
    `events: ${e.emitted} recorded (${(e.emitted / run.seconds).toFixed(1)}/s), ${e.expected} deliveries expected, ${e.arrived} arrived, ` +
      `${e.lost} lost, ${e.extra} extra; delivery p50 ${fmt(percentile(e.latencies, 50))} ms, p95 ${fmt(percentile(e.latencies, 95))} ms, ` +
      `p99 ${fmt(percentile(e.latencies, 99))} ms, max ${fmt(Math.max(...e.latencies))} ms`,
  );
  console.log(`CPU (cores busy): panel ${fmtCpu(run.cpu.panel)}, subscribers ${fmtCpu(run.cpu.subscribers)}, load generator ${fmtCpu(run.cpu.self)}`);
  console.log(
    `panel memory every 10 s, MiB (RSS / V8 heap total / used): ${run.memory.map((m) => `${mib(m.rss)} / ${mib(m.heapTotal)} / ${mib(m.heapUsed)}`).join(", ")}`,
  );
  failures += errors.length + e.lost + e.extra;
}
for (const problem of subscriberProblems.slice(0, 5)) console.log(`subscriber problem: ${problem}`);
failures += subscriberProblems.length;
const growth = (memoryEnd.rss - memoryStart.rss) / memoryStart.rss;
console.log(
  `\npanel RSS: ${mib(memoryStart.rss)} MiB at the start (after seeding and warm-up), ${mib(memoryEnd.rss)} MiB at the end: ` +
    `${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)} % (bound ${RSS_BOUND * 100} %)`,
);
console.log(`panel live heap (after a full GC, right after each RSS reading): ${mib(liveStart)} MiB at the start, ${mib(liveEnd)} MiB at the end`);
const verdict = failures === 0 && growth <= RSS_BOUND;
console.log(
  `verdict: ${verdict ? "PASS" : "FAIL"}: ${failures} errors (HTTP, content, timeouts, lost or extra events, subscription problems), ` +
    `RSS growth ${(growth * 100).toFixed(1)} % ${growth <= RSS_BOUND ? "≤" : ">"} ${RSS_BOUND * 100} %; total ${elapsed()}`,
);
await shutDown(subscribers);
process.exit(verdict ? 0 : 1);

interface Delivery {
  emitted: number;
  expected: number;
  arrived: number;
  lost: number;
  extra: number;
  latencies: number[];
}

/** One timed run: the browsers for `--seconds` while the panel records events, then every delivery accounted for. */
async function timedRun(title: string, pacedRate?: number): Promise<RunResult> {
  const first = emitted.length;
  const cpuBefore = cpuNow();
  const memories = [await memory()];
  const sampler = setInterval(() => void memory().then((m) => memories.push(m)), 10_000);
  command(`emit-rate ${EMIT_RATE} ${watched.map(seededTenantId).join(",")}`);
  const { samples, seconds } = await runBrowsers({ ...loadOptions, seconds: Number(values.seconds), pacedRate });
  clearInterval(sampler);
  const stopped = panelLine("emit-stopped ");
  command("emit-rate 0");
  const count = Number((await stopped).split(" ")[1]);
  const cpu = cpuSince(cpuBefore);
  await until(async () => emitted.length - first, (n) => n >= count, "the last emitted events", 30_000);
  const events = emitted.slice(first, first + count);
  const expected = events.reduce((sum, e) => sum + watchers.get(e.tenantId)!, 0);
  const arrivedOf = (arrivals: Map<number, number[]>) => events.reduce((sum, e) => sum + Math.min(arrivals.get(e.id)?.length ?? 0, watchers.get(e.tenantId)!), 0);
  // Late deliveries get 10 s; whatever has not arrived then is lost.
  const { arrivals } = await until(report, (r) => arrivedOf(r.arrivals) === expected, "the deliveries", 10_000).catch(report);
  const latencies: number[] = [];
  let extra = 0;
  for (const event of events) {
    const times = arrivals.get(event.id) ?? [];
    extra += Math.max(0, times.length - watchers.get(event.tenantId)!);
    latencies.push(...times.map((t) => t - event.at));
  }
  const arrived = arrivedOf(arrivals);
  console.log(`${title}: done (${elapsed()})`);
  return { title, samples, seconds, cpu, memory: memories, events: { emitted: count, expected, arrived, lost: expected - arrived, extra, latencies } };
}

interface Cpu {
  panel: number | null;
  subscribers: number | null;
  self: number;
}
type CpuMark = { at: number; panel: number | null; subscribers: number | null; self: number };

/** CPU seconds used so far by the panel and the subscribers (Linux /proc; null elsewhere) and by this process. */
function cpuNow(): CpuMark {
  const ticks = (child: ChildProcess) => {
    try {
      const fields = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100)
    } catch {
      return null;
    }
  };
  const own = process.cpuUsage();
  return { at: now(), panel: ticks(panel), subscribers: ticks(subscribers), self: (own.user + own.system) / 1e6 };
}
function cpuSince(before: CpuMark): Cpu {
  const after = cpuNow();
  const seconds = (after.at - before.at) / 1000;
  const busy = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) / seconds);
  return { panel: busy(before.panel, after.panel), subscribers: busy(before.subscribers, after.subscribers), self: (after.self - before.self) / seconds };
}

async function shutDown(children: ChildProcess | null): Promise<void> {
  children?.send({ type: "stop" });
  panel.stdin!.end();
  await new Promise((resolve) => panel.once("exit", resolve));
}

/** A deterministic shuffle (mulberry32), so each browser walks its tenants in its own order. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  const random = seededRandom(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function row(cells: (string | number)[]): string {
  return cells.map((cell, i) => (i === 0 ? String(cell).padEnd(12) : String(cell).padStart(8))).join(" ");
}
function fmt(ms: number): string {
  return Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(1) : ms.toFixed(0)) : "-";
}
function fmtCpu(cores: number | null): string {
  return cores === null ? "?" : cores.toFixed(2);
}
function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
