/**
 * Kill -9 campaign: N tenants provisioned while the panel process is killed with SIGKILL K times at
 * random points (seeded) and started again on the same database and Portainer emulator; then it
 * finishes and every invariant of test/convergence.ts is checked. Prints where each kill landed,
 * the totals, the problems and a verdict line; exits 1 on any problem. See test/kill-campaign.ts.
 *
 *   npx tsx bench/kill-campaign.ts [--tenants 50] [--kills 20] [--seed N] [--min-delay-ms 50] [--max-delay-ms 2000]
 *     [--task-delay-ms 60] [--deploy-ms 300] [--settle-timeout-s 120] [--keep]
 *
 * Without --seed a random one is drawn and printed; pass it back to replay the same kill delays.
 * --keep leaves the database and the panels' log in the printed folder (always kept on failure).
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { formatKillCampaign, runKillCampaign } from "../test/kill-campaign";

const { values } = parseArgs({
  options: {
    tenants: { type: "string", default: "50" },
    kills: { type: "string", default: "20" },
    seed: { type: "string" },
    "min-delay-ms": { type: "string", default: "50" },
    "max-delay-ms": { type: "string", default: "2000" },
    "task-delay-ms": { type: "string", default: "60" },
    "deploy-ms": { type: "string", default: "300" },
    "settle-timeout-s": { type: "string", default: "120" },
    keep: { type: "boolean", default: false },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
console.log(`seed ${seed}`);
const result = await runKillCampaign({
  tenants: Number(values.tenants),
  kills: Number(values.kills),
  seed,
  minDelayMs: Number(values["min-delay-ms"]),
  maxDelayMs: Number(values["max-delay-ms"]),
  taskDelayMs: Number(values["task-delay-ms"]),
  deployDurationMs: Number(values["deploy-ms"]),
  settleTimeoutMs: Number(values["settle-timeout-s"]) * 1000,
  log: (line) => process.stderr.write(`… ${line}\n`),
});
for (const line of formatKillCampaign(result)) console.log(line);
if (result.problems.length === 0 && !values.keep) fs.rmSync(result.dir, { recursive: true, force: true });
else console.log(`data: ${result.dir}`);
process.exit(result.problems.length === 0 ? 0 : 1);
