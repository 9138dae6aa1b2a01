/**
 * Backups of tenants: asking for one (a `Backup` row, its event and its BACKUP job in one
 * transaction), the schedule of each tenant's plan, and which old backups retention lets go.
 * The job itself (an ops stack through Portainer) is in server/provisioning/handlers/backup.ts.
 * See README.md beside this file.
 */
import { randomBytes } from "node:crypto";
import type { Config } from "../config/env";
import type { PrismaClient } from "../db/client";
import { ConflictError, NotFoundError } from "../errors";
import type { Actor, Emit, TenantEventLog, Tx } from "../events/tenant-events";
import type { Backup, Tenant } from "../generated/prisma/client";
import type { BackupTrigger, TenantStatus } from "../generated/prisma/enums";
import { assertTenantIdle, enqueueJob } from "../provisioning/job-queue";
import { DEFAULT_BACKUP_POLICY, type BackupPolicy } from "../stacks/plans";

/** A backup needs the tenant's database running: these statuses have a deployed, running stack. */
export const BACKUP_FROM: readonly TenantStatus[] = ["ACTIVE"];

const TRIGGER_WORDS: Record<BackupTrigger, string> = {
  MANUAL: "manual",
  SCHEDULE: "schedule",
  PRE_UPGRADE: "pre-upgrade",
  PRE_DELETE: "pre-delete",
};

