/**
 * API latency and event fan-out against a seeded panel in its own process
 * (bench/support/seeded-panel.ts: 10,000 tenants over 100 clients by default).
 *
 *   1. `tenants(first: 50)` with owners as an ADMIN token, 50 HTTP connections (autocannon): first
 *      closed-loop (each connection sends its next request as soon as it gets an answer: the
 *      panel's saturation throughput, where latency ≈ 50 × service time), then open-loop at
 *      `--rate` requests per second in total (50 clients using the panel briskly);
 *   2. a CLIENT's mix of their tenants list and one tenant page with its last 50 events;
 *   3. one event delivered to 500 graphql-ws subscribers of that tenant, 20 times: the time from
 *      just before the event is written to its arrival at each subscriber.
 *
 * Prints p50/p95/p99 latency, throughput and errors per run, fan-out p50/p95/max, and the panel's
 * RSS before and after. Targets (issue #6): p95 ≤ 30 ms for (1), fan-out p95 ≤ 100 ms.
 *
 *   npx tsx bench/api-latency.ts [--tenants 10000] [--events 0] [--connections 50] [--seconds 20] [--subscribers 500] [--rounds 20] [--rate 50] [--profile DIR] [--sql-stats]
 */
import { spawn } from "node:child_process";
import readline from "node:readline";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { percentile } from "./support/stats";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "10000" },
    events: { type: "string", default: "0" },
    connections: { type: "string", default: "50" },
    seconds: { type: "string", default: "20" },
    subscribers: { type: "string", default: "500" },
    rounds: { type: "string", default: "20" },
    /** Open-loop run: this many requests per second in total, spread over the connections. */
    rate: { type: "string", default: "50" },
    /** Write a V8 CPU profile of the panel process into this directory. */
    profile: { type: "string" },
    /** Print the statements that took the most SQL time in total. */
    "sql-stats": { type: "boolean", default: false },
  },
});
const now = () => performance.timeOrigin + performance.now();

const profileArgs = values.profile ? ["--cpu-prof", `--cpu-prof-dir=${values.profile}`] : [];
const panelArgs = ["--tenants", values.tenants!, "--events", values.events!, ...(values["sql-stats"] ? ["--sql-stats"] : [])];
const panel = spawn(process.execPath, [...profileArgs, "--import", "tsx", "bench/support/seeded-panel.ts", ...panelArgs], {
  stdio: ["pipe", "pipe", "inherit"],
});
const lines = readline.createInterface({ input: panel.stdout! })[Symbol.asyncIterator]();
async function nextLine(prefix: string): Promise<string> {
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    if (next.value.startsWith(prefix)) return next.value;
  }
  throw new Error("the panel exited");
}
const seededAt = now();
const ready = JSON.parse(await nextLine("{")) as { url: string; adminToken: string; clientToken: string; lastEventId: number; tenantId: string; clientTenantId: string };
console.log(`seeded ${values.tenants} tenants and ${values.events} events in ${((now() - seededAt) / 1000).toFixed(1)} s`);
const rss = async () => {
  panel.stdin!.write("rss\n");
  return Number((await nextLine("rss ")).split(" ")[1]);
};

const LIST = `query List { tenants(first: 50) { edges { node { id name domain url status phase lastError plan createdAt health { checkedAt services { service running desired } } owner { id email } } } pageInfo { hasNextPage endCursor } } }`;
const PAGE = `query Page($id: ID!) { tenant(id: $id) { ... on QueryTenantSuccess { data { id name domain status phase lastError health { services { service running desired message } } } } ... on Error { code } }
  tenantEvents(tenantId: $id, first: 50) { ... on QueryTenantEventsSuccess { data { id createdAt level type message } } } }`;
const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const headers = (token: string) => ({ "content-type": "application/json", authorization: `Bearer ${token}` });

async function load(title: string, token: string, requests: { body: string }[], overallRate?: number) {
  // A GraphQL error still answers 200: make sure each request really succeeds before timing it.
  for (const request of requests) {
    const res = await fetch(`${ready.url}/graphql`, { method: "POST", headers: headers(token), body: request.body });
    const text = await res.text();
    if (!res.ok || text.includes('"errors"') || text.includes('"code"')) throw new Error(`${title}: ${res.status} ${text.slice(0, 500)}`);
  }
  // Warm up (JIT, SQLite page cache) before measuring.
  await autocannon({ url: `${ready.url}/graphql`, connections: 10, duration: 2, method: "POST", headers: headers(token), requests });
  const result = await autocannon({
    url: `${ready.url}/graphql`,
    connections: Number(values.connections),
    duration: Number(values.seconds),
    // Under saturation a request can wait seconds for its turn; a timeout shorter than that would
    // count a slow answer as an error. Anything past 30 s is one.
    timeout: 30,
    method: "POST",
    headers: headers(token),
    requests,
    ...(overallRate ? { overallRate } : {}),
  });
  const { latency } = result;
  console.log(
    `${title.padEnd(44)} p50 ${latency.p50} ms  p95 ${(latency as unknown as Record<string, number>).p97_5 !== undefined ? pct(result, 95) : "?"} ms  p99 ${latency.p99} ms  max ${latency.max} ms  ${Math.round(result.requests.average)} req/s  errors ${result.errors + result.timeouts}  non-2xx ${result.non2xx}`,
  );
  return result;
}

