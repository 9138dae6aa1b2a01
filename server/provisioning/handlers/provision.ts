/**
 * The provision job: walks a tenant through the phases of ARCHITECTURE.md, each idempotent and
 * each with a deadline, recording an event at every step. A phase that waits for Swarm returns
 * the job to the queue instead of holding a worker slot; the phase reached travels in the job's
 * payload, so a crash or a retry resumes where it stopped.
 *
 *   PREFLIGHT → PLACEMENT → PREPARING → DEPLOYING → DATABASE → INSTALLING → ROUTING → VERIFYING → ACTIVE
 */
import type { Tenant } from "../../generated/prisma/client";
import type { TenantPhase } from "../../generated/prisma/enums";
import { PLAN_SERVICES } from "../../stacks/plans";
import type { Tx } from "../../events/tenant-events";
import type { ProvisioningDeps } from "../deps";
import { classify, messageOf } from "../failures";
import { tenantHealth } from "../health";
import { endpointDownProblem, notSwarmManagerProblem, preflightMessage, traefikNetworkProblem, versionProblem } from "../preflight";
import { tenantStackSpec } from "../tenant-stack";
import { PermanentJobError, type JobContext, type JobHandler, type JobOutcome } from "../worker";
import { enqueueJob, type JobRow } from "../job-queue";
import { actorOf, checkService, ensureTenantObjects, loadTenant, setStatus, webStableMs } from "./shared";

export const PHASES: readonly TenantPhase[] = ["PREFLIGHT", "PLACEMENT", "PREPARING", "DEPLOYING", "DATABASE", "INSTALLING", "ROUTING", "VERIFYING"];

interface Payload {
  phase?: TenantPhase;
  phaseStartedAt?: string;
  /** The last reason a phase gave for waiting (an event is written when it changes). */
  waitingFor?: string;
  trustedProxies?: string[];
  retried?: boolean;
  /** Every phase completed; only the switch to ACTIVE is left. */
  verified?: boolean;
  /** A clone: this backup is restored into the tenant once it runs (see TenantService.clone). */
  cloneFrom?: string;
}

type PhaseResult = { done: true; message: string; data?: Record<string, unknown> } | { done: false; waitingFor: string };

type Phase = (tenant: Tenant, payload: Payload) => Promise<PhaseResult>;

