/**
 * The provisioning worker: claims due jobs with a lease and runs their handlers, at most one
 * job per tenant and `concurrency` jobs overall. Handlers never block a slot while waiting for
 * Swarm: they return `wait` and the job is requeued for a later look, so hundreds of tenants can
 * provision at once with a handful of slots. See README.md beside this file.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "../db/client";
import type { JobType } from "../generated/prisma/enums";
import type { Logger } from "../logger";
import { JobQueue, type JobRow } from "./job-queue";

/** How often the worker looks for jobs whose lease expired (a crashed heartbeat). */
const RECLAIM_INTERVAL_MS = 1000;
export type JobOutcome =
  | { kind: "done" }
  /** Not finished, nothing wrong: look again after `delayMs` (does not count as an attempt). */
  | { kind: "wait"; delayMs: number; payload?: Record<string, unknown> };

/** A failure retrying cannot fix (bad input, a deadline passed): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string, readonly data?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

export interface JobContext {
  job: JobRow;
  payload: Record<string, unknown>;
  signal: AbortSignal;
  now(): Date;
}

export interface JobHandler {
  run(ctx: JobContext): Promise<JobOutcome>;
  /** A transient failure will be retried after `delayMs` (attempt `attempt` of `maxAttempts`). */
  onRetry?(ctx: JobContext, error: unknown, attempt: number, delayMs: number): Promise<void>;
  /** The job failed for good; record why (e.g. move the tenant to ERROR). */
  onFailure(ctx: JobContext, error: unknown): Promise<void>;
  /** Optional: a payload to keep when a transient failure is retried (e.g. the phase reached). */
  payloadAfterError?(ctx: JobContext, error: unknown): Record<string, unknown> | undefined;
  /**
   * Optional: until when transient failures are retried even past `maxAttempts` (e.g. the current
   * phase's deadline), so an outage is judged by how long it lasts, not by how often it was tried.
   */
  retriesUntil?(ctx: JobContext): Date | null;
}

export interface WorkerOptions {
  concurrency: number;
  /** Upper bound between looks for new work (services also kick the worker when they queue). */
  pollIntervalMs: number;
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  now?: () => Date;
}

export class Worker {
  readonly owner = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly queue: JobQueue;
  private readonly running = new Map<string, { tenantId: string; abort: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private again = false;
  private stopped = true;
  private nextWake = Infinity;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly handlers: Record<JobType, JobHandler>,
    private readonly options: WorkerOptions,
    private readonly logger: Logger,
  ) {
    this.queue = new JobQueue(prisma, this.owner);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const reclaimed = await this.queue.reclaimForeignLeases();
    if (reclaimed > 0) this.logger.info({ reclaimed }, "reclaimed jobs left running by a previous process");
    this.kick();
  }

  /** Looks for work now (called after something was queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    void this.tick();
  }

  /** Stops claiming, aborts running handlers and waits for them to hand their jobs back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const run of this.running.values()) run.abort.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** Number of jobs running in this worker right now. */
  get active(): number {
    return this.running.size;
  }

  private lastReclaimAt = Number.NEGATIVE_INFINITY;

  private async tick(): Promise<void> {
    this.ticking = true;
    try {
      do {
        this.again = false;
        const now = this.now();
        // A lease lives for leaseMs after each heartbeat: checking for expired ones once a second
        // is enough, and saves a write on every tick (several per tenant while provisioning).
        if (now.getTime() - this.lastReclaimAt >= RECLAIM_INTERVAL_MS) {
          await this.queue.reclaimExpiredLeases(now);
          this.lastReclaimAt = now.getTime();
        }
        const busy = new Set([...this.running.values()].map((r) => r.tenantId));
        const free = this.options.concurrency - this.running.size;
        const jobs = await this.queue.claim(free, busy, now, this.options.leaseMs);
        for (const job of jobs) this.launch(job);
      } while (this.again && !this.stopped);
    } catch (error) {
      this.logger.error({ err: error }, "the worker could not claim jobs");
    } finally {
      this.ticking = false;
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const untilWake = this.nextWake - this.now().getTime();
    const delay = Math.max(0, Math.min(this.options.pollIntervalMs, Number.isFinite(untilWake) ? untilWake : Infinity));
    this.nextWake = Infinity;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, delay);
    this.timer.unref();
  }

  private wakeAt(at: Date): void {
    this.nextWake = Math.min(this.nextWake, at.getTime());
  }

  private launch(job: JobRow): void {
    const abort = new AbortController();
    const done = this.execute(job, abort.signal).finally(() => {
      this.running.delete(job.id);
      this.kick();
    });
    this.running.set(job.id, { tenantId: job.tenantId, abort, done });
  }

  private async execute(job: JobRow, signal: AbortSignal): Promise<void> {
    const handler = this.handlers[job.type];
    const log = this.logger.child({ jobId: job.id, jobType: job.type, tenantId: job.tenantId });
    const ctx: JobContext = { job, payload: JSON.parse(job.payload) as Record<string, unknown>, signal, now: () => this.now() };
    const heartbeat = setInterval(() => {
      void this.queue.renewLease(job.id, new Date(this.now().getTime() + this.options.leaseMs)).catch(() => undefined);
    }, Math.max(1000, this.options.leaseMs / 3));
    heartbeat.unref();
    try {
      const outcome = await handler.run(ctx);
      if (outcome.kind === "done") {
        await this.queue.finish(this.prisma, job.id, { status: "SUCCEEDED", error: undefined });
        return;
      }
      const runAt = new Date(this.now().getTime() + outcome.delayMs);
      const payload = JSON.stringify(outcome.payload ?? ctx.payload);
      if (await this.queue.finish(this.prisma, job.id, { status: "QUEUED", runAt, payload })) this.wakeAt(runAt);
    } catch (error) {
      if (signal.aborted) {
        // Stopping: hand the job back untouched, to be resumed by the next process.
        await this.queue.finish(this.prisma, job.id, { status: "QUEUED", runAt: this.now() }).catch(() => undefined);
        return;
      }
      await this.fail(handler, ctx, error, log);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async fail(handler: JobHandler, ctx: JobContext, error: unknown, log: Logger): Promise<void> {
    const { job } = ctx;
    const attempt = job.attempts + 1;
    const message = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof PermanentJobError;
    const until = handler.retriesUntil?.(ctx);
    const exhausted = attempt >= job.maxAttempts && !(until && until.getTime() > this.now().getTime());
    if (permanent || exhausted) {
      log.warn({ err: error, attempt }, "job failed");
      try {
        await handler.onFailure(ctx, error);
      } finally {
        await this.queue.finish(this.prisma, job.id, { status: "FAILED", error: message });
      }
      return;
    }
    const delayMs = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1));
    log.info({ err: error, attempt, delayMs }, "job will be retried");
    await handler.onRetry?.(ctx, error, attempt, delayMs);
    const runAt = new Date(this.now().getTime() + delayMs);
    const payload = handler.payloadAfterError?.(ctx, error);
    const requeued = await this.queue.finish(this.prisma, job.id, {
      status: "QUEUED",
      runAt,
      attempts: attempt,
      error: message,
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });
    if (requeued) this.wakeAt(runAt);
  }
}
