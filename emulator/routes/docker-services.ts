/**
 * Services, tasks and service logs of the Docker API (moby v27 swagger, `daemon/cluster`).
 */
import { isoNano } from "../clock";
import { removeService } from "../deploy";
import { DockerApiError } from "../errors";
import { anyOf, matchLabels, parseFilters } from "../filters";
import { sendDockerJson } from "../http";
import { decorate, serviceJson, taskJson } from "../serialize";
import type { LogEntry, LogFollower, TaskModel } from "../swarm";
import type { DockerContext } from "./docker";
import type { Router } from "./router";

const SERVICE_FILTERS = ["name", "id", "label", "mode", "runtime"] as const;
const TASK_FILTERS = ["desired-state", "id", "label", "name", "node", "service", "_up-to-date", "runtime"] as const;

function modeName(mode: object): string {
  if ("Replicated" in mode) return "replicated";
  if ("Global" in mode) return "global";
  if ("ReplicatedJob" in mode) return "replicated-job";
  return "global-job";
}

const truthy = (value: string | null): boolean => value === "1" || value === "true";

/** swarmkit's task name: `<service>.<slot or node ID>.<task ID>`. */
const taskName = (task: TaskModel): string => `${task.serviceName}.${task.slot ?? task.nodeId ?? ""}.${task.id}`;

