/**
 * Swarm, nodes, engine info and containers of the Docker API.
 */
import { DockerApiError } from "../errors";
import { anyOf, matchLabels, parseFilters } from "../filters";
import { sendDockerJson } from "../http";
import { dockerInfo, dockerVersionJson, nodeJson, swarmJson } from "../serialize";
import { isTerminal } from "../swarm";
import type { DockerContext } from "./docker";
import type { Router } from "./router";

const NODE_FILTERS = ["id", "label", "membership", "name", "node.label", "role"] as const;
const CONTAINER_FILTERS = ["id", "label", "name", "status"] as const;

interface ContainerRow {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  running: boolean;
  created: number;
  exitCode: number;
}

/** Task containers plus containers injected as standalone Compose projects. */
function containers(ctx: DockerContext): ContainerRow[] {
  const rows: ContainerRow[] = [];
  for (const task of ctx.cluster.tasks.values()) {
    if (!task.containerId) continue;
    const name = `${task.serviceName}.${task.slot ?? task.nodeId ?? ""}.${task.id}`;
    rows.push({
      id: task.containerId,
      name,
      image: task.spec.ContainerSpec.Image,
      labels: {
        ...(task.spec.ContainerSpec.Labels ?? {}),
        "com.docker.swarm.node.id": task.nodeId ?? "",
        "com.docker.swarm.service.id": task.serviceId,
        "com.docker.swarm.service.name": task.serviceName,
        "com.docker.swarm.task": "",
        "com.docker.swarm.task.id": task.id,
        "com.docker.swarm.task.name": name,
      },
      running: task.state === "running",
      created: task.createdAt,
      exitCode: isTerminal(task.state) ? (task.exitCode ?? 0) : 0,
    });
  }
  for (const c of ctx.cluster.composeContainers) {
    rows.push({ id: c.id, name: c.name, image: c.image, labels: c.labels, running: c.state === "running", created: c.createdAt, exitCode: 0 });
  }
  return rows;
}

/** Registers swarm, node, info, version, ping and container routes. */
export function registerSystemDockerRoutes(router: Router<DockerContext>): void {
  router.get("/swarm", (ctx) => {
    ctx.cluster.requireManager();
    sendDockerJson(ctx.res, 200, swarmJson(ctx.cluster));
  });

  router.get("/nodes", (ctx) => {
    ctx.cluster.requireManager();
    const filters = parseFilters(ctx.url.searchParams.get("filters"), NODE_FILTERS);
    const nodes = [...ctx.cluster.nodes.values()]
      .filter((n) => anyOf(filters, "id", (v) => n.id.startsWith(v)))
      .filter((n) => anyOf(filters, "name", (v) => n.hostname.startsWith(v)))
      .filter((n) => anyOf(filters, "role", (v) => v === n.role))
      .filter((_n) => anyOf(filters, "membership", (v) => v === "accepted"))
      .filter((n) => matchLabels(filters, n.labels, "node.label"));
    sendDockerJson(ctx.res, 200, nodes.map(nodeJson));
  });

  router.get("/nodes/{id}", (ctx) => {
    ctx.cluster.requireManager();
    sendDockerJson(ctx.res, 200, nodeJson(ctx.cluster.getNode(ctx.params.id ?? "")));
  });

  router.get("/info", (ctx) => {
    sendDockerJson(ctx.res, 200, dockerInfo(ctx.endpoint));
  });

  router.get("/version", (ctx) => {
    sendDockerJson(ctx.res, 200, dockerVersionJson());
  });

  router.get("/_ping", (ctx) => {
    ctx.res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Api-Version": "1.46" });
    ctx.res.end("OK");
  });

  router.get("/containers/json", (ctx) => {
    const filters = parseFilters(ctx.url.searchParams.get("filters"), CONTAINER_FILTERS);
    const all = ["1", "true"].includes(ctx.url.searchParams.get("all") ?? "");
    const rows = containers(ctx)
      .filter((c) => all || c.running)
      .filter((c) => anyOf(filters, "id", (v) => c.id.startsWith(v)))
      .filter((c) => anyOf(filters, "name", (v) => c.name.includes(v)))
      .filter((c) => anyOf(filters, "status", (v) => v === (c.running ? "running" : "exited")))
      .filter((c) => matchLabels(filters, c.labels));
    const nowSeconds = Math.floor(ctx.emulator.clock.now() / 1000);
    sendDockerJson(
      ctx.res,
      200,
      rows.map((c) => ({
        Id: c.id,
        Names: [`/${c.name}`],
        Image: c.image,
        ImageID: "",
        Command: "",
        Created: Math.floor(c.created / 1000),
        Ports: [],
        Labels: c.labels,
        State: c.running ? "running" : "exited",
        Status: c.running
          ? `Up ${Math.max(1, nowSeconds - Math.floor(c.created / 1000))} seconds`
          : `Exited (${c.exitCode}) ${Math.max(1, nowSeconds - Math.floor(c.created / 1000))} seconds ago`,
        HostConfig: { NetworkMode: "default" },
        NetworkSettings: { Networks: {} },
        Mounts: [],
      })),
    );
  });

  router.get("/containers/{id}/json", (ctx) => {
    const ref = ctx.params.id ?? "";
    const row = containers(ctx).find((c) => c.id === ref || c.id.startsWith(ref) || c.name === ref);
    if (!row) throw new DockerApiError(404, `No such container: ${ref}`);
    sendDockerJson(ctx.res, 200, {
      Id: row.id,
      Name: `/${row.name}`,
      Created: new Date(row.created).toISOString(),
      State: { Status: row.running ? "running" : "exited", Running: row.running, ExitCode: row.exitCode },
      Config: { Image: row.image, Labels: row.labels },
    });
  });
}
