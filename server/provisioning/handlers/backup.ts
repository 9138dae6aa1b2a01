/**
 * The BACKUP job: runs files/backup-tenant.sh as the one-shot service of the tenant's ops stack
 * (server/stacks/build-ops-stack.ts), waits for it, reads its result line from the service log,
 * records the backup, lets retention's victims go, and removes the ops stack. The tenant keeps
 * serving throughout (`mysqldump --single-transaction`), and its status never changes: a failed
 * backup is an ERROR event and a FAILED backup, not a broken tenant.
 */
import { createHmac } from "node:crypto";
import { z } from "zod";
import type { Backup, Tenant } from "../../generated/prisma/client";
import { isPortainerError } from "../../portainer/errors";
import { buildOpsStack, type OpsJob, type OpsS3Settings } from "../../stacks/build-ops-stack";
import { backupVolumeNameFor, OPS_SERVICE, opsStackNameFor, PANEL_LABELS, tenantSecretNames } from "../../stacks/names";
import { renderStackYaml } from "../../stacks/render";
import { loadOpsScripts, opsConfigName, type OpsKind } from "../../stacks/stack-files";
import { formatBytes } from "../../format";
import { redact, tenantSecretNeedles } from "../../tenants/tenant-logs";
import type { ProvisioningDeps } from "../deps";
import { messageOf, withClassifiedErrors } from "../failures";
import { tenantObjectLabels } from "../tenant-stack";
import { PermanentJobError, type JobContext, type JobHandler, type JobOutcome } from "../worker";
import { ignoreConflict, loadTenant, retryRecorder } from "./shared";

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

/** Lines of the job's log kept in an error message. */
const ERROR_LINES = 5;

export function backupHandler(deps: ProvisioningDeps): JobHandler {
  const { prisma, portainer, config } = deps;
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
      if (tenant) await removeOpsStack(tenant).catch((cleanup) => deps.logger.warn({ err: cleanup, tenantId: tenant.id }, "could not remove the ops stack after a failed backup"));
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
    const stackId = await deployOps(tenant, "backup", { kind: "backup", backupName: backup.name, expire });
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
    const outcome = await opsOutcome(tenant);
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
    await removeOpsStack(tenant);
    return { kind: "done" };
  }

  /** Creates the script's config and the S3 key's secret when missing, clears a leftover ops stack, deploys. */
  async function deployOps(tenant: Tenant, kind: OpsKind, job: OpsJob): Promise<number> {
    const script = loadOpsScripts()[kind];
    const scriptConfig = opsConfigName(tenant.slug, kind, script);
    const s3 = config.backups.s3;
    const s3SecretName = s3 ? `mautic-panel-s3-${createHmac("sha256", config.appSecret).update(`${s3.accessKeyId}\n${s3.secretAccessKey}`).digest("hex").slice(0, 12)}` : null;
    const [configs, secrets] = await Promise.all([
      portainer.listConfigs({ names: [scriptConfig] }),
      s3SecretName ? portainer.listSecrets({ names: [s3SecretName] }) : Promise.resolve([]),
    ]);
    if (configs.length === 0) await ignoreConflict(portainer.createConfig({ name: scriptConfig, data: script.content, labels: tenantObjectLabels(tenant.id) }));
    if (s3 && s3SecretName && secrets.length === 0) {
      // Shared by every tenant's jobs, so not labelled with a tenant (a tenant's delete keeps it).
      await ignoreConflict(portainer.createSecret({ name: s3SecretName, data: s3.secretAccessKey, labels: { [PANEL_LABELS.managed]: "true" } }));
    }
    // A stack left by a run the panel lost track of (a crash) holds the name: it is ours to remove.
    await removeOpsStack(tenant);
    const s3Settings: OpsS3Settings | null = s3 && s3SecretName ? { ...s3, secretName: s3SecretName } : null;
    const yaml = renderStackYaml(
      buildOpsStack(
        {
          tenantId: tenant.id,
          slug: tenant.slug,
          mauticImage: tenant.mauticImage,
          nodeHostname: tenant.nodeHostname,
          placement: config.stacks.placement,
          mysqlDatabase: tenant.mysqlDatabase,
          mysqlUser: tenant.mysqlUser,
          dbPasswordSecret: tenantSecretNames(tenant.slug, { mailerDsn: false }).dbPassword,
          scriptConfig,
          backupVolume: backupVolumeNameFor(tenant.slug),
          resources: (config.stacks.plans.plans[tenant.plan] ?? config.stacks.plans.plans[config.stacks.plans.defaultPlan]!).services.install,
          s3: s3Settings,
        },
        job,
      ),
    );
    const { stack } = await portainer.createSwarmStackFromString({ name: opsStackNameFor(tenant.slug), stackFileContent: yaml, ...(tenant.swarmId ? { swarmId: tenant.swarmId } : {}) });
    return stack.id;
  }

  /** Where the ops job is: still running, complete (with its log), or failed (with why). */
  async function opsOutcome(tenant: Tenant): Promise<{ state: "running"; detail: string } | { state: "complete"; lines: string[] } | { state: "failed"; detail: string }> {
    const stack = opsStackNameFor(tenant.slug);
    const tasks = await portainer.listTasks({ stack });
    const latest = [...tasks].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
    if (!latest) return { state: "running", detail: "the job has no task yet" };
    if (latest.state === "complete") return { state: "complete", lines: (await logLines(tenant)).map((l) => l.text) };
    if (["failed", "rejected", "orphaned", "shutdown", "remove"].includes(latest.state)) {
      const lines = await logLines(tenant).catch(() => []);
      const errors = lines.filter((l) => l.stream === "stderr" || l.text.includes("ERROR")).map((l) => l.text);
      const why = errors.length > 0 ? errors.slice(-ERROR_LINES).join(" | ") : latest.error ?? latest.message ?? latest.state;
      return { state: "failed", detail: redact(why, tenantSecretNeedles(tenant, deps.secrets)) };
    }
    return { state: "running", detail: `the job is ${latest.state}${latest.error ? `: ${latest.error}` : ""}` };
  }

  function logLines(tenant: Tenant) {
    return portainer.getServiceLogs(`${opsStackNameFor(tenant.slug)}_${OPS_SERVICE}`, { tail: 200 });
  }

  async function removeOpsStack(tenant: Tenant): Promise<void> {
    const stack = await portainer.findStackByName(opsStackNameFor(tenant.slug));
    if (!stack) return;
    try {
      await portainer.deleteStack(stack.id);
    } catch (error) {
      if (!isPortainerError(error, "NOT_FOUND")) throw error;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
