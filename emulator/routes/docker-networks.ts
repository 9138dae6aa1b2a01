/**
 * Networks and volumes of the Docker API. Volumes are node-local: the list aggregates every node
 * (as the Portainer agent does); `X-PortainerAgent-Target: <hostname>` narrows to one node.
 */
import { DockerApiError } from "../errors";
import { anyOf, matchLabels, parseFilters } from "../filters";
import { sendDockerJson, type JsonObject } from "../http";
import { decorate, networkJson, volumeJson } from "../serialize";
import type { NodeModel, VolumeModel } from "../swarm";
import type { DockerContext } from "./docker";
import type { Router } from "./router";

const NETWORK_FILTERS = ["dangling", "driver", "id", "label", "name", "scope", "type"] as const;
const VOLUME_FILTERS = ["dangling", "driver", "label", "name"] as const;

function jsonBody(ctx: DockerContext): JsonObject {
  const text = ctx.body.toString("utf8");
  if (text.trim() === "") return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as JsonObject;
  } catch {
    // fall through to Docker's decode error
  }
  throw new DockerApiError(400, "invalid JSON: invalid character in request body");
}

function targetNode(ctx: DockerContext): NodeModel | undefined {
  if (!ctx.agentTarget) return undefined;
  const node = [...ctx.cluster.nodes.values()].find((n) => n.hostname === ctx.agentTarget);
  if (!node) throw new DockerApiError(500, `unable to find the targeted agent: ${ctx.agentTarget}`);
  return node;
}

function findVolumes(ctx: DockerContext, name: string): VolumeModel[] {
  const node = targetNode(ctx);
  return ctx.cluster.volumes.filter((v) => v.name === name && (!node || v.nodeId === node.id));
}

/** Registers network and volume routes. */
export function registerNetworkRoutes(router: Router<DockerContext>): void {
  router.get("/networks", (ctx) => {
    const filters = parseFilters(ctx.url.searchParams.get("filters"), NETWORK_FILTERS);
    const networks = [...ctx.cluster.networks.values()]
      .filter((n) => ctx.cluster.isManager || n.scope !== "swarm")
      .filter((n) => anyOf(filters, "name", (v) => n.name.includes(v)))
      .filter((n) => anyOf(filters, "id", (v) => n.id.includes(v)))
      .filter((n) => anyOf(filters, "driver", (v) => v === n.driver))
      .filter((n) => anyOf(filters, "scope", (v) => v === n.scope))
      .filter((n) => anyOf(filters, "type", (v) => (v === "builtin" ? n.builtin : v === "custom" ? !n.builtin : false)))
      .filter((n) => matchLabels(filters, n.labels));
    sendDockerJson(
      ctx.res,
      200,
      networks.map((n) => decorate(ctx.emulator.state, ctx.endpoint.id, n.labels, networkJson(n))),
    );
  });

  router.get("/networks/{id}", (ctx) => {
    const ref = ctx.params.id ?? "";
    const network = ctx.cluster.findNetwork(ref);
    if (!network || (!ctx.cluster.isManager && network.scope === "swarm")) {
      throw new DockerApiError(404, `network ${ref} not found`);
    }
    sendDockerJson(ctx.res, 200, decorate(ctx.emulator.state, ctx.endpoint.id, network.labels, networkJson(network)));
  });

  router.post("/networks/create", (ctx) => {
    const body = jsonBody(ctx);
    const name = typeof body.Name === "string" ? body.Name : "";
    if (name === "") throw new DockerApiError(400, "network name is required");
    const driver = typeof body.Driver === "string" && body.Driver !== "" ? body.Driver : "bridge";
    if (driver === "overlay") ctx.cluster.requireManager();
    const ipam = body.IPAM as { Config?: Array<{ Subnet?: string }> } | undefined;
    const labels = (body.Labels ?? {}) as Record<string, string>;
    const network = ctx.cluster.addNetwork({
      name,
      driver,
      scope: driver === "overlay" ? "swarm" : "local",
      subnet: ipam?.Config?.[0]?.Subnet,
      attachable: body.Attachable === true,
      labels,
    });
    network.internal = body.Internal === true;
    sendDockerJson(ctx.res, 201, { Id: network.id, Warning: "" });
  });

  router.delete("/networks/{id}", (ctx) => {
    const ref = ctx.params.id ?? "";
    const network = ctx.cluster.findNetwork(ref);
    if (!network) throw new DockerApiError(404, `network ${ref} not found`);
    if (network.builtin) throw new DockerApiError(403, `${network.name} is a pre-defined network and cannot be removed`);
    const user = [...ctx.cluster.services.values()].find((s) =>
      (s.spec.TaskTemplate.Networks ?? []).some((n) => n.Target === network.id),
    );
    if (user) {
      throw new DockerApiError(
        400,
        `rpc error: code = FailedPrecondition desc = network ${network.id} is in use by service ${user.id}`,
      );
    }
    ctx.cluster.networks.delete(network.id);
    ctx.res.writeHead(204);
    ctx.res.end();
  });

  router.get("/volumes", (ctx) => {
    const filters = parseFilters(ctx.url.searchParams.get("filters"), VOLUME_FILTERS);
    const node = targetNode(ctx);
    const volumes = ctx.cluster.volumes
      .filter((v) => !node || v.nodeId === node.id)
      .filter((v) => anyOf(filters, "name", (f) => v.name.includes(f)))
      .filter((v) => anyOf(filters, "driver", (f) => f === v.driver))
      .filter((v) => matchLabels(filters, v.labels))
      .filter((v) =>
        anyOf(filters, "dangling", (f) => {
          const dangling = ctx.cluster.containersUsingVolume(v.nodeId, v.name).length === 0;
          return f === "true" || f === "1" ? dangling : !dangling;
        }),
      );
    sendDockerJson(ctx.res, 200, {
      Volumes: volumes.map((v) => decorate(ctx.emulator.state, ctx.endpoint.id, v.labels, volumeJson(v))),
      Warnings: null,
    });
  });

  router.get("/volumes/{name}", (ctx) => {
    const name = ctx.params.name ?? "";
    const volume = findVolumes(ctx, name)[0];
    if (!volume) throw new DockerApiError(404, `get ${name}: no such volume`);
    sendDockerJson(ctx.res, 200, volumeJson(volume));
  });

  router.delete("/volumes/{name}", (ctx) => {
    const name = ctx.params.name ?? "";
    const volume = findVolumes(ctx, name)[0];
    if (!volume) throw new DockerApiError(404, `get ${name}: no such volume`);
    const users = ctx.cluster.containersUsingVolume(volume.nodeId, name);
    if (users.length > 0) throw new DockerApiError(409, `remove ${name}: volume is in use - [${users.join(", ")}]`);
    ctx.cluster.volumes.splice(ctx.cluster.volumes.indexOf(volume), 1);
    ctx.res.writeHead(204);
    ctx.res.end();
  });
}
