/**
 * Putting a backup back over its tenant, as steps that survive a restart (the step travels in the
 * job's payload). Shared by the RESTORE job and an UPGRADE's rollback:
 *
 *   stop       the tenant runs the backup's image again, and its stack is redeployed with `db` only:
 *              web, cron, worker and the install job are pruned (their volumes stay);
 *   stopping   waits until they are gone and the database answers, then deploys the ops stack with
 *              files/restore-tenant.sh;
 *   restoring  waits for the job: it checks the archive's SHA-256, empties the database, loads the
 *              dump and replaces the config and media volumes; then the full stack is redeployed;
 *   starting   waits until Mautic's web service has stayed up (like VERIFYING).
 */
import type { Backup, Tenant } from "../../generated/prisma/client";
import { backupVolumeNameFor } from "../../stacks/names";
import type { ProvisioningDeps } from "../deps";
import { messageOf, withClassifiedErrors } from "../failures";
import { PermanentJobError, type JobContext, type JobHandler } from "../worker";
import { opsRunner } from "./ops";
import { actorOf, checkService, loadTenant, redeployTenantStack, retryRecorder, setStatus, webStableMs } from "./shared";

export type RestoreStep = "stop" | "stopping" | "restoring" | "starting";

export interface RestoreProgress {
  step?: RestoreStep;
  stepStartedAt?: string;
  /** The last reason a step gave for waiting (an event is written when it changes). */
  waitingFor?: string;
}

/** The services a restore stops; the database keeps running. */
const STOPPED = ["mautic_web", "mautic_cron", "mautic_worker", "mautic_install"];

export type RestoreAdvance = { kind: "wait"; progress: RestoreProgress } | { kind: "done" };

export function restoreMachine(deps: ProvisioningDeps) {
  const { prisma, config, portainer, events } = deps;
  const ops = opsRunner(deps);

  const next = (step: RestoreStep, ctx: JobContext): RestoreAdvance => ({ kind: "wait", progress: { step, stepStartedAt: ctx.now().toISOString() } });

  function deadline(ctx: JobContext, progress: RestoreProgress, limitMs: number, what: string, reason: string): void {
    const started = Date.parse(progress.stepStartedAt ?? ctx.now().toISOString());
    if (ctx.now().getTime() - started > limitMs) throw new PermanentJobError(`${what} did not finish within ${Math.round(limitMs / 1000)} s: ${reason}.`);
  }

  async function waiting(ctx: JobContext, tenant: Tenant, progress: RestoreProgress, reason: string): Promise<RestoreAdvance> {
    if (progress.waitingFor !== reason) {
      await events.record({ tenantId: tenant.id, type: "restore.waiting", message: `Waiting: ${reason}.`, data: { step: progress.step } });
    }
    return { kind: "wait", progress: { ...progress, waitingFor: reason } };
  }

  /**
   * Advances the restore of `backup` over `tenant` by one step. A `clone` restores another
   * tenant's backup into a new tenant: the archive is read from the source's backup volume (or S3)
   * and local.php is pointed at the new tenant's database and URL.
   */
  async function advance(ctx: JobContext, tenant: Tenant, backup: Backup, progress: RestoreProgress, options: { clone?: boolean } = {}): Promise<RestoreAdvance> {
    if (!backup.sha256) throw new PermanentJobError(`Backup ${backup.name} has no recorded checksum: it cannot be restored.`);
    switch (progress.step ?? "stop") {
      case "stop": {
        // The data goes back to what this image wrote; a newer image would migrate it again.
        const current = await prisma.tenant.update({ where: { id: tenant.id }, data: { mauticImage: backup.mauticImage } });
        await redeployTenantStack(deps, current, { only: ["db"] });
        await events.record({
          tenantId: tenant.id,
          type: "restore.stopping",
          message: `Stopping Mautic (web, cron, worker) while the database keeps running, to restore ${backup.name}.`,
          data: { backupId: backup.id },
        });
        return next("stopping", ctx);
      }
      case "stopping": {
        const stack = tenant.stackName ?? "";
        const left = (await portainer.listServices({ stack })).filter((s) => STOPPED.some((name) => s.name === `${stack}_${name}`));
        const db = await checkService(deps, stack, "db");
        if (left.length > 0 || !db.ready) {
          const reason = left.length > 0 ? `${left.map((s) => s.name.slice(stack.length + 1)).join(", ")} still running` : (db as { reason: string }).reason;
          deadline(ctx, progress, config.provisioning.phaseTimeoutMs, "Stopping Mautic", reason);
          return waiting(ctx, tenant, progress, reason);
        }
        const source = options.clone ? await prisma.tenant.findUniqueOrThrow({ where: { id: backup.tenantId }, select: { slug: true } }) : null;
        await ops.deploy(
          tenant,
          { kind: "restore", backupName: backup.name, sha256: backup.sha256, rewriteFor: source ? { siteUrl: `https://${tenant.domain}` } : null },
          source ? { backupVolume: backupVolumeNameFor(source.slug) } : {},
        );
        await events.record({
          tenantId: tenant.id,
          type: "restore.started",
          message: `Restoring ${backup.name}: checking the archive, then replacing the database and the config and media files.`,
          data: { backupId: backup.id },
        });
        return next("restoring", ctx);
      }
      case "restoring": {
        const outcome = await ops.outcome(tenant);
        // A retry after a failed run (its stack was removed): deploy the restore job again.
        if (outcome.state === "missing") return next("stopping", ctx);
        if (outcome.state === "running") {
          deadline(ctx, progress, config.backups.timeoutMs, "The restore job", outcome.detail);
          return { kind: "wait", progress };
        }
        if (outcome.state === "failed") {
          await ops.remove(tenant);
          throw new PermanentJobError(`The restore job failed: ${outcome.detail}`);
        }
        const expected = `PANEL_RESTORE_RESULT {"name":"${backup.name}","sha256":"${backup.sha256}"}`;
        if (!outcome.lines.includes(expected)) throw new PermanentJobError("The restore job finished without confirming the backup it restored (no PANEL_RESTORE_RESULT line).");
        await ops.remove(tenant);
        const current = await prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
        await redeployTenantStack(deps, current);
        await events.record({
          tenantId: tenant.id,
          type: "restore.data_restored",
          message: `The database and files of ${backup.name} are back; starting Mautic (${current.mauticImage}).`,
          data: { backupId: backup.id, mauticImage: current.mauticImage },
        });
        return next("starting", ctx);
      }
      case "starting": {
        const web = await checkService(deps, tenant.stackName ?? "", "mautic_web", webStableMs(deps));
        if (web.ready) return { kind: "done" };
        deadline(ctx, progress, config.provisioning.phaseTimeoutMs, "Starting Mautic after the restore", web.reason);
        return waiting(ctx, tenant, progress, web.reason);
      }
    }
  }

  return { advance, ops };
}