/** `<slug>-<yyyymmdd-hhmmss>-<trigger>-<4 random>`: sortable, readable in a bucket listing, unique. */
export function backupName(slug: string, trigger: BackupTrigger, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${slug}-${stamp}-${TRIGGER_WORDS[trigger]}-${randomBytes(2).toString("hex")}`;
}

/**
 * The SUCCEEDED backups of one tenant that retention lets go now: scheduled ones beyond the
 * plan's `keep` (newest kept), pre-upgrade ones beyond `preUpgradeKeep`, and any past its own
 * `expiresAt` (pre-delete). Manual backups stay until someone removes them. Pure.
 */
export function expiredBackups(
  backups: readonly Pick<Backup, "id" | "name" | "trigger" | "status" | "createdAt" | "expiresAt">[],
  policy: { keepScheduled: number; keepPreUpgrade: number },
  now: Date,
): string[] {
  const live = backups.filter((b) => b.status === "SUCCEEDED").sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
  const out = new Set<string>();
  const beyond = (trigger: BackupTrigger, keep: number) => live.filter((b) => b.trigger === trigger).slice(keep);
  for (const b of beyond("SCHEDULE", policy.keepScheduled)) out.add(b.name);
  for (const b of beyond("PRE_UPGRADE", policy.keepPreUpgrade)) out.add(b.name);
  for (const b of live) if (b.expiresAt && b.expiresAt <= now) out.add(b.name);
  return [...out];
}

export class BackupService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: Config,
    private readonly events: TenantEventLog,
    /** Called after a job was queued (wakes the worker). */
    private readonly onJobQueued: () => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The tenant's backup policy (its plan's; the default when the plan has gone from the catalog). */
  policyOf(tenant: Pick<Tenant, "plan">): BackupPolicy {
    return this.config.stacks.plans.plans[tenant.plan]?.backups ?? DEFAULT_BACKUP_POLICY;
  }

  /** Queues a backup of an ACTIVE tenant; refused while another job of the tenant is open. */
  async request(tenantId: string, trigger: BackupTrigger, actor: Actor): Promise<Backup> {
    const backup = await this.events.transaction(async (tx, emit) => {
      const tenant = await tx.tenant.findUnique({ where: { id: tenantId } });
      if (!tenant || tenant.status === "DELETED") throw new NotFoundError("The tenant");
      return this.queue(tx, emit, tenant, trigger, actor);
    });
    this.onJobQueued();
    return backup;
  }

  /**
   * Queues a backup inside the caller's transaction (an upgrade or a delete queues its backup with
   * its own job). Does not wake the worker: the caller does after committing.
   */
  async queue(tx: Tx, emit: Emit, tenant: Tenant, trigger: BackupTrigger, actor: Actor, options: { behindRunningJob?: boolean } = {}): Promise<Backup> {
    if (!BACKUP_FROM.includes(tenant.status)) {
      throw new ConflictError(`A ${tenant.status.toLowerCase()} tenant cannot be backed up: its database must be running (ACTIVE).`);
    }
    // An operation that queues its own backup (a delete) may wait behind the job running now.
    await assertTenantIdle(tx, tenant.id, { ignoreRunning: options.behindRunningJob });
    const now = this.now();
    const backup = await tx.backup.create({
      data: {
        tenantId: tenant.id,
        name: backupName(tenant.slug, trigger, now),
        trigger,
        mauticImage: tenant.mauticImage,
        actorType: actor.type,
        actorId: actor.type === "SYSTEM" ? null : actor.id,
        createdAt: now,
        expiresAt: trigger === "PRE_DELETE" ? new Date(now.getTime() + this.config.backups.preDeleteKeepMs) : null,
      },
    });
    await enqueueJob(tx, { type: "BACKUP", tenantId: tenant.id, payload: { backupId: backup.id }, actor, maxAttempts: 3 });
    await emit({
      tenantId: tenant.id,
      type: "backup.requested",
      message: `Backup ${backup.name} requested (${TRIGGER_WORDS[trigger]}).`,
      data: { backupId: backup.id, trigger },
      actor,
    });
    return backup;
  }

  /**
   * Queues the scheduled backups that are due: every ACTIVE tenant whose plan has a schedule and
   * whose last scheduled backup (queued, running or done) is older than the plan's interval, and
   * which has no job open. Returns how many were queued.
   */
  async runSchedule(): Promise<number> {
    const now = this.now();
    const tenants = await this.prisma.tenant.findMany({
      where: { status: { in: [...BACKUP_FROM] }, jobs: { none: { status: { in: ["QUEUED", "RUNNING"] } } } },
      select: { id: true, plan: true, createdAt: true, backups: { where: { trigger: "SCHEDULE", status: { not: "FAILED" } }, orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true } } },
    });
    let queued = 0;
    for (const tenant of tenants) {
      const { everyHours } = this.policyOf(tenant);
      if (everyHours === 0) continue;
      // A new tenant's first scheduled backup comes one interval after it was created.
      const last = tenant.backups[0]?.createdAt ?? tenant.createdAt;
      if (now.getTime() - last.getTime() < everyHours * 3_600_000) continue;
      try {
        await this.events.transaction(async (tx, emit) => {
          const current = await tx.tenant.findUnique({ where: { id: tenant.id } });
          if (current) await this.queue(tx, emit, current, "SCHEDULE", { type: "SYSTEM" });
        });
        queued++;
      } catch (error) {
        // Busy or no longer ACTIVE since the query: the next pass tries again.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    if (queued > 0) this.onJobQueued();
    return queued;
  }

  /**
   * Queues a PURGE job for every deleted tenant with backups past their keep time (and no job
   * open): a deleted tenant has no backup job left to apply retention. Returns how many were queued.
   */
  async purgeExpired(): Promise<number> {
    const now = this.now();
    const due = await this.prisma.backup.findMany({
      where: { status: "SUCCEEDED", expiresAt: { lte: now }, tenant: { status: "DELETED", jobs: { none: { status: { in: ["QUEUED", "RUNNING"] } } } } },
      select: { tenantId: true, name: true },
      orderBy: { createdAt: "asc" },
    });
    const byTenant = new Map<string, string[]>();
    for (const b of due) byTenant.set(b.tenantId, [...(byTenant.get(b.tenantId) ?? []), b.name]);
    for (const [tenantId, names] of byTenant) {
      await this.prisma.$transaction((tx) => enqueueJob(tx, { type: "PURGE", tenantId, payload: { names }, actor: { type: "SYSTEM" }, maxAttempts: 3 }));
    }
    if (byTenant.size > 0) this.onJobQueued();
    return byTenant.size;
  }

  /**
   * What a backup job of `incoming` kind should delete once its own archive is safe (names): the
   * new backup counts towards its kind's quota. The script deletes only after the new archive is
   * complete (and uploaded), so a failed backup never costs an old one.
   */
  async expiredFor(tenant: Pick<Tenant, "id" | "plan">, incoming: BackupTrigger): Promise<string[]> {
    const backups = await this.prisma.backup.findMany({
      where: { tenantId: tenant.id, status: "SUCCEEDED" },
      select: { id: true, name: true, trigger: true, status: true, createdAt: true, expiresAt: true },
    });
    const quota = (trigger: BackupTrigger, keep: number) => (incoming === trigger ? keep - 1 : keep);
    return expiredBackups(
      backups,
      { keepScheduled: quota("SCHEDULE", this.policyOf(tenant).keep), keepPreUpgrade: quota("PRE_UPGRADE", this.config.backups.preUpgradeKeep) },
      this.now(),
    );
  }
}
