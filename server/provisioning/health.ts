/**
 * A tenant's health, derived from one list of the panel's services and tasks (the reconcile
 * loop fetches them once per endpoint, never per tenant). Pure: easy to test, cheap to run for
 * a thousand tenants.
 */
import type { SwarmService, SwarmTask } from "../portainer/domain";

export type ServiceState =
  | "running"
  | "starting"
  | "crash-looping"
  | "image-failure"
  | "unschedulable"
  | "failed"
  | "complete"
  | "stopped"
  | "missing";

export interface ServiceHealth {
  /** The service's name inside the stack, e.g. `mautic_web`. */
  service: string;
  running: number;
  desired: number;
  state: ServiceState;
  /** Swarm's words for the problem (e.g. `task: non-zero exit (1)`), when there is one. */
  message: string | null;
}

export type OverallHealth = "healthy" | "starting" | "degraded" | "down" | "stopped";

export interface TenantHealth {
  overall: OverallHealth;
  services: ServiceHealth[];
}

/** Failed attempts in the task history that make a restarting service count as crash-looping. */
const CRASH_LOOP_FAILURES = 2;
/** Failures older than this no longer count (Swarm keeps a few old tasks per slot). */
const CRASH_LOOP_WINDOW_MS = 10 * 60_000;

export function serviceHealth(stackName: string, service: SwarmService, tasks: readonly SwarmTask[], now = Date.now()): ServiceHealth {
  const short = service.name.startsWith(`${stackName}_`) ? service.name.slice(stackName.length + 1) : service.name;
  const own = tasks.filter((t) => t.serviceId === service.id).sort((a, b) => time(b) - time(a));
  const base = { service: short, running: service.runningTasks, desired: service.desiredTasks };
  const latestProblem = own.find((t) => t.error)?.error ?? null;

  if (service.mode === "replicated-job" || service.mode === "global-job") {
    if (service.completedTasks >= Math.max(1, service.replicas ?? 1)) return { ...base, state: "complete", message: null };
    return { ...base, ...problemState(own, latestProblem) };
  }
  if (service.desiredTasks === 0 && (service.replicas ?? 0) === 0) return { ...base, state: "stopped", message: null };
  // A container that keeps dying is crash-looping even in the moments its replacement runs.
  const recentFailures = own.filter((t) => t.state === "failed" && now - time(t) < CRASH_LOOP_WINDOW_MS);
  if (recentFailures.length >= CRASH_LOOP_FAILURES) return { ...base, state: "crash-looping", message: recentFailures[0]!.error ?? latestProblem };
  if (service.runningTasks >= service.desiredTasks && service.desiredTasks > 0) return { ...base, state: "running", message: null };
  return { ...base, ...problemState(own, latestProblem) };
}

function problemState(tasks: readonly SwarmTask[], latestProblem: string | null): Pick<ServiceHealth, "state" | "message"> {
  const pending = tasks.find((t) => t.state === "pending" && /no suitable node/i.test(`${t.message} ${t.error ?? ""}`));
  if (pending) return { state: "unschedulable", message: pending.error ?? pending.message };
  const rejected = tasks.find((t) => t.state === "rejected");
  if (rejected) return { state: /image/i.test(rejected.error ?? "") ? "image-failure" : "failed", message: rejected.error ?? rejected.message };
  const failures = tasks.filter((t) => t.state === "failed").length;
  if (failures >= CRASH_LOOP_FAILURES) return { state: "crash-looping", message: latestProblem };
  if (failures === 1 && tasks.every((t) => t.desiredState !== "running" && t.desiredState !== "complete")) {
    return { state: "failed", message: latestProblem };
  }
  return { state: "starting", message: latestProblem };
}

function time(task: SwarmTask): number {
  return (task.timestamp ?? task.updatedAt ?? task.createdAt)?.getTime() ?? 0;
}

/** Roles the site cannot work without; the others degrade it. */
const ESSENTIAL = new Set(["db", "mautic_web"]);
/** Long-running services a healthy tenant has (the install job is checked separately). */
export const LONG_RUNNING = ["db", "mautic_web", "mautic_cron", "mautic_worker"] as const;

export function tenantHealth(stackName: string, services: readonly SwarmService[], tasks: readonly SwarmTask[], now = Date.now()): TenantHealth {
  const byShortName = new Map(services.map((s) => [s.name.slice(stackName.length + 1), s]));
  const result: ServiceHealth[] = [];
  for (const name of LONG_RUNNING) {
    const service = byShortName.get(name);
    result.push(service ? serviceHealth(stackName, service, tasks, now) : { service: name, running: 0, desired: 0, state: "missing", message: null });
  }
  const install = byShortName.get("mautic_install");
  if (install) result.push(serviceHealth(stackName, install, tasks, now));

  const states = result.filter((s) => s.service !== "mautic_install").map((s) => s.state);
  let overall: OverallHealth;
  if (states.every((s) => s === "stopped" || s === "missing")) overall = "stopped";
  else if (states.every((s) => s === "running")) overall = "healthy";
  else if (result.some((s) => ESSENTIAL.has(s.service) && !["running", "starting"].includes(s.state))) overall = "down";
  else if (states.some((s) => s !== "running" && s !== "starting")) overall = "degraded";
  else overall = "starting";
  return { overall, services: result };
}

/** One line per service that is not fine, for events and the UI. */
export function describeProblems(health: TenantHealth): string[] {
  return health.services
    .filter((s) => !["running", "complete", "starting", "stopped"].includes(s.state))
    .map((s) => `${s.service} ${s.state}${s.message ? `: ${s.message}` : ""}`);
}
