/**
 * The provisioning fault campaign as tests: every fault kind × every provisioning phase (72 cells,
 * each a panel of its own against its own emulator; see test/fault-campaign.ts), then the checker
 * itself on histories and stacks it must reject. bench/fault-campaign.ts prints the same matrix.
 */
import { afterAll, describe, expect, it, type ExpectStatic } from "vitest";
import { SYSTEM } from "../server/events/tenant-events";
import { PHASES } from "../server/provisioning/handlers/provision";
import { startTestApp } from "./app";
import {
  CAMPAIGN_FAULTS,
  checkConvergence,
  eventProblems,
  formatTable,
  reportProblems,
  runCell,
  TRANSIENT_FAULTS,
  verdictOf,
  type CampaignFault,
  type CellResult,
  type TenantVerdict,
} from "./fault-campaign";
import { until } from "./wait";

/**
 * What the ERROR of a tenant under each persistent fault must say: the phase waiting for a service
 * missed its deadline, in Swarm's words (which service depends on how far the tenant had got).
 */
const waitedFor = (service: string, words: string) =>
  new RegExp(`^(DATABASE|INSTALLING|VERIFYING): \\1 did not finish within 3 s: ${service} ${words}`);
const PERSISTENT_CAUSES: Partial<Record<CampaignFault, RegExp>> = {
  "image-failure": waitedFor("(db|mautic_install|mautic_web)", "image-failure: No such image: "),
  "crash-loop": waitedFor("mautic_web", "crash-looping: task: non-zero exit \\(1\\)"),
  unschedulable: waitedFor("(db|mautic_install|mautic_web)", "unschedulable: no suitable node"),
};

/** Faults on every route: every cell's last tenant (created during the fault, so it calls Portainer at PREFLIGHT) runs into them. */
const BITES_AT_PREFLIGHT: ReadonlySet<CampaignFault> = new Set(["down", "slow", "http-500"]);

/**
 * Why a tenant may end in ERROR although the fault was transient: under `http-500`, a 500 on a
 * deploy route (create, update) is read as the deploy's own failure (Portainer 2.20–2.39 answer a
 * failed `docker stack deploy` that way): ERROR at once, by design. Anything else (a transient
 * error taken for a permanent one, or retries given up before the phase's deadline) fails the cell.
 */
function errorExplained(fault: CampaignFault, tenant: TenantVerdict): boolean {
  return fault === "http-500" && /^(DEPLOYING|ROUTING): Deploying stack \d+ failed: Internal server error\./.test(tenant.cause ?? "");
}

/** Every cell's invariants: the fault was injected; every tenant ACTIVE or ERROR with a cause; one stack each; events in order. */
function expectConverged(expect: ExpectStatic, result: CellResult): void {
  expect(result.injected).toBe(true);
  expect(reportProblems(result.report)).toEqual([]);
  expect(result.verdict).toBe("converged");
  expect(result.report.tenants).toHaveLength(3);
  for (const tenant of result.report.tenants) expect(tenant.stacks).toBe(tenant.status === "ACTIVE" ? 1 : Math.min(tenant.stacks, 1));
}

const results: CellResult[] = [];

describe.concurrent("provisioning fault campaign: each fault injected when a phase starts", () => {
  afterAll(() => {
    if (results.length > 0) console.log(`fault campaign\n${formatTable(results, CAMPAIGN_FAULTS, PHASES)}`);
  });

  for (const fault of CAMPAIGN_FAULTS) {
    for (const phase of PHASES) {
      it(`${fault} at ${phase}: every tenant converges, one stack each, events in order`, { timeout: 60_000 }, async ({ expect }) => {
        const result = await runCell(fault, phase);
        results.push(result);
        expectConverged(expect, result);
        if (BITES_AT_PREFLIGHT.has(fault)) expect(result.hits).toBeGreaterThan(0);
        const errors = result.report.tenants.filter((t) => t.status !== "ACTIVE");
        if (TRANSIENT_FAULTS.has(fault)) {
          expect(errors.filter((t) => !errorExplained(fault, t)).map((t) => `${t.slug}: ${t.cause}`)).toEqual([]);
        } else {
          // The tenant created while the fault is on always runs into it.
          expect(result.report.tenants.at(-1)!.status).toBe("ERROR");
          for (const tenant of errors) expect(tenant.cause).toMatch(PERSISTENT_CAUSES[fault]!);
        }
      });
    }
  }
});

