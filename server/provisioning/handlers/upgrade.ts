/**
 * The UPGRADE job: a tenant moves to another Mautic image, safely. Its PRE_UPGRADE backup was
 * queued just before it (and ran first); then:
 *
 *   (start)    the backup must have SUCCEEDED, or nothing changes (an ERROR event says why);
 *              the tenant goes MAINTENANCE and its stack is redeployed with the new image:
 *              mautic_web runs Mautic's database migrations as it starts;
 *   verifying  mautic_web must stay up (like VERIFYING) before the phase deadline → ACTIVE;
 *   rollback   otherwise the backup goes back (restore.ts: stop, restore, start on the previous
 *              image) and the tenant is ACTIVE on the old version, with an ERROR event saying
 *              what failed. Only if the rollback fails too does the tenant end in ERROR.
 */
import type { Backup, Tenant } from "../../generated/prisma/client";
import type { ProvisioningDeps } from "../deps";
import { messageOf, withClassifiedErrors } from "../failures";
import { PermanentJobError, type JobContext, type JobHandler, type JobOutcome } from "../worker";
import { restoreMachine, type RestoreProgress } from "./restore";
import { actorOf, checkService, loadTenant, redeployTenantStack, retryRecorder, setStatus, webStableMs } from "./shared";

export interface UpgradePayload {
  image?: string;
  previousImage?: string;
  backupId?: string;
  step?: "verifying" | "rollback";
  stepStartedAt?: string;
  waitingFor?: string;
  /** Why the new version failed (set when the rollback starts). */
  failure?: string;
  restore?: RestoreProgress;
  /** The fleet upgrade item this job belongs to, if any. */
  fleetItemId?: string;
}

