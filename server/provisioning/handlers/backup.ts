/**
 * The BACKUP job: runs files/backup-tenant.sh as the one-shot service of the tenant's ops stack
 * (server/stacks/build-ops-stack.ts), waits for it, reads its result line from the service log,
 * records the backup, lets retention's victims go, and removes the ops stack. The tenant keeps
 * serving throughout (`mysqldump --single-transaction`), and its status never changes: a failed
 * backup is an ERROR event and a FAILED backup, not a broken tenant.
 */
import { z } from "zod";
import type { Backup, Tenant } from "../../generated/prisma/client";
import { formatBytes } from "../../format";
import { isPortainerError } from "../../portainer/errors";
import { backupVolumeNameFor, opsStackNameFor, PANEL_LABELS } from "../../stacks/names";
import { redact, tenantSecretNeedles } from "../../tenants/tenant-logs";
import type { ProvisioningDeps } from "../deps";
import { messageOf, withClassifiedErrors } from "../failures";
import { PermanentJobError, type JobContext, type JobHandler, type JobOutcome } from "../worker";
import { opsRunner } from "./ops";
import { loadTenant, retryRecorder } from "./shared";

interface BackupPayload {
  backupId?: string;
  /** Set once the ops stack was created. */
  stackId?: number;
  startedAt?: string;
  /** Backups the job was told to delete (marked EXPIRED when it succeeds). */
  expire?: string[];
}

const RESULT = z.object({
  name: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  location: z.string().min(1).max(1000),
});

