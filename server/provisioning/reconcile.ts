/**
 * The reconcile loop: the panel is the source of truth for what should exist; Portainer says
 * what does. Each cycle makes three list calls for the endpoint (stacks, and the services and
 * tasks carrying the panel's label), never one per tenant, then for every tenant derives its
 * health, records changes and drift as events, and makes sure no tenant stays in a transient
 * status without a job to move it on.
 */
import type { Tenant } from "../generated/prisma/client";
import { PANEL_FILTER } from "../portainer/client";
import type { SwarmService, SwarmTask } from "../portainer/domain";
import { opsStackNameFor, stackNameFor } from "../stacks/names";
import { enqueueJob } from "./job-queue";
import type { ProvisioningDeps } from "./deps";
import { messageOf } from "./failures";
import { describeProblems, tenantHealth, type OverallHealth, type TenantHealth } from "./health";

export interface ReconcileReport {
  at: Date;
  tenantsChecked: number;
  healthChanges: number;
  drift: string[];
  /** Stacks with the panel's label that belong to no live tenant. */
  orphanStacks: string[];
  /** Tenants found in a transient status without a job, given one. */
  recovered: number;
  /** Scheduled backups that came due and were queued (the plans' schedules run with this loop). */
  backupsQueued: number;
  /** Deleted tenants whose expired backups are being removed. */
  purgesQueued: number;
  error: string | null;
}

const LEVEL: Record<OverallHealth, "INFO" | "WARN" | "ERROR"> = {
  healthy: "INFO",
  starting: "INFO",
  stopped: "INFO",
  degraded: "WARN",
  down: "ERROR",
};

interface StoredHealth extends TenantHealth {
  problems?: string[];
  drift?: string | null;
}