/**
 * The same transient faults counted from their first bite (so each really bites), at the phases
 * that write to Portainer: every tenant ends ACTIVE.
 */
const SHORT_WINDOW_MS = 250;

describe.concurrent(`transient faults of ${SHORT_WINDOW_MS} ms from their first bite, at the phases that write`, () => {
  const transient = CAMPAIGN_FAULTS.filter((f) => TRANSIENT_FAULTS.has(f));
  for (const fault of transient) {
    for (const phase of ["PREPARING", "DEPLOYING", "ROUTING"] as const) {
      it(`${fault} at ${phase}: every tenant ends ACTIVE`, { timeout: 60_000 }, async ({ expect }) => {
        const result = await runCell(fault, phase, { windowMs: SHORT_WINDOW_MS, windowFrom: "first-bite" });
        expectConverged(expect, result);
        expect(result.hits).toBeGreaterThan(0);
        const errors = result.report.tenants.filter((t) => t.status !== "ACTIVE" && !errorExplained(fault, t));
        expect(errors.map((t) => `${t.slug}: ${t.cause}`)).toEqual([]);
      });
    }
  }
});

describe("retrying a tenant after a persistent fault is gone", () => {
  it("gives the phase it resumes a fresh deadline, so a phase that waits once still succeeds", async () => {
    // Tasks take 100 ms per state: the database needs a few polls to run once the fault is gone.
    const t = await startTestApp({ PROVISIONING_PHASE_TIMEOUT_SECONDS: "2", PROVISIONING_POLL_INTERVAL_MS: "50" }, { emulator: { taskDelayMs: 100 } });
    try {
      const { prisma } = t.app.services;
      const owner = await t.app.services.users.create({ email: "owner@example.com", password: "owner password 123", role: "CLIENT" });
      const fault = t.emulator.control.addFault({ kind: "unschedulable", service: "db" });
      const tenant = await t.app.services.tenants.create({ name: "again", slug: "again", domain: "again.example.com", ownerId: owner.id }, SYSTEM);
      const row = () => prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
      expect(await until(row, (x) => x.status === "ERROR", "ERROR")).toMatchObject({ phase: "DATABASE", statusReason: expect.stringMatching(/db unschedulable/) });
      t.emulator.control.removeFault(fault);
      await t.app.services.tenants.retry(tenant.id, SYSTEM);
      expect(await until(row, (x) => x.status === "ACTIVE" || x.status === "ERROR", "settled after the retry")).toMatchObject({ status: "ACTIVE", statusReason: null });
      const report = await checkConvergence(prisma, t.emulator.control);
      expect(reportProblems(report)).toEqual([]);
      const starts = await prisma.tenantEvent.count({ where: { tenantId: tenant.id, type: "phase.started", phase: "DATABASE" } });
      expect(starts).toBe(2);
    } finally {
      await t.close();
    }
  });
});