/** autocannon reports p90 and p97.5, not p95: interpolate between them from its histogram fields. */
function pct(result: autocannon.Result, p: number): number {
  const l = result.latency as unknown as Record<string, number>;
  if (l[`p${p}`] !== undefined) return l[`p${p}`]!;
  return Math.round((l.p90! + ((p - 90) / 7.5) * (l.p97_5! - l.p90!)) * 10) / 10;
}

const rssStart = await rss();
const list = await load(`tenants(first: 50), ${values.connections} clients, ADMIN`, ready.adminToken, [{ body: body(LIST) }]);
const paced = await load(`tenants(first: 50), ${values.connections} clients at ${values.rate} req/s`, ready.adminToken, [{ body: body(LIST) }], Number(values.rate));
const mix = await load(`CLIENT list + tenant page, ${values.connections} clients`, ready.clientToken, [{ body: body(LIST) }, { body: body(PAGE, { id: ready.clientTenantId }) }]);

// Fan-out: every subscriber has its own WebSocket.
const subscribers = Number(values.subscribers);
const rounds = Number(values.rounds);
const clients: Client[] = [];
const arrivals = new Map<number, number[]>();
let expected = 0;
let onArrival: (() => void) | null = null;
for (let i = 0; i < subscribers; i++) {
  const client = createClient({
    url: `${ready.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${ready.adminToken}` },
  });
  clients.push(client);
  client.subscribe<{ tenantEvents: { id: number } }>(
    { query: `subscription($id: ID!, $after: Int) { tenantEvents(tenantId: $id, afterEventId: $after) { id } }`, variables: { id: ready.tenantId, after: ready.lastEventId } },
    {
      next: (value) => {
        const id = value.data!.tenantEvents.id;
        const list = arrivals.get(id) ?? [];
        list.push(now());
        arrivals.set(id, list);
        if (id === expected && list.length === subscribers) onArrival?.();
      },
      error: (error) => console.error("subscription error", error),
      complete: () => undefined,
    },
  );
}
async function emit(waitForAll: boolean): Promise<{ id: number; at: number }> {
  const delivered = new Promise<void>((resolve) => (onArrival = resolve));
  panel.stdin!.write(`emit ${ready.tenantId}\n`);
  const [, id, at] = (await nextLine("emitted ")).split(" ");
  expected = Number(id);
  if (waitForAll && (arrivals.get(expected)?.length ?? 0) < subscribers) await delivered;
  return { id: expected, at: Number(at) };
}
// Subscribing is asynchronous: probe until one event reaches every subscriber.
const warmStart = now();
for (;;) {
  const { id } = await emit(false);
  await new Promise((r) => setTimeout(r, 500));
  if ((arrivals.get(id)?.length ?? 0) === subscribers) break;
  if (now() - warmStart > 60_000) throw new Error(`only ${arrivals.get(id)?.length ?? 0} of ${subscribers} subscriptions came alive`);
}
const deliveries: number[] = [];
const completions: number[] = [];
for (let round = 0; round < rounds; round++) {
  const { id, at } = await emit(true);
  const times = arrivals.get(id)!.map((t) => t - at);
  deliveries.push(...times);
  completions.push(Math.max(...times));
  await new Promise((r) => setTimeout(r, 100));
}
console.log(
  `fan-out of one event to ${subscribers} subscribers, ${rounds} rounds: per delivery p50 ${percentile(deliveries, 50).toFixed(1)} ms  p95 ${percentile(deliveries, 95).toFixed(1)} ms  max ${Math.max(...deliveries).toFixed(1)} ms; last subscriber p50 ${percentile(completions, 50).toFixed(1)} ms  p95 ${percentile(completions, 95).toFixed(1)} ms`,
);
const rssEnd = await rss();
console.log(`panel RSS: ${(rssStart / 2 ** 20).toFixed(0)} MiB before load, ${(rssEnd / 2 ** 20).toFixed(0)} MiB after (${(((rssEnd - rssStart) / rssStart) * 100).toFixed(0)}%)`);
const failures = [list, paced, mix].reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx, 0);
await Promise.all(clients.map((c) => c.dispose()));
panel.stdin!.end();
await new Promise((r) => panel.once("exit", r));
const p95 = pct(list, 95);
const fanOut95 = percentile(deliveries, 95);
console.log(`verdict: ${failures} failed requests; list p95 ${p95} ms (target 30: ${p95 <= 30 ? "met" : "not met"}); fan-out p95 ${fanOut95.toFixed(1)} ms (target 100: ${fanOut95 <= 100 ? "met" : "not met"})`);
process.exit(failures > 0 ? 1 : 0);
