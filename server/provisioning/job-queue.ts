/**
 * Durable jobs: database rows the worker claims with a lease. One job per tenant runs at a
 * time, in the order they were queued. See README.md beside this file.
 */
import type { PrismaClient } from "../db/client";
import { ConflictError } from "../errors";
import type { JobType } from "../generated/prisma/enums";
import type { Actor, Tx } from "../events/tenant-events";

export interface JobRow {
  id: string;
  type: JobType;
  tenantId: string;
  payload: string;
  attempts: number;
  maxAttempts: number;
  actorType: string;
  actorId: string | null;
  createdAt: Date;
  startedAt: Date | null;
}

/** Queues a job inside the caller's transaction (so it exists exactly when the change does). */
export async function enqueueJob(
  tx: Tx,
  job: { type: JobType; tenantId: string; payload?: Record<string, unknown>; actor: Actor; maxAttempts?: number; runAt?: Date },
): Promise<{ id: string }> {
  return tx.job.create({
    data: {
      type: job.type,
      tenantId: job.tenantId,
      payload: JSON.stringify(job.payload ?? {}),
      maxAttempts: job.maxAttempts ?? 5,
      runAt: job.runAt ?? new Date(),
      actorType: job.actor.type,
      actorId: job.actor.type === "SYSTEM" ? null : job.actor.id,
    },
    select: { id: true },
  });
}

/**
 * Refuses (ConflictError) while the tenant has a job open: one operation per tenant at a time.
 * `ignoreRunning` lets a caller queue behind the job running now (a delete's final backup).
 */
export async function assertTenantIdle(tx: Tx, tenantId: string, options: { ignoreRunning?: boolean; hint?: string } = {}): Promise<void> {
  const open = await tx.job.findFirst({
    where: { tenantId, status: { in: options.ignoreRunning ? ["QUEUED"] : ["QUEUED", "RUNNING"] } },
    select: { type: true },
  });
  if (open) throw new ConflictError(`This tenant is busy: a ${open.type.toLowerCase()} job is in progress.${options.hint ? ` ${options.hint}` : ""}`);
}

/** Cancels a tenant's queued jobs (a newer decision, such as delete, supersedes them). */
export async function cancelQueuedJobs(tx: Tx, tenantId: string, reason: string): Promise<number> {
  const { count } = await tx.job.updateMany({
    where: { tenantId, status: "QUEUED" },
    data: { status: "CANCELLED", finishedAt: new Date(), lastError: reason },
  });
  return count;
}

const JOB_FIELDS = {
  id: true,
  type: true,
  tenantId: true,
  payload: true,
  attempts: true,
  maxAttempts: true,
  actorType: true,
  actorId: true,
  createdAt: true,
  startedAt: true,
} as const;

export class JobQueue {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly owner: string,
  ) {}

  /**
   * Returns every RUNNING job held by another owner to the queue. A new process calls this at
   * start: the panel runs one process (ADR 003), so any other owner is a dead predecessor,
   * and waiting for its leases to expire would only delay recovery.
   */
  async reclaimForeignLeases(): Promise<number> {
    const { count } = await this.prisma.job.updateMany({
      where: { status: "RUNNING", NOT: { leaseOwner: this.owner } },
      data: { status: "QUEUED", leaseOwner: null, leaseExpiresAt: null, runAt: new Date() },
    });
    return count;
  }

  /** Returns jobs of this owner whose lease expired (a handler that hung) to the queue. */
  async reclaimExpiredLeases(now: Date): Promise<number> {
    const { count } = await this.prisma.job.updateMany({
      where: { status: "RUNNING", leaseExpiresAt: { lt: now } },
      data: { status: "QUEUED", leaseOwner: null, leaseExpiresAt: null },
    });
    return count;
  }

  /**
   * Claims up to `limit` due jobs, at most one per tenant and never for a tenant in `busy`;
   * each tenant's jobs run in queue order (a later job waits behind an earlier one).
   */
  async claim(limit: number, busy: ReadonlySet<string>, now: Date, leaseMs: number): Promise<JobRow[]> {
    if (limit <= 0) return [];
    // Only due jobs are read (not every open one): the claim runs after each job run, so its
    // cost must not grow with the size of the queue.
    const due = await this.prisma.job.findMany({
      where: { status: "QUEUED", runAt: { lte: now }, ...(busy.size > 0 ? { tenantId: { notIn: [...busy] } } : {}) },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: Math.max(limit * 4, 16),
      select: JOB_FIELDS,
    });
    if (due.length === 0) return [];
    // A tenant's jobs run in queue order: skip a job while an older one of its tenant is open.
    const tenantIds = [...new Set(due.map((j) => j.tenantId))];
    const older = await this.prisma.job.findMany({
      where: { tenantId: { in: tenantIds }, status: { in: ["QUEUED", "RUNNING"] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, tenantId: true },
    });
    const firstOpen = new Map<string, string>();
    for (const job of older) if (!firstOpen.has(job.tenantId)) firstOpen.set(job.tenantId, job.id);
    const claimed: JobRow[] = [];
    const taken = new Set<string>();
    for (const job of due) {
      if (claimed.length >= limit) break;
      if (taken.has(job.tenantId) || firstOpen.get(job.tenantId) !== job.id) continue;
      taken.add(job.tenantId);
      const { count } = await this.prisma.job.updateMany({
        where: { id: job.id, status: "QUEUED" },
        data: { status: "RUNNING", leaseOwner: this.owner, leaseExpiresAt: new Date(now.getTime() + leaseMs), startedAt: job.startedAt ?? now },
      });
      if (count === 1) claimed.push(job);
    }
    return claimed;
  }

  async renewLease(id: string, until: Date): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({
      where: { id, status: "RUNNING", leaseOwner: this.owner },
      data: { leaseExpiresAt: until },
    });
    return count === 1;
  }

  /**
   * Ends a run. Guarded by the lease: if the job was cancelled or reclaimed meanwhile, the
   * update finds nothing and the run's outcome is dropped (false).
   */
  async finish(
    tx: Tx | PrismaClient,
    id: string,
    outcome:
      | { status: "SUCCEEDED" | "FAILED" | "CANCELLED"; error?: string; payload?: string }
      | { status: "QUEUED"; runAt: Date; attempts?: number; error?: string; payload?: string },
  ): Promise<boolean> {
    const terminal = outcome.status !== "QUEUED";
    const { count } = await tx.job.updateMany({
      where: { id, status: "RUNNING", leaseOwner: this.owner },
      data: {
        status: outcome.status,
        leaseOwner: null,
        leaseExpiresAt: null,
        ...(outcome.payload !== undefined ? { payload: outcome.payload } : {}),
        ...(outcome.error !== undefined ? { lastError: outcome.error } : {}),
        ...(terminal ? { finishedAt: new Date() } : { runAt: outcome.runAt }),
        ...(!terminal && outcome.attempts !== undefined ? { attempts: outcome.attempts } : {}),
      },
    });
    return count === 1;
  }
}
