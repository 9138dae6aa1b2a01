/**
 * Suspend, resume, redeploy and delete: each a job with events. Suspend stops the stack through
 * Portainer (services removed, volumes and data kept); resume starts it again; redeploy applies
 * the current spec (e.g. after a plan change); delete removes the stack and, when asked, the
 * tenant's volumes, secrets and configs.
 */
import { isPortainerError } from "../../portainer/errors";
import { PANEL_LABELS } from "../../stacks/names";
import type { ProvisioningDeps } from "../deps";
import { messageOf, withClassifiedErrors } from "../failures";
import { serviceHealth } from "../health";
import { PermanentJobError, type JobContext, type JobHandler, type JobOutcome } from "../worker";
import { actorOf, loadTenant, redeployTenantStack, requireStack, retryRecorder, setStatus } from "./shared";

function failureRecorder(deps: ProvisioningDeps, what: string): Pick<JobHandler, "onFailure" | "onRetry"> {
  return {
    onRetry: retryRecorder(deps, what),
    async onFailure(ctx, error) {
      const tenant = await loadTenant(deps.prisma, ctx.job.tenantId);
      await setStatus(deps, tenant, "ERROR", { type: "job.failed", level: "ERROR", message: `${what} failed: ${messageOf(error)}`, reason: `${what}: ${messageOf(error)}` });
    },
  };
}

export function suspendHandler(deps: ProvisioningDeps): JobHandler {
  return {
    ...failureRecorder(deps, "Suspending"),
    async run(ctx: JobContext): Promise<JobOutcome> {
      const tenant = await loadTenant(deps.prisma, ctx.job.tenantId);
      await withClassifiedErrors(async () => {
        const stack = await requireStack(deps, tenant.stackId, tenant.stackName);
        try {
          await deps.portainer.stopStack(stack.id);
        } catch (error) {
          if (!(isPortainerError(error, "CONFLICT") && error.reason === "ALREADY_INACTIVE")) throw error;
        }
      });
      await setStatus(deps, tenant, "SUSPENDED", { type: "tenant.suspended", message: "Suspended: the stack is stopped; its volumes and data are kept.", actor: actorOf(ctx.job), phase: null });
      return { kind: "done" };
    },
  };
}

/** Resume and redeploy both end by waiting for Mautic's web service to run again. */
function restartHandler(deps: ProvisioningDeps, kind: "resume" | "redeploy"): JobHandler {
  const what = kind === "resume" ? "Resuming" : "Redeploying";
  return {
    ...failureRecorder(deps, what),
    async run(ctx: JobContext): Promise<JobOutcome> {
      const tenant = await loadTenant(deps.prisma, ctx.job.tenantId);
      const payload = ctx.payload as { applied?: boolean; startedAt?: string };
      if (!payload.applied) {
        await withClassifiedErrors(async () => {
          const stack = await requireStack(deps, tenant.stackId, tenant.stackName);
          if (kind === "resume") {
            try {
              await deps.portainer.startStack(stack.id);
            } catch (error) {
              if (!(isPortainerError(error, "CONFLICT") && error.reason === "ALREADY_ACTIVE")) throw error;
            }
          } else {
            await redeployTenantStack(deps, tenant);
          }
        });
        await deps.events.record({ tenantId: tenant.id, type: `tenant.${kind}d`, message: kind === "resume" ? "The stack was started again; waiting for Mautic." : "The stack was redeployed with the current settings; waiting for Mautic.", actor: actorOf(ctx.job) });
        return { kind: "wait", delayMs: deps.config.provisioning.pollIntervalMs, payload: { applied: true, startedAt: ctx.now().toISOString() } };
      }
      const stack = tenant.stackName ?? "";
      const [services, tasks] = await withClassifiedErrors(() => Promise.all([deps.portainer.listServices({ stack }), deps.portainer.listTasks({ stack })]));
      const web = services.find((s) => s.name === `${stack}_mautic_web`);
      const health = web ? serviceHealth(stack, web, tasks) : null;
      if (health?.state === "running") {
        await setStatus(deps, tenant, "ACTIVE", { type: "tenant.active", message: `Mautic is live again at https://${tenant.domain}.`, phase: null });
        return { kind: "done" };
      }
      const waited = ctx.now().getTime() - Date.parse(payload.startedAt ?? ctx.now().toISOString());
      const reason = health ? `mautic_web ${health.state}${health.message ? `: ${health.message}` : ""}` : "mautic_web is not in the stack yet";
      if (waited > deps.config.provisioning.phaseTimeoutMs) throw new PermanentJobError(`Mautic did not come back within ${Math.round(deps.config.provisioning.phaseTimeoutMs / 1000)} s: ${reason}.`);
      return { kind: "wait", delayMs: deps.config.provisioning.pollIntervalMs };
    },
  };
}