export function provisionHandler(deps: ProvisioningDeps): JobHandler {
  const { prisma, config, portainer, events } = deps;
  const verifyStableMs = webStableMs(deps);

  const phases: Record<TenantPhase, Phase> = {
    async PREFLIGHT(tenant, payload) {
      const status = await portainer.getSystemStatus();
      const old = versionProblem(status);
      if (old) throw new PermanentJobError(preflightMessage(old));
      const endpoint = await portainer.getEndpoint();
      const down = endpointDownProblem(endpoint);
      if (down) return { done: false, waitingFor: down.message };
      if (endpoint.swarmManager === false) throw new PermanentJobError(preflightMessage(notSwarmManagerProblem(endpoint)));
      const swarm = await portainer.getSwarm();
      const name = config.traefik.networkName;
      const network = await portainer.getNetwork(name);
      const unusable = traefikNetworkProblem(name, network, config.traefik.trustedProxies !== null);
      if (unusable) throw new PermanentJobError(preflightMessage(unusable));
      const trustedProxies = config.traefik.trustedProxies ?? network?.subnets ?? [];
      payload.trustedProxies = trustedProxies;
      await prisma.tenant.update({ where: { id: tenant.id }, data: { endpointId: endpoint.id, swarmId: swarm.id } });
      return {
        done: true,
        message: `Portainer ${status.version} is reachable; environment ${endpoint.id} is a Swarm manager; network ${name} (${trustedProxies.join(", ")}) is ready.`,
        data: { portainerVersion: status.version, family: status.family, endpointId: endpoint.id, swarmId: swarm.id, trustedProxies },
      };
    },

    async PLACEMENT(tenant, payload) {
      if (config.stacks.placement === "none") return { done: true, message: "Placement is off (shared storage): Swarm chooses the nodes." };
      if (tenant.nodeHostname) return { done: true, message: `The tenant stays on node ${tenant.nodeHostname}.`, data: { node: tenant.nodeHostname } };
      const nodes = (await portainer.listNodes()).filter((n) => n.state === "ready" && n.availability === "active");
      if (nodes.length === 0) return { done: false, waitingFor: "no Swarm node is Ready and Active" };
      const reserved = await reservedByNode(deps, tenant.id);
      const needed = planReservation(deps, tenant.plan);
      const ranked = nodes
        .map((n) => {
          const used = reserved.get(n.hostname) ?? { memory: 0, nanoCpus: 0 };
          return { node: n, free: n.memoryBytes - used.memory, freeCpus: n.nanoCpus - used.nanoCpus };
        })
        .sort((a, b) => b.free - a.free || a.node.hostname.localeCompare(b.node.hostname));
      // Swarm would leave tasks pending on a node without room for the plan's reservations.
      const fits = ranked.filter((r) => r.free >= needed.memory && (r.node.nanoCpus === 0 || r.freeCpus >= needed.nanoCpus));
      // A clone goes next to its source when there is room: the backup's archive is on that node.
      const sourceNode = payload.cloneFrom
        ? (await prisma.backup.findUnique({ where: { id: payload.cloneFrom }, select: { tenant: { select: { nodeHostname: true } } } }))?.tenant.nodeHostname
        : null;
      const chosen = fits.find((r) => r.node.hostname === sourceNode) ?? fits[0];
      if (!chosen) {
        const best = ranked[0]!;
        return {
          done: false,
          waitingFor: `no Ready, Active node has room for plan ${tenant.plan} (${mib(needed.memory)} MiB and ${cpus(needed.nanoCpus)} CPU reserved; most free: ${best.node.hostname} with ${mib(best.free)} MiB and ${cpus(best.freeCpus)} CPU); add a node or choose a smaller plan`,
        };
      }
      await prisma.tenant.update({ where: { id: tenant.id }, data: { nodeId: chosen.node.id, nodeHostname: chosen.node.hostname } });
      const freeMiB = mib(chosen.free);
      return {
        done: true,
        message: `Placed on node ${chosen.node.hostname} (${freeMiB} MiB and ${cpus(chosen.freeCpus)} CPU not yet reserved by tenants).`,
        data: { node: chosen.node.hostname, nodeId: chosen.node.id, unreservedMiB: freeMiB, candidates: ranked.length },
      };
    },

    async PREPARING(tenant, payload) {
      const spec = await specFor(tenant, payload, "install");
      const { created, total } = await ensureTenantObjects(deps, tenant, spec.assets);
      return { done: true, message: `Docker configs and secrets ready (${created} created, ${total - created} already there).`, data: { created, total } };
    },

    async DEPLOYING(tenant, payload) {
      const spec = await specFor(tenant, payload, "install");
      let stack = tenant.stackId !== null ? await portainer.getStack(tenant.stackId) : null;
      stack ??= await portainer.findStackByName(spec.stackName);
      let how: string;
      if (!stack) {
        const result = await portainer.createSwarmStackFromString({ name: spec.stackName, stackFileContent: spec.yaml, ...(tenant.swarmId ? { swarmId: tenant.swarmId } : {}) });
        stack = result.stack;
        how = result.adopted ? "found after an interrupted create and adopted" : "created";
      } else if (stack.status === "error" || stack.status === "inactive") {
        stack = await portainer.updateStack(stack.id, { stackFileContent: spec.yaml, prune: true, pullImage: false });
        how = "redeployed";
      } else {
        how = "already deployed";
      }
      await prisma.tenant.update({ where: { id: tenant.id }, data: { stackId: stack.id, stackName: stack.name, routingEnabled: false } });
      return { done: true, message: `Stack ${stack.name} ${how} (routing off until Mautic is installed).`, data: { stackId: stack.id, stackName: stack.name } };
    },

    async DATABASE(tenant) {
      return waitForService(tenant, "db", "the database");
    },

    async INSTALLING(tenant) {
      return waitForService(tenant, "mautic_install", "the unattended Mautic install");
    },

    async ROUTING(tenant, payload) {
      const dns = await checkDns(tenant.domain);
      if (dns.problem && config.provisioning.dnsCheck === "strict") return { done: false, waitingFor: dns.problem };
      if (dns.problem) {
        await events.record({ tenantId: tenant.id, type: "dns.warning", level: "WARN", phase: "ROUTING", message: `${dns.problem}; routing is switched on anyway (DNS_CHECK=warn), TLS will work once DNS points to Traefik.` });
      }
      const spec = await specFor(tenant, payload, "live");
      if (tenant.stackId === null) throw new PermanentJobError("The tenant has no stack to route to (DEPLOYING did not record it).");
      await portainer.updateStack(tenant.stackId, { stackFileContent: spec.yaml, prune: true, pullImage: false });
      await prisma.tenant.update({ where: { id: tenant.id }, data: { routingEnabled: true } });
      return { done: true, message: `Routing on: Traefik serves https://${tenant.domain} with a certificate from ${config.traefik.tlsResolverName}.`, data: { dns: dns.summary } };
    },

    async VERIFYING(tenant) {
      // A crash-looping container is "running" between its crashes: the web service must stay up
      // for a while before the tenant is called ACTIVE.
      return waitForService(tenant, "mautic_web", "Mautic's web service", verifyStableMs);
    },
  };

  async function specFor(tenant: Tenant, payload: Payload, exposure: "install" | "live") {
    const owner = await prisma.user.findUniqueOrThrow({ where: { id: tenant.ownerId }, select: { email: true } });
    const trustedProxies = payload.trustedProxies ?? config.traefik.trustedProxies;
    if (!trustedProxies) throw new Error("The trusted proxies are unknown: PREFLIGHT must run first.");
    try {
      return tenantStackSpec(tenant, { config, ownerEmail: owner.email, trustedProxies, exposure });
    } catch (error) {
      throw new PermanentJobError(`The tenant's stack cannot be built: ${messageOf(error)}`, undefined, { cause: error });
    }
  }

  async function waitForService(tenant: Tenant, service: string, what: string, stableMs = 0): Promise<PhaseResult> {
    const check = await checkService(deps, tenant.stackName ?? "", service, stableMs);
    if (!check.ready) return { done: false, waitingFor: check.reason };
    return {
      done: true,
      message: `${what[0]!.toUpperCase()}${what.slice(1)} is ${check.state === "complete" ? "done" : "running"}.`,
      data: { service, running: check.running, desired: check.desired },
    };
  }

  async function checkDns(domain: string): Promise<{ problem: string | null; summary: string }> {
    const targets = config.provisioning.dnsTargets;
    if (config.provisioning.dnsCheck === "off" || targets.length === 0) return { problem: null, summary: "not checked" };
    let answers: string[];
    try {
      answers = (await deps.resolveDns(domain)).map((a) => a.toLowerCase().replace(/\.$/, ""));
    } catch (error) {
      return { problem: `${domain} does not resolve (${messageOf(error)})`, summary: "unresolved" };
    }
    if (answers.some((a) => targets.includes(a))) return { problem: null, summary: answers.join(", ") };
    return { problem: `${domain} points to ${answers.join(", ") || "nothing"}, not to ${targets.join(" or ")}`, summary: answers.join(", ") };
  }

  return {
    async run(ctx: JobContext): Promise<JobOutcome> {
      const payload = ctx.payload as Payload;
      let tenant = await loadTenant(prisma, ctx.job.tenantId);
      if (tenant.status === "DELETING" || tenant.status === "DELETED") return { kind: "done" };
      if (tenant.status !== "PROVISIONING") {
        tenant = await setStatus(deps, tenant, "PROVISIONING", {
          type: "status.changed",
          message: payload.retried ? `Provisioning resumes at ${payload.phase ?? "PREFLIGHT"}.` : "Provisioning started.",
          actor: actorOf(ctx.job),
        });
      }
      let phase: TenantPhase = payload.phase ?? "PREFLIGHT";
      // Progress is saved on the job in the same transaction as the event that reports it, so a
      // crash at any point resumes exactly where the last event says, and no event is written twice.
      const saveProgress = (tx: Tx) =>
        tx.job.updateMany({ where: { id: ctx.job.id, status: "RUNNING" }, data: { payload: JSON.stringify(payload) } });
      while (!payload.verified) {
        if (ctx.signal.aborted) throw new Error("stopped");
        if (!payload.phaseStartedAt) {
          payload.phaseStartedAt = ctx.now().toISOString();
          payload.waitingFor = undefined;
          await events.transaction(async (tx, emit) => {
            await tx.tenant.update({ where: { id: tenant.id }, data: { phase } });
            await emit({ tenantId: tenant.id, type: "phase.started", phase, message: `${phase} started.` });
            await saveProgress(tx);
          });
          deps.bus.publish("tenant:changed", { tenantId: tenant.id, status: "PROVISIONING", phase });
        }
        const elapsed = ctx.now().getTime() - Date.parse(payload.phaseStartedAt);
        let result: PhaseResult;
        try {
          result = await phases[phase](tenant, payload);
        } catch (error) {
          throw classify(error);
        }
        if (!result.done) {
          if (elapsed > config.provisioning.phaseTimeoutMs) {
            throw new PermanentJobError(`${phase} did not finish within ${Math.round(config.provisioning.phaseTimeoutMs / 1000)} s: ${result.waitingFor}.`);
          }
          if (result.waitingFor !== payload.waitingFor) {
            payload.waitingFor = result.waitingFor;
            await events.record({ tenantId: tenant.id, type: "phase.waiting", phase, message: `Waiting: ${result.waitingFor}.` });
          }
          return { kind: "wait", delayMs: config.provisioning.pollIntervalMs, payload: { ...payload } };
        }
        const next = PHASES[PHASES.indexOf(phase) + 1];
        const completed = phase;
        if (next) {
          payload.phase = next;
          payload.phaseStartedAt = undefined;
        } else {
          payload.verified = true;
        }
        // One transaction records this phase's end and the next one's start (fewer writes per tenant).
        if (next) {
          payload.phaseStartedAt = ctx.now().toISOString();
          payload.waitingFor = undefined;
        }
        await events.transaction(async (tx, emit) => {
          await emit({ tenantId: tenant.id, type: "phase.completed", phase: completed, message: result.message, data: { ...result.data, durationMs: elapsed } });
          if (next) {
            await tx.tenant.update({ where: { id: tenant.id }, data: { phase: next } });
            await emit({ tenantId: tenant.id, type: "phase.started", phase: next, message: `${next} started.` });
          }
          await saveProgress(tx);
        });
        if (!next) break;
        deps.bus.publish("tenant:changed", { tenantId: tenant.id, status: "PROVISIONING", phase: next });
        phase = next;
        // Only these phases change the tenant row that later phases read.
        if (completed === "PREFLIGHT" || completed === "PLACEMENT" || completed === "DEPLOYING") tenant = await loadTenant(prisma, tenant.id);
      }
      if (payload.cloneFrom) await startCloneRestore(deps, tenant.id, payload.cloneFrom, ctx.job);
      else await finishActive(deps, tenant.id);
      return { kind: "done" };
    },

    async onRetry(ctx, error, attempt, delayMs) {
      const phase = (ctx.payload as Payload).phase ?? "PREFLIGHT";
      await events.record({
        tenantId: ctx.job.tenantId,
        type: "phase.retrying",
        level: "WARN",
        phase,
        message: `${phase} failed: ${messageOf(error)} Retrying in ${Math.round(delayMs / 1000)} s (attempt ${attempt + 1}${attempt + 1 <= ctx.job.maxAttempts ? ` of ${ctx.job.maxAttempts}` : ", until the phase's deadline"}).`,
      });
    },

    payloadAfterError(ctx) {
      return ctx.payload;
    },

    // Portainer down for a while is waited out for as long as the phase may take, however many
    // attempts that needs; the phase's deadline, not the attempt count, decides when to give up.
    retriesUntil(ctx) {
      const started = (ctx.payload as Payload).phaseStartedAt;
      return started ? new Date(Date.parse(started) + config.provisioning.phaseTimeoutMs) : null;
    },

    async onFailure(ctx, error) {
      const phase = (ctx.payload as Payload).phase ?? "PREFLIGHT";
      const tenant = await loadTenant(prisma, ctx.job.tenantId);
      if (tenant.status === "DELETING" || tenant.status === "DELETED") return;
      await setStatus(deps, tenant, "ERROR", {
        type: "phase.failed",
        level: "ERROR",
        phase,
        message: `${phase} failed: ${messageOf(error)}`,
        reason: `${phase}: ${messageOf(error)}`,
      });
    },
  };
}

