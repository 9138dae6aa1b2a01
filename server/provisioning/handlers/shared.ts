import type { Tenant } from "../../generated/prisma/client";
import type { EventLevel, TenantPhase, TenantStatus } from "../../generated/prisma/enums";
import type { Actor } from "../../events/tenant-events";
import type { PrismaClient } from "../../db/client";
import type { ProvisioningDeps } from "../deps";
import type { JobRow } from "../job-queue";
import type { TenantStackAssets } from "../../stacks/stack-files";
import { tenantObjectLabels, tenantSecretValues } from "../tenant-stack";
import { messageOf } from "../failures";
import { PermanentJobError, type JobHandler } from "../worker";

export async function loadTenant(prisma: PrismaClient, id: string): Promise<Tenant> {
  const tenant = await prisma.tenant.findUnique({ where: { id } });
  if (!tenant) throw new PermanentJobError(`Tenant ${id} no longer exists.`);
  return tenant;
}

export function actorOf(job: JobRow): Actor {
  return job.actorType === "USER" || job.actorType === "TOKEN" ? { type: job.actorType, id: job.actorId ?? "" } : { type: "SYSTEM" };
}

/**
 * Changes a tenant's status (and phase), recording the event in the same transaction and
 * telling subscribers after it commits.
 */
export async function setStatus(
  deps: ProvisioningDeps,
  tenant: Tenant,
  status: TenantStatus,
  event: {
    type: string;
    message: string;
    level?: EventLevel;
    phase?: TenantPhase | null;
    reason?: string | null;
    data?: Record<string, unknown>;
    actor?: Actor;
    extra?: Partial<Pick<Tenant, "deletedAt" | "routingEnabled" | "health" | "healthCheckedAt">>;
  },
): Promise<Tenant> {
  const phase = event.phase === undefined ? tenant.phase : event.phase;
  const updated = await deps.events.transaction(async (tx, emit) => {
    const row = await tx.tenant.update({
      where: { id: tenant.id },
      data: { status, phase: status === "ACTIVE" ? null : phase, statusReason: event.reason ?? null, ...event.extra },
    });
    await emit({
      tenantId: tenant.id,
      type: event.type,
      level: event.level,
      phase: event.phase === undefined ? tenant.phase : event.phase,
      message: event.message,
      data: { ...event.data, from: tenant.status, to: status },
      actor: event.actor,
    });
    return row;
  });
  deps.bus.publish("tenant:changed", { tenantId: tenant.id, status, phase: updated.phase });
  return updated;
}

/**
 * Creates the tenant's Docker configs and secrets that do not exist yet (PREPARING, and every
 * redeploy: a changed mailer DSN or a new panel release names new ones). One list call per kind
 * tells what exists already.
 */
export async function ensureTenantObjects(
  deps: Pick<ProvisioningDeps, "portainer" | "secrets">,
  tenant: Tenant,
  assets: TenantStackAssets,
): Promise<{ created: number; total: number }> {
  const { portainer } = deps;
  const labels = tenantObjectLabels(tenant.id);
  const configs = Object.values(assets.configs);
  const secrets = tenantSecretValues(tenant, deps.secrets, assets);
  const [existingConfigs, existingSecrets] = await Promise.all([
    portainer.listConfigs({ names: configs.map((c) => c.name) }),
    portainer.listSecrets({ names: secrets.map((s) => s.name) }),
  ]);
  const exists = new Set([...existingConfigs, ...existingSecrets].map((o) => o.name));
  let created = 0;
  for (const config of configs.filter((c) => !exists.has(c.name))) {
    await ignoreConflict(portainer.createConfig({ name: config.name, data: config.content, labels }));
    created++;
  }
  for (const secret of secrets.filter((s) => !exists.has(s.name))) {
    await ignoreConflict(portainer.createSecret({ name: secret.name, data: secret.value, labels }));
    created++;
  }
  return { created, total: configs.length + secrets.length };
}

/** Awaits a create; a 409 means it exists already (made by an earlier attempt whose answer was lost). */
export async function ignoreConflict<T>(promise: Promise<T>): Promise<void> {
  try {
    await promise;
  } catch (error) {
    // Created meanwhile (by an earlier attempt whose answer was lost): what we wanted exists.
    if ((error as { code?: string }).code !== "CONFLICT") throw error;
  }
}

/** A job's `onRetry`: a WARN event saying what failed and when the next attempt comes. */
export function retryRecorder(deps: Pick<ProvisioningDeps, "events">, what: string): NonNullable<JobHandler["onRetry"]> {
  return async (ctx, error, attempt, delayMs) => {
    await deps.events.record({
      tenantId: ctx.job.tenantId,
      type: "job.retrying",
      level: "WARN",
      message: `${what} failed: ${messageOf(error)} Retrying in ${Math.round(delayMs / 1000)} s (attempt ${attempt + 1} of ${ctx.job.maxAttempts}).`,
    });
  };
}