export const resumeHandler = (deps: ProvisioningDeps) => restartHandler(deps, "resume");
export const redeployHandler = (deps: ProvisioningDeps) => restartHandler(deps, "redeploy");

export function deleteHandler(deps: ProvisioningDeps): JobHandler {
  const { portainer, prisma } = deps;
  return {
    ...failureRecorder(deps, "Deleting"),
    async run(ctx: JobContext): Promise<JobOutcome> {
      const tenant = await loadTenant(prisma, ctx.job.tenantId);
      const payload = ctx.payload as { deleteData?: boolean; finalBackupId?: string; stackRemoved?: boolean; startedAt?: string };
      const startedAt = payload.startedAt ?? ctx.now().toISOString();
      if (payload.finalBackupId && !payload.stackRemoved) {
        const backup = await prisma.backup.findUnique({ where: { id: payload.finalBackupId } });
        if (backup?.status !== "SUCCEEDED") {
          // Nothing was touched: the tenant keeps running, and the admin decides again.
          const why = backup?.status === "FAILED" ? `the final backup failed (${backup.error ?? "no reason given"})` : "the final backup did not run";
          await setStatus(deps, tenant, "ACTIVE", {
            type: "tenant.delete_stopped",
            level: "ERROR",
            message: `Deletion stopped before anything was removed: ${why}. The tenant is ACTIVE again; delete it again once the cause is fixed, or without a final backup.`,
            reason: `Deletion stopped: ${why}.`,
            phase: null,
            actor: actorOf(ctx.job),
          });
          return { kind: "done" };
        }
      }
      return withClassifiedErrors(async () => {
        if (!payload.stackRemoved) {
          const stack = (tenant.stackId !== null ? await portainer.getStack(tenant.stackId) : null) ?? (await portainer.findStackByName(tenant.stackName ?? `mautic-${tenant.slug}`));
          if (stack) await portainer.deleteStack(stack.id);
          await deps.events.record({ tenantId: tenant.id, type: "stack.removed", message: stack ? `Stack ${stack.name} removed.` : "No stack was left to remove." });
          if (!payload.deleteData) return finish(false);
        }
        // Volumes can only go once every task that mounted them is gone.
        const stackName = tenant.stackName ?? `mautic-${tenant.slug}`;
        const tasks = await portainer.listTasks({ stack: stackName });
        const volumes = await portainer.listVolumes({ stack: stackName });
        const left: string[] = [];
        for (const volume of volumes) {
          try {
            await portainer.deleteVolume(volume.name, volume.node ? { node: volume.node } : {});
          } catch (error) {
            if (isPortainerError(error, "CONFLICT") || isPortainerError(error, "NOT_FOUND")) {
              if (isPortainerError(error, "CONFLICT")) left.push(volume.name);
              continue;
            }
            throw error;
          }
        }
        if (left.length > 0 || tasks.some((t) => !["complete", "failed", "shutdown", "rejected", "orphaned", "remove"].includes(t.state))) {
          if (ctx.now().getTime() - Date.parse(startedAt) > deps.config.provisioning.phaseTimeoutMs) {
            throw new PermanentJobError(`The volumes ${left.join(", ")} are still in use after the stack was removed.`);
          }
          return { kind: "wait", delayMs: deps.config.provisioning.pollIntervalMs, payload: { ...payload, stackRemoved: true, startedAt } };
        }
        const filter = { labels: [`${PANEL_LABELS.tenant}=${tenant.id}`] };
        const [secrets, configs] = await Promise.all([portainer.listSecrets(filter), portainer.listConfigs(filter)]);
        for (const s of secrets) await portainer.deleteSecret(s.id).catch(ignoreNotFound);
        for (const c of configs) await portainer.deleteConfig(c.id).catch(ignoreNotFound);
        await deps.events.record({ tenantId: tenant.id, type: "data.removed", message: `Data removed: ${volumes.length} volume(s), ${secrets.length} secret(s), ${configs.length} config(s).` });
        return finish(true);
      });

      async function finish(dataRemoved: boolean): Promise<JobOutcome> {
        if (dataRemoved) {
          // Its backups are all that is left of its data: they go when the final backup's keep time ends.
          await prisma.backup.updateMany({
            where: { tenantId: tenant.id, status: "SUCCEEDED", expiresAt: null },
            data: { expiresAt: new Date(ctx.now().getTime() + deps.config.backups.preDeleteKeepMs) },
          });
        }
        await setStatus(deps, tenant, "DELETED", {
          type: "tenant.deleted",
          message: dataRemoved ? "Deleted with all its data." : "Deleted; its volumes (the data) are kept on the node.",
          phase: null,
          actor: actorOf(ctx.job),
          extra: { deletedAt: ctx.now(), routingEnabled: false },
        });
        return { kind: "done" };
      }
    },
  };
}

function ignoreNotFound(error: unknown): void {
  if (!isPortainerError(error, "NOT_FOUND")) throw error;
}
