import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/db";
import { createPrisma, type PrismaClient } from "../db/client";
import type { JobType } from "../generated/prisma/enums";
import { SYSTEM } from "../events/tenant-events";
import { enqueueJob } from "./job-queue";
import { PermanentJobError, Worker, type JobContext, type JobHandler, type JobOutcome } from "./worker";

const silent = pino({ level: "silent" });
const OPTIONS = { concurrency: 2, pollIntervalMs: 20, leaseMs: 60_000, retryBaseMs: 10, retryMaxMs: 40 };

async function tenant(prisma: PrismaClient): Promise<string> {
  const owner = await prisma.user.upsert({ where: { email: "o@x.io" }, update: {}, create: { email: "o@x.io", role: "CLIENT" } });
  const id = randomUUID();
  await prisma.tenant.create({
    data: {
      id, name: id, slug: id.slice(0, 20), domain: `${id}.example.com`, ownerId: owner.id, mauticImage: "m:1", plan: "small",
      mysqlDatabase: "m", mysqlUser: "m", mysqlPasswordEnc: "x", mysqlRootPasswordEnc: "x", mauticAdminUser: "a", mauticAdminPasswordEnc: "x",
    },
  });
  return id;
}

async function queue(prisma: PrismaClient, tenantId: string, type: JobType = "PROVISION", payload: Record<string, unknown> = {}, maxAttempts = 5) {
  return prisma.$transaction((tx) => enqueueJob(tx, { type, tenantId, payload, actor: SYSTEM, maxAttempts }));
}

function handlerSet(handler: JobHandler): Record<JobType, JobHandler> {
  return { PROVISION: handler, SUSPEND: handler, RESUME: handler, REDEPLOY: handler, DELETE: handler, BACKUP: handler, RESTORE: handler, UPGRADE: handler, PURGE: handler };
}

async function until(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("the provisioning worker", () => {
  let prisma: PrismaClient;
  let workers: Worker[] = [];
  beforeEach(async () => {
    prisma = await createPrisma(createTestDatabase());
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
    await prisma.$disconnect();
  });
  const start = async (handler: JobHandler, options = OPTIONS) => {
    const worker = new Worker(prisma, handlerSet(handler), options, silent);
    workers.push(worker);
    await worker.start();
    return worker;
  };
  const statuses = async () => (await prisma.job.findMany({ orderBy: { createdAt: "asc" } })).map((j) => j.status);

  it("runs one job per tenant at a time, in queue order, and at most `concurrency` overall", async () => {
    const a = await tenant(prisma);
    const b = await tenant(prisma);
    const c = await tenant(prisma);
    for (const t of [a, a, b, c]) await queue(prisma, t);
    const log: string[] = [];
    let active = 0;
    let peak = 0;
    const perTenant = new Map<string, number>();
    await start({
      async run(ctx) {
        active++;
        peak = Math.max(peak, active);
        perTenant.set(ctx.job.tenantId, (perTenant.get(ctx.job.tenantId) ?? 0) + 1);
        expect(perTenant.get(ctx.job.tenantId)).toBe(1);
        log.push(`${ctx.job.tenantId === a ? "a" : ctx.job.tenantId === b ? "b" : "c"}:${ctx.job.id}`);
        await new Promise((r) => setTimeout(r, 30));
        perTenant.set(ctx.job.tenantId, perTenant.get(ctx.job.tenantId)! - 1);
        active--;
        return { kind: "done" };
      },
      async onFailure() {},
    });
    await until(async () => (await statuses()).every((s) => s === "SUCCEEDED"), "all jobs");
    expect(peak).toBe(2);
    const aJobs = (await prisma.job.findMany({ where: { tenantId: a }, orderBy: { createdAt: "asc" } })).map((j) => `a:${j.id}`);
    expect(log.filter((l) => l.startsWith("a:"))).toEqual(aJobs);
  });

  it("requeues a waiting job without counting an attempt and keeps its progress", async () => {
    const t = await tenant(prisma);
    await queue(prisma, t, "PROVISION", { step: 0 });
    const seen: number[] = [];
    await start({
      async run(ctx): Promise<JobOutcome> {
        const step = ctx.payload.step as number;
        seen.push(step);
        return step < 3 ? { kind: "wait", delayMs: 5, payload: { step: step + 1 } } : { kind: "done" };
      },
      async onFailure() {},
    });
    await until(async () => (await statuses())[0] === "SUCCEEDED", "the job");
    expect(seen).toEqual([0, 1, 2, 3]);
    const job = await prisma.job.findFirstOrThrow();
    expect(job.attempts).toBe(0);
    expect(JSON.parse(job.payload)).toEqual({ step: 3 });
  });

  it("retries transient errors with backoff, then fails and reports once attempts run out", async () => {
    const t = await tenant(prisma);
    await queue(prisma, t, "PROVISION", {}, 3);
    const retries: [number, number][] = [];
    const failures: string[] = [];
    await start({
      async run() {
        throw new Error("Portainer is unreachable");
      },
      async onRetry(_ctx: JobContext, _error: unknown, attempt: number, delayMs: number) {
        retries.push([attempt, delayMs]);
      },
      async onFailure(_ctx: JobContext, error: unknown) {
        failures.push((error as Error).message);
      },
    });
    await until(async () => (await statuses())[0] === "FAILED", "the failure");
    expect(retries).toEqual([[1, 10], [2, 20]]);
    expect(failures).toEqual(["Portainer is unreachable"]);
    const job = await prisma.job.findFirstOrThrow();
    expect(job).toMatchObject({ attempts: 2, lastError: "Portainer is unreachable", leaseOwner: null });
  });

  it("fails at once on a permanent error", async () => {
    const t = await tenant(prisma);
    await queue(prisma, t);
    let calls = 0;
    await start({
      async run() {
        calls++;
        throw new PermanentJobError("the network traefik-public does not exist");
      },
      async onFailure() {},
    });
    await until(async () => (await statuses())[0] === "FAILED", "the failure");
    expect(calls).toBe(1);
  });

  it("takes over jobs a dead process left running at once, and hands running jobs back on stop", async () => {
    const t = await tenant(prisma);
    const { id } = await queue(prisma, t);
    await prisma.job.update({ where: { id }, data: { status: "RUNNING", leaseOwner: "worker-dead", leaseExpiresAt: new Date(Date.now() + 3_600_000) } });
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    const worker = await start({
      async run(ctx) {
        started.push(ctx.job.id);
        await new Promise<void>((resolve, reject) => {
          ctx.signal.addEventListener("abort", () => reject(new Error("aborted")));
          void blocked.then(resolve);
        });
        return { kind: "done" };
      },
      async onFailure() {
        throw new Error("must not fail");
      },
    });
    await until(async () => started.length === 1, "the reclaimed job to start");
    expect(started).toEqual([id]);
    await worker.stop();
    release();
    const job = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: "QUEUED", leaseOwner: null, attempts: 0 });
  });
});