describe("the convergence checker", () => {
  const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i));
  const history = (steps: Array<[type: string, phase?: string, level?: string, message?: string]>) =>
    steps.map(([type, phase, level, message], i) => ({ id: i + 1, createdAt: at(i), type, phase: phase ?? null, level: level ?? "INFO", message: message ?? type }));
  const walk = (phases: readonly string[]) => phases.flatMap((p): Array<[string, string]> => [["phase.started", p], ["phase.completed", p]]);
  const active = { status: "ACTIVE", phase: null, statusReason: null };

  it("accepts a full provisioning, and a phase started again after a retry", () => {
    expect(eventProblems(active, history([["status.changed"], ...walk(PHASES), ["tenant.active"]]))).toEqual([]);
    const retried = history([
      ...walk(PHASES.slice(0, 3)),
      ["phase.started", "DEPLOYING"],
      ["phase.retrying", "DEPLOYING", "WARN"],
      ["phase.started", "DEPLOYING"],
      ["phase.completed", "DEPLOYING"],
      ...walk(PHASES.slice(4)),
      ["tenant.active"],
    ]);
    expect(eventProblems(active, retried)).toEqual([]);
  });

  it("rejects a skipped phase, a phase completed twice, a restart without a retry, a second tenant.active and lost events", () => {
    const skipped = walk(PHASES).filter(([, p]) => p !== "PREPARING");
    expect(eventProblems(active, history([...skipped, ["tenant.active"]]))).toEqual([
      "DEPLOYING started (event 5) with PREPARING not completed",
      "tenant.active (event 15) before PREPARING completed",
    ]);
    expect(eventProblems(active, history([...walk(PHASES), ["phase.completed", "VERIFYING"], ["tenant.active"]]))).toEqual(["VERIFYING completed twice (event 17)"]);
    expect(eventProblems(active, history([["phase.started", "PREFLIGHT"], ["phase.started", "PREFLIGHT"], ...walk(PHASES).slice(1), ["tenant.active"]]))).toEqual([
      "PREFLIGHT started again (event 2) with no restart or retry event since it started",
    ]);
    expect(eventProblems(active, history([...walk(PHASES), ["tenant.active"], ["tenant.active"]]))).toEqual(["tenant.active recorded again (event 18)"]);
    expect(eventProblems(active, history(walk(PHASES)))).toEqual(["ACTIVE without a tenant.active event"]);
    const failed = { status: "ERROR", phase: "DATABASE", statusReason: "DATABASE: db is down" };
    expect(eventProblems(failed, history([...walk(PHASES.slice(0, 4)), ["phase.started", "DATABASE"]]))).toEqual([
      'no ERROR event names the cause "DATABASE: db is down"',
    ]);
    expect(eventProblems(failed, history([...walk(PHASES.slice(0, 4)), ["phase.started", "DATABASE"], ["phase.failed", "DATABASE", "ERROR", "DATABASE failed: db is down"]]))).toEqual([]);
    const reordered = history([...walk(PHASES), ["tenant.active"]]);
    [reordered[3], reordered[4]] = [reordered[4]!, reordered[3]!];
    expect(eventProblems(active, reordered)).toContain("event 4 (phase.completed) comes after event 5");
  });

  it("finds a second stack, a stack and services no tenant owns, and an ACTIVE tenant without its stack", async () => {
    const t = await startTestApp();
    try {
      const owner = await t.app.services.users.create({ email: "owner@example.com", password: "owner password 123", role: "CLIENT" });
      const tenant = await t.app.services.tenants.create({ name: "solo", slug: "solo", domain: "solo.example.com", ownerId: owner.id }, SYSTEM);
      await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "ACTIVE", "ACTIVE");
      const { prisma } = t.app.services;
      const control = t.emulator.control;
      expect(verdictOf(await checkConvergence(prisma, control))).toBe("converged");

      const doubled = await checkConvergence(prisma, {
        stacks: () => [...control.stacks(), { ...control.stacks()[0], Id: 99 }, { Id: 100, Name: "mautic-ghost" }],
        services: () => [...control.services(), { Spec: { Labels: { "com.docker.stack.namespace": "mautic-outside" } } }],
      });
      expect(verdictOf(doubled)).toBe("duplicated");
      expect(doubled.orphanStacks).toEqual(["mautic-ghost"]);
      expect(doubled.orphanServices).toEqual(["mautic-outside"]);
      expect(doubled.tenants[0]!.problems[0]).toMatch(/^2 stacks named mautic-solo/);

      const gone = await checkConvergence(prisma, { stacks: () => [], services: () => [] });
      expect(verdictOf(gone)).toBe("stuck");
      expect(gone.tenants[0]!.problems).toEqual(["ACTIVE, but Portainer has no stack mautic-solo"]);

      await prisma.tenantEvent.delete({ where: { id: (await prisma.tenantEvent.findFirstOrThrow({ where: { tenantId: tenant.id, type: "phase.completed", phase: "DATABASE" } })).id } });
      const lost = await checkConvergence(prisma, control);
      expect(verdictOf(lost)).toBe("disordered");
      const problems = reportProblems(lost);
      expect(problems[0]).toMatch(/^event ids missing: \d+$/);
      expect(problems).toContainEqual(expect.stringMatching(/^solo: INSTALLING started \(event \d+\) while DATABASE was still open$/));
      expect(problems).toContainEqual(expect.stringMatching(/^solo: tenant\.active \(event \d+\) before DATABASE completed$/));
    } finally {
      await t.close();
    }
  });
});
