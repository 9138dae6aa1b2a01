/**
 * `portainerStatus`: the checks PREFLIGHT runs before every deploy (server/provisioning/preflight.ts),
 * on demand, for an operator setting up or debugging the panel's connection to Portainer.
 */
import { checkPortainer, type PortainerStatusReport } from "../../server/provisioning/preflight";
import { builder } from "../builder";
import { PortainerCheckRef } from "./portainer-check";

export const PortainerStatusRef = builder.objectRef<PortainerStatusReport>("PortainerStatus").implement({
  description: "Whether the panel can deploy through Portainer, check by check. Never contains the API token.",
  fields: (t) => ({
    ok: t.exposeBoolean("ok", { description: "True when every check passed: tenants can be deployed." }),
    checkedAt: t.expose("checkedAt", { type: "DateTime", description: "When the checks ran." }),
    reachable: t.exposeBoolean("reachable", { description: "Whether Portainer answered at all." }),
    version: t.exposeString("version", { nullable: true, description: "The version Portainer reports; null when it did not answer." }),
    endpointId: t.exposeInt("endpointId", { description: "The Portainer environment the panel uses (PORTAINER_ENDPOINT_ID)." }),
    swarmId: t.exposeString("swarmId", { nullable: true, description: "The Swarm's cluster id; null when it could not be read." }),
    traefikNetwork: t.exposeString("traefikNetwork", { description: "The overlay network tenant stacks join for Traefik (TRAEFIK_NETWORK_NAME)." }),
    checks: t.field({
      type: [PortainerCheckRef],
      description: "Every check, in order: URL, TOKEN, VERSION, ENDPOINT, SWARM, TRAEFIK_NETWORK.",
      resolve: (report) => report.checks,
    }),
  }),
});

builder.queryField("portainerStatus", (t) =>
  t.withAuth({ admin: true }).field({
    type: PortainerStatusRef,
    description: "Checks the connection to Portainer now: URL, token, version, environment, Swarm and Traefik network. ADMIN only.",
    resolve: (_root, _args, context) => checkPortainer(context.services.portainer, context.services.config),
  }),
);