export function upgradeHandler(deps: ProvisioningDeps): JobHandler {
  const { prisma, config, events } = deps;
  const machine = restoreMachine(deps);

  async function settle(payload: UpgradePayload, ok: boolean, detail: string): Promise<void> {
    if (payload.fleetItemId) await deps.fleet.settle(payload.fleetItemId, ok ? "SUCCEEDED" : "FAILED", detail);
  }

  return {
    onRetry: retryRecorder(deps, "The upgrade"),
    async onFailure(ctx, error) {
      const payload = ctx.payload as UpgradePayload;
      const tenant = await loadTenant(prisma, ctx.job.tenantId);
      await machine.ops.remove(tenant).catch((cleanup) => deps.logger.warn({ err: cleanup, tenantId: tenant.id }, "could not remove the ops stack after a failed upgrade"));
      const what = payload.failure
        ? `The upgrade to ${payload.image} failed (${payload.failure}) and so did the rollback: ${messageOf(error)}`
        : `The upgrade to ${payload.image} failed: ${messageOf(error)}`;
      await setStatus(deps, tenant, "ERROR", { type: "upgrade.failed", level: "ERROR", message: what, reason: what, phase: null });
      await settle(payload, false, what);
    },
    async run(ctx: JobContext): Promise<JobOutcome> {
      const payload = ctx.payload as UpgradePayload;
      const tenant = await loadTenant(prisma, ctx.job.tenantId);
      const backup = await prisma.backup.findUnique({ where: { id: payload.backupId ?? "" } });
      if (!payload.image || !payload.previousImage || !backup) throw new PermanentJobError("The upgrade job lacks its image or its backup.");
      return withClassifiedErrors(async () => {
        switch (payload.step) {
          case undefined:
            return start(ctx, tenant, backup, payload);
          case "verifying":
            return verify(ctx, tenant, backup, payload);
          case "rollback":
            return rollback(ctx, tenant, backup, payload);
        }
      });
    },
  };

  async function start(ctx: JobContext, tenant: Tenant, backup: Backup, payload: UpgradePayload): Promise<JobOutcome> {
    if (backup.status !== "SUCCEEDED") {
      const why = `the pre-upgrade backup ${backup.status === "FAILED" ? `failed (${backup.error ?? "no reason given"})` : "did not run"}`;
      await setStatus(deps, tenant, "ACTIVE", {
        type: "upgrade.stopped",
        level: "ERROR",
        message: `The upgrade to ${payload.image} was stopped before any change: ${why}. Mautic still runs ${tenant.mauticImage}.`,
        reason: `Upgrade to ${payload.image} stopped: ${why}.`,
        phase: null,
      });
      await settle(payload, false, `stopped: ${why}`);
      return { kind: "done" };
    }
    const upgrading = await setStatus(deps, tenant, "MAINTENANCE", {
      type: "upgrade.started",
      message: `Upgrading from ${payload.previousImage} to ${payload.image} (backup ${backup.name} taken first). Mautic's web service runs the database migrations as it starts.`,
      reason: `Upgrading to ${payload.image}.`,
      phase: null,
      actor: actorOf(ctx.job),
      extra: { mauticImage: payload.image! },
    });
    await redeployTenantStack(deps, upgrading);
    return { kind: "wait", delayMs: config.provisioning.pollIntervalMs, payload: { ...payload, step: "verifying", stepStartedAt: ctx.now().toISOString() } };
  }

  async function verify(ctx: JobContext, tenant: Tenant, backup: Backup, payload: UpgradePayload): Promise<JobOutcome> {
    const web = await checkService(deps, tenant.stackName ?? "", "mautic_web", webStableMs(deps));
    if (web.ready) {
      await setStatus(deps, tenant, "ACTIVE", {
        type: "tenant.upgraded",
        message: `Upgraded to ${payload.image}: the migrations ran and Mautic's web service is up.`,
        data: { from: payload.previousImage, to: payload.image, backupId: backup.id },
        phase: null,
      });
      await settle(payload, true, `upgraded to ${payload.image}`);
      return { kind: "done" };
    }
    const waited = ctx.now().getTime() - Date.parse(payload.stepStartedAt ?? ctx.now().toISOString());
    if (waited <= config.provisioning.phaseTimeoutMs) {
      if (payload.waitingFor !== web.reason) {
        await events.record({ tenantId: tenant.id, type: "upgrade.waiting", message: `Waiting: ${web.reason}.` });
      }
      return { kind: "wait", delayMs: config.provisioning.pollIntervalMs, payload: { ...payload, waitingFor: web.reason } };
    }
    const failure = `Mautic's web service was not up within ${Math.round(config.provisioning.phaseTimeoutMs / 1000)} s on ${payload.image} (${web.reason})`;
    await events.record({
      tenantId: tenant.id,
      type: "upgrade.failed",
      level: "ERROR",
      message: `The upgrade to ${payload.image} failed: ${failure}. Rolling back to ${payload.previousImage} from backup ${backup.name}.`,
      data: { from: payload.previousImage, to: payload.image, backupId: backup.id },
    });
    return { kind: "wait", delayMs: config.provisioning.pollIntervalMs, payload: { ...payload, step: "rollback", failure, restore: {} } };
  }

  async function rollback(ctx: JobContext, tenant: Tenant, backup: Backup, payload: UpgradePayload): Promise<JobOutcome> {
    const step = await machine.advance(ctx, tenant, backup, payload.restore ?? {});
    if (step.kind === "wait") return { kind: "wait", delayMs: config.provisioning.pollIntervalMs, payload: { ...payload, restore: step.progress } };
    const message = `The upgrade to ${payload.image} failed (${payload.failure}); rolled back to ${backup.mauticImage} with the data of backup ${backup.name}. Mautic runs the previous version.`;
    await setStatus(deps, await loadTenant(prisma, tenant.id), "ACTIVE", {
      type: "upgrade.rolled_back",
      level: "ERROR",
      message,
      reason: `Upgrade to ${payload.image} failed and was rolled back: ${payload.failure}.`,
      data: { from: payload.previousImage, to: payload.image, backupId: backup.id },
      phase: null,
    });
    await settle(payload, false, `rolled back: ${payload.failure}`);
    return { kind: "done" };
  }
}
