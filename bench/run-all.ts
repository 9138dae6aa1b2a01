/**
 * `npm run bench`: every bench and campaign, one after another (each has the machine to itself),
 * with their tables as they print, then one summary: per suite its verdict line, exit status and
 * time. Each suite's whole output is kept in reports/bench/<suite>.txt. Exits non-zero when a suite
 * fails its own check (lost or duplicated tenants, a stuck fault cell, a broken invariant after a
 * kill, a hostile value that got through); a latency target missed is reported, not a failure.
 *
 *   npm run bench                       # everything (about 25 minutes on 2 cores)
 *   npm run bench -- --only load,faults # some suites (names below)
 *   npm run bench -- --list
 *
 * Published figures and how to read them: docs/benchmarks.md, docs/resilience.md.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

interface Suite {
  name: string;
  what: string;
  command: string[];
  /** Needs the production build (Remix pages, the e2e server). */
  build?: boolean;
}

const tsx = (script: string, ...args: string[]) => [process.execPath, "--import", "tsx", script, ...args];

const SUITES: Suite[] = [
  { name: "provision-200", what: "provisioning throughput, 200 tenants (async Portainer family)", command: tsx("bench/provision-throughput.ts", "--tenants", "200") },
  { name: "provision-200-sync", what: "provisioning throughput, 200 tenants (sync family, Portainer 2.23)", command: tsx("bench/provision-throughput.ts", "--tenants", "200", "--portainer-version", "2.23.0") },
  { name: "provision-1000", what: "provisioning throughput, 1,000 tenants", command: tsx("bench/provision-throughput.ts", "--tenants", "1000") },
  { name: "api", what: "GraphQL list latency over 10,000 tenants and event fan-out to 500 subscribers", command: tsx("bench/api-latency.ts") },
  { name: "load", what: "50 signed-in browsers for 60 s, 500 subscriptions, 1,000 tenants, 100,000 events", command: tsx("bench/load-mix.ts", "--paced-rate", "25"), build: true },
  { name: "faults", what: "fault campaign: 9 fault kinds × 8 provisioning phases", command: tsx("bench/fault-campaign.ts") },
  { name: "kill", what: "kill -9 campaign: 20 kills during a 50-tenant run", command: tsx("bench/kill-campaign.ts") },
  {
    name: "hostile",
    what: "hostile input campaign and security checks (API, forms, pages, bundle)",
    command: ["sh", "-c", "npx vitest run test/hostile-input.integration.test.ts test/secrecy-crawl.integration.test.ts graphql/auth.integration.test.ts && npx playwright test e2e/hostile-forms.spec.ts e2e/security.spec.ts --reporter=list"],
    build: true,
  },
];

const { values } = parseArgs({ options: { only: { type: "string" }, list: { type: "boolean", default: false } } });
if (values.list) {
  for (const suite of SUITES) console.log(`${suite.name.padEnd(20)} ${suite.what}`);
  process.exit(0);
}
const wanted = values.only?.split(",").map((s) => s.trim());
const unknown = wanted?.filter((name) => !SUITES.some((s) => s.name === name)) ?? [];
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(", ")}; --list shows them`);
  process.exit(2);
}
const suites = SUITES.filter((s) => !wanted || wanted.includes(s.name));

const root = path.resolve(import.meta.dirname, "..");
const reports = path.join(root, "reports", "bench");
fs.mkdirSync(reports, { recursive: true });

console.log(`npm run bench: ${suites.length} suites on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 20)} MiB, Node.js ${process.version}, ${new Date().toISOString()}`);
if (suites.some((s) => s.build)) {
  console.log("\n▶ build (the load bench and the page checks use the production build)");
  const built = spawnSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

interface Outcome {
  suite: Suite;
  code: number;
  seconds: number;
  verdict: string;
}

function run(suite: Suite): Promise<Outcome> {
  return new Promise((resolve) => {
    console.log(`\n▶ ${suite.name}: ${suite.what}`);
    const started = performance.now();
    const log = fs.createWriteStream(path.join(reports, `${suite.name}.txt`));
    const child = spawn(suite.command[0]!, suite.command.slice(1), { cwd: root, env: { ...process.env, CHECKPOINT_DISABLE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const forward = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      stream.write(chunk);
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", forward(process.stdout));
    child.stderr.on("data", forward(process.stderr));
    child.on("close", (code, signal) => {
      log.end();
      const lines = tail.split("\n").map((l) => l.trim()).filter(Boolean);
      resolve({ suite, code: code ?? (signal ? 128 : 1), seconds: (performance.now() - started) / 1000, verdict: lines.at(-1) ?? "" });
    });
  });
}

const outcomes: Outcome[] = [];
const startedAll = performance.now();
for (const suite of suites) outcomes.push(await run(suite));
const total = (performance.now() - startedAll) / 1000;

console.log("\n══ Summary ══");
console.log(`${"suite".padEnd(20)} ${"result".padEnd(6)} ${"time".padStart(8)}  last line`);
for (const o of outcomes) {
  console.log(`${o.suite.name.padEnd(20)} ${(o.code === 0 ? "ok" : `FAIL ${o.code}`).padEnd(6)} ${`${o.seconds.toFixed(0)} s`.padStart(8)}  ${o.verdict.slice(0, 160)}`);
}
console.log(`total ${(total / 60).toFixed(1)} min; full outputs in reports/bench/`);
process.exit(outcomes.every((o) => o.code === 0) ? 0 : 1);