/**
 * A clone is provisioned: queue the restore of its backup (once, even if this runs again after a
 * crash) and keep the tenant MAINTENANCE until that restore has run.
 */
async function startCloneRestore(deps: ProvisioningDeps, tenantId: string, backupId: string, job: JobRow): Promise<void> {
  const tenant = await loadTenant(deps.prisma, tenantId);
  const backup = await deps.prisma.backup.findUnique({ where: { id: backupId }, select: { name: true } });
  if (!backup) throw new PermanentJobError("The backup to copy into this tenant is gone.");
  const queued = await deps.prisma.job.findFirst({ where: { tenantId, type: "RESTORE", status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
  if (!queued) await deps.prisma.$transaction((tx) => enqueueJob(tx, { type: "RESTORE", tenantId, payload: { backupId, clone: true }, actor: actorOf(job), maxAttempts: 3 }));
  await setStatus(deps, tenant, "MAINTENANCE", {
    type: "clone.provisioned",
    message: `The new tenant runs; now copying backup ${backup.name} into it.`,
    reason: `Copying backup ${backup.name} into this tenant.`,
    phase: null,
    data: { backupId },
  });
}

/** Marks the tenant ACTIVE and records its first health. */
async function finishActive(deps: ProvisioningDeps, tenantId: string): Promise<void> {
  const tenant = await loadTenant(deps.prisma, tenantId);
  const stack = tenant.stackName ?? "";
  const [services, tasks] = await Promise.all([deps.portainer.listServices({ stack }), deps.portainer.listTasks({ stack })]);
  const health = tenantHealth(stack, services, tasks);
  await deps.prisma.tenant.update({ where: { id: tenantId }, data: { health: JSON.stringify(health), healthCheckedAt: new Date() } });
  await setStatus(deps, tenant, "ACTIVE", { type: "tenant.active", message: `Mautic is live at https://${tenant.domain}.`, phase: null, data: { health: health.overall } });
}

const mib = (bytes: number) => Math.round(bytes / 1048576);

const cpus = (nano: number) => Math.round(nano / 1e7) / 100;

interface Reservation {
  memory: number;
  nanoCpus: number;
}

/** What a tenant's long-running services reserve under its plan (bytes, billionths of a CPU). */
function planReservation(deps: ProvisioningDeps, planName: string): Reservation {
  const plan = deps.config.stacks.plans.plans[planName];
  const out = { memory: 0, nanoCpus: 0 };
  if (!plan) return out;
  for (const s of PLAN_SERVICES) {
    if (s === "install") continue;
    out.memory += plan.services[s].reservations.memoryMiB * 1048576;
    out.nanoCpus += Math.round(plan.services[s].reservations.cpus * 1e9);
  }
  return out;
}

/** What the other tenants placed on each node reserve there. */
async function reservedByNode(deps: ProvisioningDeps, exceptTenantId: string): Promise<Map<string, Reservation>> {
  const placed = await deps.prisma.tenant.findMany({
    where: { nodeHostname: { not: null }, status: { notIn: ["DELETED"] }, id: { not: exceptTenantId } },
    select: { nodeHostname: true, plan: true },
  });
  const out = new Map<string, Reservation>();
  for (const t of placed) {
    if (!t.nodeHostname) continue;
    const r = planReservation(deps, t.plan);
    const sum = out.get(t.nodeHostname) ?? { memory: 0, nanoCpus: 0 };
    out.set(t.nodeHostname, { memory: sum.memory + r.memory, nanoCpus: sum.nanoCpus + r.nanoCpus });
  }
  return out;
}