export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<ReconcileReport> | null = null;
  /** The last cycle's outcome, for the status page. */
  lastReport: ReconcileReport | null = null;

  constructor(
    private readonly deps: ProvisioningDeps,
    private readonly onJobQueued: () => void,
  ) {}

  start(): void {
    const interval = this.deps.config.provisioning.reconcileIntervalMs;
    if (interval <= 0 || this.timer) return;
    const loop = () => {
      this.timer = setTimeout(async () => {
        await this.runOnce();
        if (this.timer) loop();
      }, interval);
      this.timer.unref();
    };
    void this.runOnce().then(loop);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One cycle (a cycle already running is joined, not doubled). */
  runOnce(): Promise<ReconcileReport> {
    this.running ??= this.cycle().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async cycle(): Promise<ReconcileReport> {
    const { prisma, portainer, logger } = this.deps;
    const report: ReconcileReport = { at: new Date(), tenantsChecked: 0, healthChanges: 0, drift: [], orphanStacks: [], recovered: 0, backupsQueued: 0, purgesQueued: 0, error: null };
    try {
      report.recovered = await this.recoverStranded();
      report.backupsQueued = await this.deps.backups.runSchedule();
      report.purgesQueued = await this.deps.backups.purgeExpired();
      await this.deps.fleet.advanceRunning();
      const [stacks, services, tasks] = await Promise.all([
        portainer.listStacks(),
        portainer.listServices(PANEL_FILTER),
        portainer.listTasks(PANEL_FILTER),
      ]);
      const stackNames = new Set(stacks.map((s) => s.name));
      const servicesByStack = groupBy(services, (s) => s.stack ?? "");
      const serviceStack = new Map(services.map((s) => [s.id, s.stack ?? ""]));
      const tasksByStack = groupBy(tasks, (t) => serviceStack.get(t.serviceId) ?? "");

      const tenants = await prisma.tenant.findMany({ where: { status: { in: ["ACTIVE", "SUSPENDED", "ERROR", "MAINTENANCE"] }, stackName: { not: null } } });
      const known = new Set(tenants.map((t) => t.stackName!));
      // Every live tenant owns the stack named after its slug, even before it records the name: a
      // panel stopped between Portainer creating the stack and the tenant saving it leaves such a
      // stack, which the tenant's DEPLOYING adopts. Its ops stack (a backup or restore) is its own too.
      const live = await prisma.tenant.findMany({ where: { status: { notIn: ["DELETED"] } }, select: { stackName: true, slug: true } });
      for (const t of live) {
        if (t.stackName) known.add(t.stackName);
        known.add(stackNameFor(t.slug)).add(opsStackNameFor(t.slug));
      }
      for (const stack of servicesByStack.keys()) if (stack && !known.has(stack)) report.orphanStacks.push(stack);
      if (report.orphanStacks.length > 0) logger.warn({ stacks: report.orphanStacks }, "stacks with the panel's label belong to no tenant");

      // A tenant with a job under way is between states (e.g. SUSPENDED while its resume starts
      // the services): what Swarm shows is the job's doing, not drift.
      const busy = new Set(
        (await prisma.job.findMany({ where: { status: { in: ["QUEUED", "RUNNING"] } }, select: { tenantId: true } })).map((j) => j.tenantId),
      );
      for (const tenant of tenants) {
        report.tenantsChecked++;
        const stack = tenant.stackName!;
        const changed = await this.check(tenant, stackNames.has(stack), servicesByStack.get(stack) ?? [], tasksByStack.get(stack) ?? [], report, busy.has(tenant.id));
        if (changed) report.healthChanges++;
      }
    } catch (error) {
      report.error = messageOf(error);
      logger.warn({ err: error }, "reconcile cycle failed");
    }
    this.lastReport = report;
    return report;
  }

  /** Compares one tenant with what Swarm reports; records an event when its health or drift changes. */
  private async check(tenant: Tenant, stackExists: boolean, services: SwarmService[], tasks: SwarmTask[], report: ReconcileReport, busy: boolean): Promise<boolean> {
    const stack = tenant.stackName!;
    const health = tenantHealth(stack, services, tasks);
    let drift: string | null = null;
    if (!busy && tenant.status === "ACTIVE" && !stackExists) drift = `The stack ${stack} is missing in Portainer although the tenant is ACTIVE.`;
    if (!busy && tenant.status === "SUSPENDED" && services.length > 0) drift = `The tenant is SUSPENDED but ${services.length} of its services exist in Swarm.`;
    if (drift) report.drift.push(`${tenant.slug}: ${drift}`);

    const previous = tenant.health ? (JSON.parse(tenant.health) as StoredHealth) : null;
    const problems = tenant.status === "SUSPENDED" ? [] : describeProblems(health);
    const stored: StoredHealth = { ...health, problems, drift };
    const same = previous && previous.overall === health.overall && sameList(previous.problems ?? [], problems) && (previous.drift ?? null) === drift;
    if (same) {
      await this.deps.prisma.tenant.update({ where: { id: tenant.id }, data: { healthCheckedAt: new Date() } });
      return false;
    }
    await this.deps.events.transaction(async (tx, emit) => {
      await tx.tenant.update({ where: { id: tenant.id }, data: { health: JSON.stringify(stored), healthCheckedAt: new Date() } });
      if (drift !== (previous?.drift ?? null) && drift) {
        await emit({ tenantId: tenant.id, type: "drift.detected", level: "WARN", message: drift });
      }
      if (!previous || previous.overall !== health.overall || !sameList(previous.problems ?? [], problems)) {
        await emit({
          tenantId: tenant.id,
          type: "health.changed",
          level: LEVEL[health.overall],
          message: problems.length > 0 ? `Health: ${health.overall}. ${problems.join("; ")}.` : `Health: ${health.overall}.`,
          data: { overall: health.overall, previous: previous?.overall ?? null, services: health.services },
        });
      }
    });
    this.deps.bus.publish("tenant:changed", { tenantId: tenant.id, status: tenant.status, phase: tenant.phase });
    return true;
  }

  /**
   * Tenants left PENDING, PROVISIONING or DELETING with no job (a job row can be lost only to
   * manual database edits, but nothing may stay transient forever) get one that resumes them.
   */
  private async recoverStranded(): Promise<number> {
    const { prisma, events } = this.deps;
    const stranded = await prisma.tenant.findMany({
      where: { status: { in: ["PENDING", "PROVISIONING", "DELETING"] }, jobs: { none: { status: { in: ["QUEUED", "RUNNING"] } } } },
    });
    for (const tenant of stranded) {
      await events.transaction(async (tx, emit) => {
        const deleting = tenant.status === "DELETING";
        const lastDelete = deleting ? await tx.job.findFirst({ where: { tenantId: tenant.id, type: "DELETE" }, orderBy: { createdAt: "desc" } }) : null;
        const payload = deleting ? { deleteData: Boolean(lastDelete && (JSON.parse(lastDelete.payload) as { deleteData?: boolean }).deleteData) } : { phase: tenant.phase ?? "PREFLIGHT", retried: true };
        await enqueueJob(tx, { type: deleting ? "DELETE" : "PROVISION", tenantId: tenant.id, payload, actor: { type: "SYSTEM" } });
        await emit({ tenantId: tenant.id, type: "job.recovered", level: "WARN", message: `The tenant was ${tenant.status} with no job in progress; ${deleting ? "deletion" : "provisioning"} resumes.` });
      });
    }
    if (stranded.length > 0) this.onJobQueued();
    return stranded.length;
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
