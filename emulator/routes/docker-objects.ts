/**
 * Swarm configs and secrets (`/configs`, `/secrets`): create, inspect, list, remove, with
 * swarmkit's validation and in-use refusals (`manager/controlapi/{config,secret}.go`).
 */
import { inUseMessage } from "../deploy";
import { DockerApiError } from "../errors";
import { anyOf, matchLabels, parseFilters } from "../filters";
import { sendDockerJson } from "../http";
import { decorate, objectJson } from "../serialize";
import type { SwarmObject } from "../swarm";
import type { DockerContext } from "./docker";
import type { Router } from "./router";

const OBJECT_FILTERS = ["id", "label", "name", "names"] as const;
const VALID_NAME = /^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/;
const MAX_SIZE = { config: 1000 * 1024, secret: 500 * 1024 } as const;

const invalid = (desc: string): DockerApiError => new DockerApiError(400, `rpc error: code = InvalidArgument desc = ${desc}`);

function create(ctx: DockerContext, kind: "config" | "secret"): void {
  ctx.cluster.requireManager();
  let body: Record<string, unknown>;
  try {
    const parsed = JSON.parse(ctx.body.toString("utf8") || "{}") as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    body = parsed as Record<string, unknown>;
  } catch {
    throw new DockerApiError(400, "invalid JSON: unexpected end of JSON input");
  }
  const name = typeof body.Name === "string" ? body.Name : "";
  if (name === "") throw invalid("name must be provided");
  if (name.length > 64 || !VALID_NAME.test(name)) {
    throw invalid("invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]");
  }
  const data = typeof body.Data === "string" ? body.Data : "";
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw new DockerApiError(400, "illegal base64 data at input byte 0");
  }
  const size = Buffer.from(data, "base64").length;
  if (size < 1 || size >= MAX_SIZE[kind]) {
    throw invalid(`${kind} data must be larger than 0 and less than ${MAX_SIZE[kind]} bytes`);
  }
  if (ctx.cluster.findObjectByName(kind, name)) {
    throw new DockerApiError(409, `rpc error: code = AlreadyExists desc = ${kind} ${name} already exists`);
  }
  const now = ctx.emulator.clock.now();
  const object: SwarmObject = {
    id: ctx.cluster.ids.swarmId(),
    name,
    labels: (body.Labels ?? {}) as Record<string, string>,
    data,
    createdAt: now,
    updatedAt: now,
    version: ctx.cluster.nextVersion(),
  };
  (kind === "config" ? ctx.cluster.configs : ctx.cluster.secrets).set(object.id, object);
  sendDockerJson(ctx.res, 201, { ID: object.id });
}

function register(router: Router<DockerContext>, kind: "config" | "secret"): void {
  const base = `/${kind}s`;
  router.post(`${base}/create`, (ctx) => create(ctx, kind));

  router.get(base, (ctx) => {
    ctx.cluster.requireManager();
    const filters = parseFilters(ctx.url.searchParams.get("filters"), OBJECT_FILTERS);
    const store = kind === "config" ? ctx.cluster.configs : ctx.cluster.secrets;
    const list = [...store.values()]
      .filter((o) => anyOf(filters, "id", (v) => o.id.startsWith(v)))
      .filter((o) => anyOf(filters, "name", (v) => o.name.startsWith(v)))
      .filter((o) => anyOf(filters, "names", (v) => o.name === v))
      .filter((o) => matchLabels(filters, o.labels));
    sendDockerJson(
      ctx.res,
      200,
      list.map((o) => decorate(ctx.emulator.state, ctx.endpoint.id, o.labels, objectJson(kind, o))),
    );
  });

  router.get(`${base}/{id}`, (ctx) => {
    ctx.cluster.requireManager();
    const object = ctx.cluster.getObject(kind, ctx.params.id ?? "");
    sendDockerJson(ctx.res, 200, decorate(ctx.emulator.state, ctx.endpoint.id, object.labels, objectJson(kind, object)));
  });

  router.delete(`${base}/{id}`, (ctx) => {
    ctx.cluster.requireManager();
    const object = ctx.cluster.getObject(kind, ctx.params.id ?? "");
    const users = ctx.cluster.servicesUsing(kind, object.id);
    if (users.length > 0) throw new DockerApiError(400, inUseMessage(kind, object.name, users));
    (kind === "config" ? ctx.cluster.configs : ctx.cluster.secrets).delete(object.id);
    ctx.res.writeHead(204);
    ctx.res.end();
  });
}

/** Registers config and secret routes. */
export function registerObjectRoutes(router: Router<DockerContext>): void {
  register(router, "config");
  register(router, "secret");
}
