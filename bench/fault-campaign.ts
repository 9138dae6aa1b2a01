/**
 * The provisioning fault campaign: every fault kind × every provisioning phase (9 × 8 cells), each
 * cell a panel of its own against its own emulator (test/fault-campaign.ts), `--parallel` cells at
 * a time. Prints the matrix (verdict, each tenant's end — A ACTIVE, E ERROR, ? neither — and the
 * cell's duration), the ERROR causes and every problem found, totals and the wall time. Exits 1
 * when a cell is stuck, duplicated a stack, lost events, or its fault was never injected.
 *
 *   npx tsx bench/fault-campaign.ts [--parallel 4] [--faults down,slow,…] [--phases PREFLIGHT,…]
 *     [--window-ms 1000] [--window-from injection|first-bite] [--phase-timeout-s 3] [--poll-ms 25] [--request-timeout-ms 500]
 *     [--slow-delay-ms 30000] [--tenants 3] [--budget-s 30] [--portainer-version 2.45.0] [--quiet]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateDatabase } from "../server/db/migrate";
import type { TenantPhase } from "../server/generated/prisma/enums";
import { PHASES } from "../server/provisioning/handlers/provision";
import {
  CAMPAIGN_FAULTS,
  cellLabel,
  DEFAULT_SETTINGS,
  FAULT_DESCRIPTIONS,
  formatTable,
  reportProblems,
  runCell,
  runCells,
  type CampaignFault,
} from "../test/fault-campaign";

const { values } = parseArgs({
  options: {
    parallel: { type: "string", default: "4" },
    faults: { type: "string", default: CAMPAIGN_FAULTS.join(",") },
    phases: { type: "string", default: PHASES.join(",") },
    "window-ms": { type: "string", default: String(DEFAULT_SETTINGS.windowMs) },
    /** `injection` (the window starts when the fault is switched on) or `first-bite`. */
    "window-from": { type: "string", default: DEFAULT_SETTINGS.windowFrom },
    "phase-timeout-s": { type: "string", default: String(DEFAULT_SETTINGS.phaseTimeoutSeconds) },
    "poll-ms": { type: "string", default: String(DEFAULT_SETTINGS.pollMs) },
    "request-timeout-ms": { type: "string", default: String(DEFAULT_SETTINGS.requestTimeoutMs) },
    "slow-delay-ms": { type: "string", default: String(DEFAULT_SETTINGS.slowDelayMs) },
    tenants: { type: "string", default: String(DEFAULT_SETTINGS.tenants) },
    "budget-s": { type: "string", default: String(DEFAULT_SETTINGS.budgetMs / 1000) },
    "portainer-version": { type: "string" },
    /** Only the table and the totals. */
    quiet: { type: "boolean", default: false },
  },
});

const pick = <T extends string>(list: string, allowed: readonly T[], what: string): T[] =>
  list.split(",").map((item) => {
    const value = item.trim() as T;
    if (!allowed.includes(value)) throw new Error(`unknown ${what} ${JSON.stringify(item)} (one of ${allowed.join(", ")})`);
    return value;
  });
const faults = pick<CampaignFault>(values.faults!, CAMPAIGN_FAULTS, "fault");
const phases = pick<TenantPhase>(values.phases!, PHASES, "phase");
const settings = {
  pollMs: Number(values["poll-ms"]),
  retryBaseMs: DEFAULT_SETTINGS.retryBaseMs,
  retryMaxMs: DEFAULT_SETTINGS.retryMaxMs,
  phaseTimeoutSeconds: Number(values["phase-timeout-s"]),
  requestTimeoutMs: Number(values["request-timeout-ms"]),
  windowMs: Number(values["window-ms"]),
  windowFrom: pick<"injection" | "first-bite">(values["window-from"]!, ["injection", "first-bite"], "window start")[0]!,
  slowDelayMs: Number(values["slow-delay-ms"]),
  tenants: Number(values.tenants),
  budgetMs: Number(values["budget-s"]) * 1000,
  ...(values["portainer-version"] ? { portainerVersion: values["portainer-version"] } : {}),
};

// One migrated database, copied for each cell (as the test suite's global setup does).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "panel-fault-campaign-"));
const base = path.join(dir, "base.db");
await migrateDatabase(base);
let copies = 0;
const databasePath = () => {
  const file = path.join(dir, `cell-${++copies}.db`);
  fs.copyFileSync(base, file);
  return file;
};

