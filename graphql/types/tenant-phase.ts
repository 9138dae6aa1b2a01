import { builder } from "../builder";

export const TenantPhaseEnum = builder.enumType("TenantPhase", {
  description: "The steps of provisioning, in order.",
  values: {
    PREFLIGHT: { description: "Portainer, the Swarm and the Traefik network are checked." },
    PLACEMENT: { description: "A node with room for the plan is chosen." },
    PREPARING: { description: "The tenant's Docker secrets and configs are created." },
    DEPLOYING: { description: "The stack is deployed, not yet reachable from outside." },
    DATABASE: { description: "Waiting for MySQL to run." },
    INSTALLING: { description: "Mautic is installed unattended." },
    ROUTING: { description: "Traefik starts routing the domain, with TLS." },
    VERIFYING: { description: "Waiting for Mautic's web service to run." },
  } as const,
});
