// `npm test`: the whole suite, in the order that fails fastest on a broken tree, running every
// step even after a failure so one run reports everything. Ends with one summary line.
//   lint → typecheck → migration drift → unit + integration (vitest) → build → browser (Playwright)
//   → image steps (the Dockerfile's install → build → prune → start, replayed as an unprivileged user)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
// Fresh reports: a step that dies before writing its report must not borrow the last run's counts.
fs.rmSync(path.join(root, "reports"), { recursive: true, force: true });
fs.mkdirSync(path.join(root, "reports"), { recursive: true });
const driftDb = path.join(os.tmpdir(), `panel-drift-${process.pid}.db`);

const steps = [
  ["lint", bin("eslint"), ["--max-warnings", "0", "."]],
  ["typecheck", bin("tsc"), ["-p", "."]],
  ["migrations match prisma/schema.prisma", bin("prisma"), ["migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma", "--exit-code"], { DATABASE_URL: `file:${driftDb}` }],
  ["unit and integration tests", bin("vitest"), ["run", "--reporter=default", "--reporter=json", "--outputFile.json=reports/vitest.json"]],
  ["build", "npm", ["run", "-s", "build"]],
  ["browser tests", bin("playwright"), ["test"]],
  ["image steps", "bash", ["scripts/image-steps.sh"]],
];

const failedSteps = [];
for (const [name, command, args, env] of steps) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failedSteps.push(name);
    console.log(`✖ ${name} failed (${seconds} s)`);
  } else {
    console.log(`✔ ${name} (${seconds} s)`);
  }
}
fs.rmSync(driftDb, { force: true });

function counts(file, read) {
  try {
    return read(JSON.parse(fs.readFileSync(path.join(root, file), "utf8")));
  } catch {
    return { passed: 0, failed: 0, skipped: 0 };
  }
}
const unit = counts("reports/vitest.json", (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests }));
const e2e = counts("reports/e2e.json", (r) => ({ passed: r.stats.expected, failed: r.stats.unexpected + r.stats.flaky, skipped: r.stats.skipped }));
const passed = unit.passed + e2e.passed;
const failed = unit.failed + e2e.failed + failedSteps.filter((s) => !s.includes("tests")).length;
const skipped = unit.skipped + e2e.skipped;

console.log(`\nvitest: ${unit.passed} passed, ${unit.failed} failed · playwright: ${e2e.passed} passed, ${e2e.failed} failed`);
if (failedSteps.length > 0) console.log(`Failed steps: ${failedSteps.join(", ")}`);
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedSteps.length > 0 ? 1 : 0);