const cells = faults.flatMap((fault) => phases.map((phase) => ({ fault, phase })));
console.log(
  `${cells.length} cells (${faults.length} faults × ${phases.length} phases), ${values.parallel} at a time; ${settings.tenants} tenants per cell (the last created during the fault); ` +
    `poll ${settings.pollMs} ms, retry ${settings.retryBaseMs}–${settings.retryMaxMs} ms, phase deadline ${settings.phaseTimeoutSeconds} s, ` +
    `Portainer request timeout ${settings.requestTimeoutMs} ms, transient window ${settings.windowMs} ms from the ${settings.windowFrom}, slow delay ${settings.slowDelayMs} ms, budget ${settings.budgetMs / 1000} s`,
);
const started = performance.now();
const results = await runCells(
  cells,
  Number(values.parallel),
  ({ fault, phase }) => runCell(fault, phase, { ...settings, databasePath }),
  (result) => {
    if (!values.quiet) process.stderr.write(`… ${result.fault} at ${result.phase}: ${cellLabel(result)}\n`);
  },
);
const wall = (performance.now() - started) / 1000;
fs.rmSync(dir, { recursive: true, force: true });

console.log("");
console.log(formatTable(results, faults, phases));
console.log("");
console.log("Cell: verdict (ok = converged), each tenant's end in creation order (A ACTIVE, E ERROR, ? neither; the last tenant was created during the fault), duration.");
if (!values.quiet) {
  console.log("");
  console.log("Faults:");
  for (const fault of faults) console.log(`  ${fault.padEnd(14)} ${FAULT_DESCRIPTIONS[fault]}`);
  console.log("");
  console.log("How often each fault bit (the emulator's faulted requests or tasks; for down, the panel's calls refused or cut; endpoint-down counts proxied calls only):");
  for (const fault of faults) {
    console.log(`  ${fault.padEnd(14)} ${phases.map((phase) => `${phase} ${results.find((r) => r.fault === fault && r.phase === phase)?.hits ?? "-"}`).join(", ")}`);
  }
  const errors = results.flatMap((r) => r.report.tenants.filter((t) => t.status === "ERROR").map((t) => ({ r, t })));
  if (errors.length > 0) {
    console.log("");
    console.log("ERROR causes (and the attempt at which the tenant's job failed; transient errors are retried until the phase's deadline, whatever the attempt count):");
    for (const { r, t } of errors) {
      const job = t.lastJob ? ` [${t.lastJob.type} job ${t.lastJob.status} at attempt ${t.lastJob.attempts + 1} of ${t.lastJob.maxAttempts}]` : "";
      console.log(`  ${r.fault} at ${r.phase}, ${t.slug}: ${t.cause ?? "(none)"}${job}`);
    }
  }
  const problems = results.filter((r) => r.verdict !== "converged" || !r.injected);
  if (problems.length > 0) {
    console.log("");
    console.log("Problems:");
    for (const r of problems) {
      console.log(`  ${r.fault} at ${r.phase}: ${cellLabel(r)}`);
      for (const line of reportProblems(r.report)) console.log(`    ${line}`);
      if (!r.injected) console.log("    the phase never started: the fault was not injected");
    }
  }
}
const count = (verdict: string) => results.filter((r) => r.verdict === verdict).length;
const ends = results.flatMap((r) => r.statuses);
const notInjected = results.filter((r) => !r.injected).length;
const durations = results.map((r) => r.durationMs / 1000).sort((a, b) => a - b);
console.log("");
console.log(
  `totals: ${results.length} cells: ${count("converged")} converged, ${count("stuck")} stuck, ${count("duplicated")} duplicated, ${count("disordered")} disordered` +
    `${notInjected > 0 ? `, ${notInjected} not injected` : ""}; tenants ${ends.filter((s) => s === "ACTIVE").length} ACTIVE, ${ends.filter((s) => s === "ERROR").length} ERROR, ` +
    `${ends.filter((s) => s !== "ACTIVE" && s !== "ERROR").length} neither`,
);
console.log(`cell duration: median ${durations[Math.floor(durations.length / 2)]!.toFixed(1)} s, max ${durations.at(-1)!.toFixed(1)} s`);
console.log(`wall time: ${wall.toFixed(1)} s`);
process.exit(results.some((r) => r.verdict !== "converged" || !r.injected) ? 1 : 0);