export function backupHandler(deps: ProvisioningDeps): JobHandler {
  const { prisma, config } = deps;
  const ops = opsRunner(deps);
  return {
    onRetry: retryRecorder(deps, "The backup"),
    async onFailure(ctx, error) {
      const backup = await prisma.backup.findUnique({ where: { id: String(ctx.payload["backupId"] ?? "") } });
      if (!backup || !["QUEUED", "RUNNING"].includes(backup.status)) return;
      const tenant = await prisma.tenant.findUnique({ where: { id: backup.tenantId } });
      const message = tenant ? redact(messageOf(error), tenantSecretNeedles(tenant, deps.secrets)) : messageOf(error);
      await deps.events.transaction(async (tx, emit) => {
        await tx.backup.update({ where: { id: backup.id }, data: { status: "FAILED", error: message.slice(0, 2000), finishedAt: ctx.now() } });
        await emit({ tenantId: backup.tenantId, type: "backup.failed", level: "ERROR", message: `Backup ${backup.name} failed: ${message}`, data: { backupId: backup.id } });
      });
      if (tenant) await ops.remove(tenant).catch((cleanup) => deps.logger.warn({ err: cleanup, tenantId: tenant.id }, "could not remove the ops stack after a failed backup"));
    },
    async run(ctx: JobContext): Promise<JobOutcome> {
      const payload = ctx.payload as BackupPayload;
      const backup = await prisma.backup.findUnique({ where: { id: payload.backupId ?? "" } });
      if (!backup) throw new PermanentJobError("The backup record no longer exists.");
      if (!["QUEUED", "RUNNING"].includes(backup.status)) return { kind: "done" };
      const tenant = await loadTenant(prisma, ctx.job.tenantId);
      return withClassifiedErrors(() => (payload.stackId === undefined ? start(ctx, tenant, backup, payload) : watch(ctx, tenant, backup, payload)));
    },
  };

  async function start(ctx: JobContext, tenant: Tenant, backup: Backup, payload: BackupPayload): Promise<JobOutcome> {
    // A delete's final backup runs while the tenant is already DELETING (its stack still up).
    const runnable = tenant.status === "ACTIVE" || (tenant.status === "DELETING" && backup.trigger === "PRE_DELETE");
    if (!tenant.stackName || !runnable) {
      throw new PermanentJobError(`The tenant is ${tenant.status.toLowerCase()}: a backup needs its database running.`);
    }
    const expire = await deps.backups.expiredFor(tenant, backup.trigger);
    const stackId = await ops.deploy(tenant, { kind: "backup", backupName: backup.name, expire });
    const startedAt = ctx.now();
    await deps.events.transaction(async (tx, emit) => {
      await tx.backup.update({ where: { id: backup.id }, data: { status: "RUNNING", startedAt } });
      await emit({
        tenantId: tenant.id,
        type: "backup.started",
        // Clients read these events too: the node and the bucket stay in `data`, for admins and the API.
        message: `Backing up the database and the config and media volumes${config.backups.s3 ? ", then copying the archive off-site" : ""}.`,
        data: { backupId: backup.id, stack: opsStackNameFor(tenant.slug), node: tenant.nodeHostname, bucket: config.backups.s3?.bucket ?? null },
      });
    });
    return { kind: "wait", delayMs: config.provisioning.pollIntervalMs, payload: { ...payload, stackId, startedAt: startedAt.toISOString(), expire } };
  }

  async function watch(ctx: JobContext, tenant: Tenant, backup: Backup, payload: BackupPayload): Promise<JobOutcome> {
    const outcome = await ops.outcome(tenant);
    // The stack is gone (removed by hand, or a run lost in a crash): start the job again.
    if (outcome.state === "missing") return start(ctx, tenant, backup, { ...payload, stackId: undefined });
    if (outcome.state === "running") {
      const waited = ctx.now().getTime() - Date.parse(payload.startedAt ?? ctx.now().toISOString());
      if (waited > config.backups.timeoutMs) {
        throw new PermanentJobError(`The backup job did not finish within ${Math.round(config.backups.timeoutMs / 1000)} s (${outcome.detail}).`);
      }
      return { kind: "wait", delayMs: config.provisioning.pollIntervalMs };
    }
    if (outcome.state === "failed") throw new PermanentJobError(outcome.detail);
    const line = outcome.lines.find((l) => l.startsWith("PANEL_BACKUP_RESULT "));
    const parsed = line ? RESULT.safeParse(safeJson(line.slice("PANEL_BACKUP_RESULT ".length))) : null;
    if (!parsed?.success || parsed.data.name !== backup.name) {
      throw new PermanentJobError("The backup job finished without reporting its archive (no valid PANEL_BACKUP_RESULT line in its log).");
    }
    const result = parsed.data;
    const expired = payload.expire ?? [];
    await deps.events.transaction(async (tx, emit) => {
      await tx.backup.update({
        where: { id: backup.id },
        data: { status: "SUCCEEDED", sizeBytes: BigInt(result.size), sha256: result.sha256, location: result.location, finishedAt: ctx.now(), error: null },
      });
      const gone = await tx.backup.updateMany({ where: { tenantId: tenant.id, name: { in: expired }, status: "SUCCEEDED" }, data: { status: "EXPIRED", expiredAt: ctx.now() } });
      await emit({
        tenantId: tenant.id,
        type: "backup.succeeded",
        message: `Backup ${backup.name} done: ${formatBytes(result.size)}, SHA-256 ${result.sha256.slice(0, 12)}…, at ${result.location}.${gone.count > 0 ? ` Retention removed ${gone.count} older backup(s).` : ""}`,
        data: { backupId: backup.id, size: result.size, sha256: result.sha256, location: result.location, expired },
      });
    });
    await ops.remove(tenant);
    return { kind: "done" };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The PURGE job of a deleted tenant: the backup script in purge mode removes the archives whose
 * keep time is over (on the node and in S3); the panel marks them EXPIRED, and once none is left
 * it removes the tenant's backup volume and its ops config.
 */
export function purgeHandler(deps: ProvisioningDeps): JobHandler {
  const { prisma, config, portainer } = deps;
  const ops = opsRunner(deps);
  return {
    onRetry: retryRecorder(deps, "Removing expired backups"),
    async onFailure(ctx, error) {
      const tenant = await loadTenant(prisma, ctx.job.tenantId);
      await ops.remove(tenant).catch(() => undefined);
      await deps.events.record({ tenantId: tenant.id, type: "backup.purge_failed", level: "ERROR", message: `Removing expired backups failed: ${messageOf(error)} The reconcile loop tries again.` });
    },
    async run(ctx) {
      const payload = ctx.payload as { names?: string[]; stackId?: number; startedAt?: string };
      const names = payload.names ?? [];
      const tenant = await loadTenant(prisma, ctx.job.tenantId);
      return withClassifiedErrors(async (): Promise<JobOutcome> => {
        if (payload.stackId === undefined) {
          const stackId = await ops.deploy(tenant, { kind: "purge", expire: names });
          return { kind: "wait", delayMs: config.provisioning.pollIntervalMs, payload: { ...payload, stackId, startedAt: ctx.now().toISOString() } };
        }
        const outcome = await ops.outcome(tenant);
        if (outcome.state === "missing") return { kind: "wait", delayMs: config.provisioning.pollIntervalMs, payload: { names } };
        if (outcome.state === "running") {
          if (ctx.now().getTime() - Date.parse(payload.startedAt ?? ctx.now().toISOString()) > config.backups.timeoutMs) {
            throw new PermanentJobError(`The purge job did not finish within ${Math.round(config.backups.timeoutMs / 1000)} s (${outcome.detail}).`);
          }
          return { kind: "wait", delayMs: config.provisioning.pollIntervalMs };
        }
        if (outcome.state === "failed") throw new PermanentJobError(outcome.detail);
        if (!outcome.lines.includes(`PANEL_PURGE_RESULT {"deleted":${names.length}}`)) {
          throw new PermanentJobError("The purge job finished without confirming what it removed (no PANEL_PURGE_RESULT line).");
        }
        await ops.remove(tenant);
        const left = await deps.events.transaction(async (tx, emit) => {
          await tx.backup.updateMany({ where: { tenantId: tenant.id, name: { in: names }, status: "SUCCEEDED" }, data: { status: "EXPIRED", expiredAt: ctx.now() } });
          await emit({ tenantId: tenant.id, type: "backup.expired", message: `Removed ${names.length} backup(s) whose keep time was over: ${names.join(", ")}.`, data: { names } });
          return tx.backup.count({ where: { tenantId: tenant.id, status: { in: ["QUEUED", "RUNNING", "SUCCEEDED"] } } });
        });
        if (left === 0) {
          // Nothing of the tenant is left on its node: its backup volume and ops config go too.
          try {
            await portainer.deleteVolume(backupVolumeNameFor(tenant.slug), tenant.nodeHostname ? { node: tenant.nodeHostname } : {});
          } catch (error) {
            if (!isPortainerError(error, "NOT_FOUND")) throw error;
          }
          for (const c of await portainer.listConfigs({ labels: [`${PANEL_LABELS.tenant}=${tenant.id}`] })) {
            await portainer.deleteConfig(c.id).catch((error: unknown) => {
              if (!isPortainerError(error, "NOT_FOUND")) throw error;
            });
          }
          await deps.events.record({ tenantId: tenant.id, type: "backup.volume_removed", message: `No backup is left: volume ${backupVolumeNameFor(tenant.slug)} was removed.` });
        }
        return { kind: "done" };
      });
    },
  };
}
