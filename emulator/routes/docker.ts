/**
 * The Docker proxy, `/api/endpoints/{id}/docker/<docker path>` (`api/http/handler/endpointproxy`):
 * Portainer checks the endpoint (400/404), strips the prefix and an optional `/vX.Y`, and passes
 * the rest to the engine (here: the emulated Swarm). Docker errors come back unchanged.
 */
import { DockerApiError } from "../errors";
import type { RequestContext } from "../http";
import type { EndpointRecord } from "../state";
import type { SwarmCluster } from "../swarm";
import { registerNetworkRoutes } from "./docker-networks";
import { registerObjectRoutes } from "./docker-objects";
import { registerServiceRoutes } from "./docker-services";
import { registerSystemDockerRoutes } from "./docker-system";
import { Router, type RouteMatch } from "./router";

/** Context of a Docker API handler. */
export interface DockerContext extends RequestContext {
  endpoint: EndpointRecord;
  cluster: SwarmCluster;
  /** Agent target node (`X-PortainerAgent-Target`), when given. */
  agentTarget?: string;
}

/** The Docker API routes the emulator answers. */
export const dockerRouter = new Router<DockerContext>();
registerServiceRoutes(dockerRouter);
registerNetworkRoutes(dockerRouter);
registerObjectRoutes(dockerRouter);
registerSystemDockerRoutes(dockerRouter);

/** The path below `/docker`, without an API version prefix. */
export function dockerPath(rest: string): string {
  return `/${rest}`.replace(/^\/v\d+(?:\.\d+)?(?=\/|$)/, "") || "/";
}

/** Matches the proxied path; used for request counting before the handler runs. */
export function matchDocker(method: string, rest: string): RouteMatch<DockerContext> {
  return dockerRouter.match(method, dockerPath(rest));
}

/** Runs the proxied request against the endpoint's Swarm. */
export async function handleDocker(ctx: RequestContext, endpoint: EndpointRecord, rest: string): Promise<void> {
  const match = matchDocker(ctx.method, rest);
  if (match.kind !== "found") {
    // Docker's router answers unknown paths with this body, and wrong methods too.
    throw new DockerApiError(404, "page not found");
  }
  const target = ctx.req.headers["x-portaineragent-target"];
  const dctx: DockerContext = {
    ...ctx,
    params: match.params,
    endpoint,
    cluster: endpoint.cluster,
    agentTarget: typeof target === "string" && target !== "" ? target : undefined,
  };
  await match.handler(dctx);
}
