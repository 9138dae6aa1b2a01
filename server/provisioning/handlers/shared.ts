import type { Tenant } from "../../generated/prisma/client";
import type { EventLevel, TenantPhase, TenantStatus } from "../../generated/prisma/enums";
import type { Actor } from "../../events/tenant-events";
import type { PrismaClient } from "../../db/client";
import type { ProvisioningDeps } from "../deps";
import type { JobRow } from "../job-queue";
import { PermanentJobError } from "../worker";

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