/** The RESTORE job: the tenant is MAINTENANCE from the request until Mautic runs again. */
export function restoreHandler(deps: ProvisioningDeps): JobHandler {
  const machine = restoreMachine(deps);
  return {
    onRetry: retryRecorder(deps, "The restore"),
    async onFailure(ctx, error) {
      const tenant = await loadTenant(deps.prisma, ctx.job.tenantId);
      await machine.ops.remove(tenant).catch((cleanup) => deps.logger.warn({ err: cleanup, tenantId: tenant.id }, "could not remove the ops stack after a failed restore"));
      await setStatus(deps, tenant, "ERROR", {
        type: "restore.failed",
        level: "ERROR",
        message: `The restore failed: ${messageOf(error)} Retry it once the cause is fixed.`,
        reason: `Restore: ${messageOf(error)}`,
        phase: null,
      });
    },
    async run(ctx) {
      const payload = ctx.payload as RestoreProgress & { backupId?: string; clone?: boolean };
      const backup = await deps.prisma.backup.findUnique({ where: { id: payload.backupId ?? "" } });
      if (!backup || backup.status !== "SUCCEEDED") throw new PermanentJobError("The backup to restore is gone or was never completed.");
      const tenant = await loadTenant(deps.prisma, ctx.job.tenantId);
      const clone = payload.clone === true;
      const step = await withClassifiedErrors(() => machine.advance(ctx, tenant, backup, payload, { clone }));
      if (step.kind === "wait") return { kind: "wait", delayMs: deps.config.provisioning.pollIntervalMs, payload: { ...payload, ...step.progress } };
      const taken = `${backup.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
      await setStatus(deps, await loadTenant(deps.prisma, tenant.id), "ACTIVE", {
        type: clone ? "tenant.cloned" : "tenant.restored",
        message: clone
          ? `Mautic is live at https://${tenant.domain} with the data of backup ${backup.name} (taken ${taken}).`
          : `Restored from ${backup.name} (taken ${taken}): Mautic runs ${backup.mauticImage} again with that data.`,
        data: { backupId: backup.id, sourceTenantId: backup.tenantId },
        phase: null,
        actor: actorOf(ctx.job),
      });
      return { kind: "done" };
    },
  };
}
