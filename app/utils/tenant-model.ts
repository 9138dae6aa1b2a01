/**
 * What the UI knows about tenants' lifecycle (shared by loaders, actions and components: not a
 * .server module). The order of the phases is the provisioning order
 * (server/provisioning/handlers/provision.ts), not the schema's alphabetical enum order.
 */

export const TENANT_STATUSES = ["PENDING", "PROVISIONING", "ACTIVE", "ERROR", "SUSPENDED", "MAINTENANCE", "DELETING", "DELETED"] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export function isTenantStatus(value: unknown): value is TenantStatus {
  return typeof value === "string" && (TENANT_STATUSES as readonly string[]).includes(value);
}

export const TENANT_PHASES = ["PREFLIGHT", "PLACEMENT", "PREPARING", "DEPLOYING", "DATABASE", "INSTALLING", "ROUTING", "VERIFYING"] as const;
export type TenantPhase = (typeof TENANT_PHASES)[number];

export const PHASE_TEXT: Record<TenantPhase, { label: string; description: string }> = {
  PREFLIGHT: { label: "Preflight", description: "Portainer, the Swarm and the Traefik network are checked." },
  PLACEMENT: { label: "Placement", description: "A node with room for the plan is chosen." },
  PREPARING: { label: "Secrets", description: "The tenant's Docker secrets and configs are created." },
  DEPLOYING: { label: "Deploy", description: "The stack is deployed, not yet reachable from outside." },
  DATABASE: { label: "Database", description: "Waiting for MySQL to run." },
  INSTALLING: { label: "Install", description: "Mautic is installed unattended." },
  ROUTING: { label: "Routing", description: "Traefik starts routing the domain, with TLS." },
  VERIFYING: { label: "Verify", description: "Waiting for Mautic's web service to run." },
};

export type StepState = "done" | "current" | "failed" | "upcoming";

export interface PhaseStep {
  phase: TenantPhase;
  state: StepState;
}

/**
 * Where provisioning stands, phase by phase, or null when there is nothing to show (a tenant
 * being deleted). A tenant past provisioning (ACTIVE, SUSPENDED, or failed in a later operation)
 * has every step done; one in ERROR during provisioning shows the phase that failed.
 */
export function phaseSteps(status: string, phase: string | null): PhaseStep[] | null {
  if (status === "DELETING" || status === "DELETED") return null;
  const at = TENANT_PHASES.indexOf(phase as TenantPhase);
  const inProgress = status === "PENDING" || status === "PROVISIONING";
  return TENANT_PHASES.map((p, index) => {
    let state: StepState;
    if (inProgress) {
      // PENDING without a phase: queued, nothing has run yet.
      state = at < 0 ? "upcoming" : index < at ? "done" : index === at ? "current" : "upcoming";
    } else if (status === "ERROR" && at >= 0) {
      state = index < at ? "done" : index === at ? "failed" : "upcoming";
    } else {
      state = "done";
    }
    return { phase: p, state };
  });
}

/** The services of a tenant's stack (the schema's TenantStackService), in the order people look for them. */
export const STACK_SERVICES = ["MAUTIC_WEB", "MAUTIC_CRON", "MAUTIC_WORKER", "DB", "MAUTIC_INSTALL"] as const;
export type StackService = (typeof STACK_SERVICES)[number];

export const SERVICE_TEXT: Record<StackService, string> = {
  MAUTIC_WEB: "Mautic web (Apache, PHP)",
  MAUTIC_CRON: "Mautic cron (scheduled jobs)",
  MAUTIC_WORKER: "Mautic worker (message queue)",
  DB: "Database (MySQL)",
  MAUTIC_INSTALL: "Installer (one-off job)",
};

export function isStackService(value: unknown): value is StackService {
  return typeof value === "string" && (STACK_SERVICES as readonly string[]).includes(value);
}

/** How many of the last log lines the picker offers (the API allows 1 to 1000). */
export const LOG_TAILS = [50, 100, 200, 500, 1000] as const;
export const DEFAULT_LOG_TAIL = 100;

export function logTail(value: string | null): number {
  const n = Number(value);
  return (LOG_TAILS as readonly number[]).includes(n) ? n : DEFAULT_LOG_TAIL;
}
