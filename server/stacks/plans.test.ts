import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BUILTIN_PLANS, loadPlans, PLAN_SERVICES, PlansFileError } from "./plans";

const dir = mkdtempSync(join(tmpdir(), "plans-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function file(content: string): string {
  const path = join(dir, `plans-${counter++}.json`);
  writeFileSync(path, content);
  return path;
}

const service = (cpus: number, memoryMiB: number, rCpus = 0, rMemoryMiB = 0) => ({
  limits: { cpus, memoryMiB },
  reservations: { cpus: rCpus, memoryMiB: rMemoryMiB },
});
const validPlan = {
  label: "Tiny",
  services: {
    db: service(0.5, 512, 0.1, 256),
    web: service(0.5, 768),
    cron: service(0.25, 256),
    worker: service(0.25, 512),
    install: service(0.5, 768),
  },
  workers: { email: 1, hit: 1, failed: 1 },
};

function problemsOf(path: string): readonly string[] {
  try {
    loadPlans(path);
  } catch (error) {
    expect(error).toBeInstanceOf(PlansFileError);
    expect((error as PlansFileError).code).toBe("PLANS_FILE_INVALID");
    expect((error as PlansFileError).filePath).toBe(path);
    return (error as PlansFileError).problems;
  }
  throw new Error("expected a PlansFileError");
}

describe("built-in plans", () => {
  it("are returned without a path and contain small, standard and large", () => {
    expect(loadPlans()).toBe(BUILTIN_PLANS);
    expect(loadPlans("")).toBe(BUILTIN_PLANS);
    expect(Object.keys(BUILTIN_PLANS.plans)).toStrictEqual(["small", "standard", "large"]);
    expect(BUILTIN_PLANS.defaultPlan).toBe("standard");
  });

  it("never reserve more than their limits and grow from small to large", () => {
    for (const plan of Object.values(BUILTIN_PLANS.plans)) {
      for (const name of PLAN_SERVICES) {
        const { limits, reservations } = plan.services[name];
        expect(reservations.cpus).toBeLessThanOrEqual(limits.cpus);
        expect(reservations.memoryMiB).toBeLessThanOrEqual(limits.memoryMiB);
      }
    }
    const { small, standard, large } = BUILTIN_PLANS.plans;
    for (const name of PLAN_SERVICES) {
      expect(small!.services[name].limits.memoryMiB).toBeLessThanOrEqual(standard!.services[name].limits.memoryMiB);
      expect(standard!.services[name].limits.memoryMiB).toBeLessThanOrEqual(large!.services[name].limits.memoryMiB);
    }
  });
});

describe("loadPlans(file)", () => {
  it("replaces the presets with the file's plans", () => {
    const nightly = { everyHours: 24 * 7, keep: 4 };
    const path = file(JSON.stringify({ defaultPlan: "tiny", plans: { tiny: { ...validPlan, backups: nightly }, "no-label": { ...validPlan, label: undefined } } }));
    expect(loadPlans(path)).toStrictEqual({
      defaultPlan: "tiny",
      plans: {
        tiny: { name: "tiny", ...validPlan, backups: nightly },
        // Without a backups entry: daily, keep 7.
        "no-label": { name: "no-label", ...validPlan, label: "no-label", backups: { everyHours: 24, keep: 7 } },
      },
    });
  });

  it("defaults to the first plan when defaultPlan is absent", () => {
    expect(loadPlans(file(JSON.stringify({ plans: { tiny: validPlan } }))).defaultPlan).toBe("tiny");
  });

  it("reports an unreadable file and invalid JSON", () => {
    const missing = join(dir, "missing.json");
    expect(problemsOf(missing)).toHaveLength(1);
    expect(problemsOf(missing)[0]).toMatch(/^cannot read the file: ENOENT/);
    expect(problemsOf(file("{ plans: "))[0]).toMatch(/^not valid JSON: /);
    expect(problemsOf(file("[]"))).toStrictEqual(['the file must contain a JSON object with a "plans" object']);
  });

  it("lists every problem in the file, across plans", () => {
    const broken = {
      defaultPlan: "gold",
      extra: true,
      plans: {
        Tiny: validPlan,
        half: { ...validPlan, services: { ...validPlan.services, web: undefined, cron: service(0.001, 32) } },
        greedy: {
          ...validPlan,
          services: { ...validPlan.services, db: service(1, 1024, 2, 2048) },
          workers: { email: 0, hit: 1.5, failed: 1 },
          colour: "red",
        },
        reserved: { ...validPlan, services: { ...validPlan.services, worker: service(1, 512, 2, 1024) } },
        hoarder: { ...validPlan, backups: { everyHours: -1, keep: 0 } },
      },
    };
    expect(problemsOf(file(JSON.stringify(broken)))).toStrictEqual([
      'extra: unknown key (expected "plans" and "defaultPlan")',
      "plans.Tiny: a plan name must be 1-32 lowercase letters, digits or hyphens, starting with a letter",
      "plans.half.services.web: is missing",
      "plans.half.services.cron.limits.cpus: must be at least 0.01",
      "plans.half.services.cron.limits.cpus: may have at most two decimals",
      "plans.half.services.cron.limits.memoryMiB: must be at least 64 MiB",
      "plans.greedy.workers.email: must be at least 1",
      "plans.greedy.workers.hit: must be a whole number",
      'plans.greedy: Unrecognized key: "colour"',
      "plans.reserved.services.worker.reservations.cpus: must not exceed the limit (1)",
      "plans.reserved.services.worker.reservations.memoryMiB: must not exceed the limit (512)",
      "plans.hoarder.backups.everyHours: must be at least 0 (no schedule)",
      "plans.hoarder.backups.keep: must be at least 1",
      'defaultPlan: "gold" is not one of the plans (Tiny, half, greedy, reserved, hoarder)',
    ]);
  });

  it("puts every problem into the error message", () => {
    const path = file(JSON.stringify({ plans: {} }));
    try {
      loadPlans(path);
      expect.unreachable("expected a PlansFileError");
    } catch (error) {
      expect((error as Error).message).toBe(`The plans file ${path} is not valid:\n- plans: define at least one plan`);
    }
  });
});
