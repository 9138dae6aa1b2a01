import type { Tenant } from "../../generated/prisma/client";
import type { EventLevel, TenantPhase, TenantStatus } from "../../generated/prisma/enums";
import { actorFrom, type Actor } from "../../events/tenant-events";
import type { PrismaClient } from "../../db/client";
import type { ProvisioningDeps } from "../deps";
import type { JobRow } from "../job-queue";
import type { TenantStackAssets } from "../../stacks/stack-files";
import { tenantObjectLabels, tenantSecretValues, tenantStackSpec } from "../tenant-stack";
import { messageOf } from "../failures";
import { serviceHealth } from "../health";
import { PermanentJobError, type JobHandler } from "../worker";

export async function loadTenant(prisma: PrismaClient, id: string): Promise<Tenant> {
  const tenant = await prisma.tenant.findUnique({ where: { id } });
  if (!tenant) throw new PermanentJobError(`Tenant ${id} no longer exists.`);
  return tenant;
}

export function actorOf(job: JobRow): Actor {
  return actorFrom(job);
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
    extra?: Partial<Pick<Tenant, "deletedAt" | "routingEnabled" | "health" | "healthCheckedAt" | "mauticImage">>;
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

/**
 * Whether one service of a stack is up: `running` (for at least `stableMs`: a crash-looping
 * container is "running" between its crashes, so the newest running task decides) or `complete`
 * (a job). Otherwise the reason, in Swarm's words.
 */
export async function checkService(
  deps: Pick<ProvisioningDeps, "portainer">,
  stack: string,
  service: string,
  stableMs = 0,
): Promise<{ ready: true; state: "running" | "complete"; running: number; desired: number } | { ready: false; reason: string }> {
  const [services, tasks] = await Promise.all([deps.portainer.listServices({ stack }), deps.portainer.listTasks({ stack })]);
  const target = services.find((s) => s.name === `${stack}_${service}`);
  if (!target) return { ready: false, reason: `${service} is not in the stack yet` };
  const health = serviceHealth(stack, target, tasks);
  if (health.state === "running" && stableMs > 0) {
    const runningSince = Math.max(
      ...tasks.filter((t) => t.serviceId === target.id && t.state === "running").map((t) => (t.timestamp ?? t.updatedAt ?? t.createdAt ?? new Date()).getTime()),
    );
    const upMs = Date.now() - runningSince;
    if (!(upMs >= stableMs)) {
      return { ready: false, reason: `${service} running for ${Math.max(0, upMs / 1000).toFixed(1)} s; it must stay up ${(stableMs / 1000).toFixed(1)} s` };
    }
  }
  if (health.state === "running" || health.state === "complete") return { ready: true, state: health.state, running: health.running, desired: health.desired };
  return { ready: false, reason: `${service} ${health.state}${health.message ? `: ${health.message}` : ""}` };
}

/** How long Mautic's web service must run without a crash to count as up: ten polls, at most 30 s. */
export function webStableMs(deps: Pick<ProvisioningDeps, "config">): number {
  return Math.min(30_000, 10 * deps.config.provisioning.pollIntervalMs);
}

/** The tenant's stack in Portainer (by id, else by name); a PermanentJobError when it is gone. */
export async function requireStack(deps: Pick<ProvisioningDeps, "portainer">, stackId: number | null, stackName: string | null) {
  const stack = (stackId !== null ? await deps.portainer.getStack(stackId) : null) ?? (stackName ? await deps.portainer.findStackByName(stackName) : null);
  if (!stack) throw new PermanentJobError(`The tenant's stack ${stackName ?? ""} is missing in Portainer; redeploy or retry provisioning to recreate it.`);
  return stack;
}

/**
 * Deploys the tenant's stack as its row says now (image, plan, settings), with routing as it was.
 * `only` keeps just those services (the rest are pruned, their volumes stay): a restore stops
 * Mautic this way while its database keeps running.
 */
export async function redeployTenantStack(deps: ProvisioningDeps, tenant: Tenant, options: { only?: readonly string[] } = {}): Promise<void> {
  const stack = await requireStack(deps, tenant.stackId, tenant.stackName);
  const owner = await deps.prisma.user.findUniqueOrThrow({ where: { id: tenant.ownerId }, select: { email: true } });
  const network = deps.config.traefik.trustedProxies ? null : await deps.portainer.getNetwork(deps.config.traefik.networkName);
  const trustedProxies = deps.config.traefik.trustedProxies ?? network?.subnets ?? [];
  const spec = tenantStackSpec(tenant, {
    config: deps.config,
    ownerEmail: owner.email,
    trustedProxies,
    exposure: tenant.routingEnabled ? "live" : "install",
    ...(options.only ? { only: options.only } : {}),
  });
  // A changed mailer DSN (or a new release's scripts) names configs and secrets that do not exist yet.
  await ensureTenantObjects(deps, tenant, spec.assets);
  await deps.portainer.updateStack(stack.id, { stackFileContent: spec.yaml, prune: true, pullImage: true });
}