/** One multiplexed-stream frame: `[stream, 0, 0, 0, size(uint32 BE)]` + payload. */
export function frame(stream: "stdout" | "stderr", payload: string): Buffer {
  const body = Buffer.from(payload, "utf8");
  const header = Buffer.alloc(8);
  header[0] = stream === "stdout" ? 1 : 2;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function logLine(entry: LogEntry, serviceId: string, timestamps: boolean, details: boolean): string {
  let line = "";
  if (timestamps) line += `${isoNano(entry.time)} `;
  if (details) {
    line += `com.docker.swarm.node.id=${entry.nodeId ?? ""},com.docker.swarm.service.id=${serviceId},com.docker.swarm.task.id=${entry.taskId ?? ""} `;
  }
  return `${line}${entry.text}\n`;
}

/** Registers service, task and log routes. */
export function registerServiceRoutes(router: Router<DockerContext>): void {
  router.get("/services", (ctx) => {
    ctx.cluster.requireManager();
    const filters = parseFilters(ctx.url.searchParams.get("filters"), SERVICE_FILTERS);
    const withStatus = truthy(ctx.url.searchParams.get("status"));
    const services = [...ctx.cluster.services.values()]
      .filter((s) => anyOf(filters, "name", (v) => s.spec.Name.startsWith(v)))
      .filter((s) => anyOf(filters, "id", (v) => s.id.startsWith(v)))
      .filter((s) => matchLabels(filters, s.spec.Labels))
      .filter((s) => anyOf(filters, "mode", (v) => v === modeName(s.spec.Mode)))
      .sort((a, b) => a.createdAt - b.createdAt || (a.spec.Name < b.spec.Name ? -1 : 1));
    sendDockerJson(
      ctx.res,
      200,
      services.map((s) =>
        decorate(ctx.emulator.state, ctx.endpoint.id, s.spec.Labels, serviceJson(ctx.cluster, s, withStatus)),
      ),
    );
  });

  router.get("/services/{id}", (ctx) => {
    ctx.cluster.requireManager();
    const service = ctx.cluster.getService(ctx.params.id ?? "");
    sendDockerJson(
      ctx.res,
      200,
      decorate(ctx.emulator.state, ctx.endpoint.id, service.spec.Labels, serviceJson(ctx.cluster, service, false)),
    );
  });

  router.delete("/services/{id}", (ctx) => {
    ctx.cluster.requireManager();
    removeService(ctx.cluster, ctx.cluster.getService(ctx.params.id ?? ""));
    ctx.res.writeHead(200);
    ctx.res.end();
  });

  router.get("/services/{id}/logs", (ctx) => {
    ctx.cluster.requireManager();
    const service = ctx.cluster.getService(ctx.params.id ?? "");
    const query = ctx.url.searchParams;
    const stdout = truthy(query.get("stdout"));
    const stderr = truthy(query.get("stderr"));
    if (!stdout && !stderr) throw new DockerApiError(400, "Bad parameters: you must choose at least one stream");
    const tail = query.get("tail") ?? "all";
    if (tail !== "all" && tail !== "" && !/^\d+$/.test(tail)) {
      throw new DockerApiError(400, 'tail value must be a positive integer or "all"');
    }
    const since = Number(query.get("since") ?? "0") * 1000;
    const timestamps = truthy(query.get("timestamps"));
    const details = truthy(query.get("details"));
    const wanted = (entry: LogEntry): boolean =>
      (entry.stream === "stdout" ? stdout : stderr) && (!since || entry.time >= since);
    let entries = (ctx.cluster.logs.get(service.id) ?? []).filter(wanted);
    if (tail !== "all" && tail !== "") entries = entries.slice(Math.max(0, entries.length - Number(tail)));

    ctx.res.writeHead(200, { "Content-Type": "application/vnd.docker.multiplexed-stream" });
    // A follower must see the headers before the first line arrives.
    ctx.res.flushHeaders();
    for (const entry of entries) ctx.res.write(frame(entry.stream, logLine(entry, service.id, timestamps, details)));
    if (!truthy(query.get("follow"))) {
      ctx.res.end();
      return;
    }
    const followers = ctx.cluster.logFollowers.get(service.id) ?? new Set<LogFollower>();
    ctx.cluster.logFollowers.set(service.id, followers);
    const follower: LogFollower = {
      push: (entry) => {
        if (wanted(entry)) ctx.res.write(frame(entry.stream, logLine(entry, service.id, timestamps, details)));
      },
      end: () => {
        followers.delete(follower);
        ctx.res.end();
      },
    };
    followers.add(follower);
    ctx.res.on("close", () => followers.delete(follower));
  });

  router.get("/tasks", (ctx) => {
    ctx.cluster.requireManager();
    const filters = parseFilters(ctx.url.searchParams.get("filters"), TASK_FILTERS);
    const serviceIds = (filters.get("service") ?? []).map((ref) => ctx.cluster.getService(ref).id);
    const nodeIds = (filters.get("node") ?? []).map((ref) => ctx.cluster.getNode(ref).id);
    for (const state of filters.get("desired-state") ?? []) {
      if (!["running", "shutdown", "accepted", "complete", "remove", "ready"].includes(state)) {
        throw new DockerApiError(400, `invalid task desired state: ${state}`);
      }
    }
    const tasks = [...ctx.cluster.tasks.values()]
      .filter((t) => serviceIds.length === 0 || serviceIds.includes(t.serviceId))
      .filter((t) => nodeIds.length === 0 || (t.nodeId !== undefined && nodeIds.includes(t.nodeId)))
      .filter((t) => anyOf(filters, "desired-state", (v) => v === t.desiredState))
      .filter((t) => anyOf(filters, "id", (v) => t.id.startsWith(v)))
      .filter((t) => anyOf(filters, "name", (v) => taskName(t).startsWith(v)))
      // Task label filters match the service's labels (swarmkit `ServiceAnnotations`).
      .filter((t) => matchLabels(filters, t.serviceLabels))
      .sort((a, b) => a.createdAt - b.createdAt || a.version - b.version);
    sendDockerJson(ctx.res, 200, tasks.map((t) => taskJson(ctx.cluster, t)));
  });

  router.get("/tasks/{id}", (ctx) => {
    ctx.cluster.requireManager();
    const ref = ctx.params.id ?? "";
    const task =
      ctx.cluster.tasks.get(ref) ??
      [...ctx.cluster.tasks.values()].find((t) => taskName(t) === ref) ??
      [...ctx.cluster.tasks.values()].find((t) => ref !== "" && t.id.startsWith(ref));
    if (!task) throw new DockerApiError(404, `task ${ref} not found`);
    sendDockerJson(ctx.res, 200, taskJson(ctx.cluster, task));
  });
}
