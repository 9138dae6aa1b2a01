/**
 * Environments (`api/http/handler/endpoints/*.go`): list with array filters written `name[]=v`,
 * inspect (with `excludeSnapshot`), and the admin snapshot refresh.
 */
import { PortainerHttpError } from "../errors";
import { numericParam, sendEmpty, sendJson, type RequestContext } from "../http";
import { endpointJson } from "../serialize";
import type { EndpointRecord } from "../state";
import type { Router } from "./router";

/** The `Unable to find an environment…` 404 with the database's own details. */
export function endpointNotFound(id: number): PortainerHttpError {
  return new PortainerHttpError(
    404,
    "Unable to find an environment with the specified identifier inside the database",
    `object not found inside the database (bucket=endpoints, key=${id})`,
  );
}

/** Route `{id}` → endpoint, with Portainer's 400/404. */
export function endpointFromRoute(ctx: RequestContext): EndpointRecord {
  const id = numericParam(ctx, "id", "Invalid environment identifier route variable");
  const endpoint = ctx.emulator.state.endpoint(id);
  if (!endpoint) throw endpointNotFound(id);
  return endpoint;
}

function arrayParam(ctx: RequestContext, name: string): string[] {
  return [...ctx.url.searchParams.getAll(`${name}[]`), ...ctx.url.searchParams.getAll(name)];
}

/** Registers the endpoint routes. */
export function registerEndpointRoutes(router: Router): void {
  router.get("/api/endpoints", (ctx) => {
    const { state } = ctx.emulator;
    const search = (ctx.url.searchParams.get("search") ?? "").toLowerCase();
    const name = ctx.url.searchParams.get("name");
    const types = arrayParam(ctx, "types").map(Number);
    const statuses = arrayParam(ctx, "status").map(Number);
    const ids = arrayParam(ctx, "endpointIds").map(Number);
    const withSnapshots = ctx.url.searchParams.get("excludeSnapshots") !== "true";
    let list = [...state.endpoints.values()]
      .filter((e) => (name === null ? true : e.name === name))
      .filter((e) => search === "" || e.name.toLowerCase().includes(search))
      .filter((_e) => types.length === 0 || types.includes(2))
      .filter((e) => statuses.length === 0 || statuses.includes(ctx.emulator.endpointStatus(e)))
      .filter((e) => ids.length === 0 || ids.includes(e.id));
    const total = list.length;
    const start = Number(ctx.url.searchParams.get("start") ?? "0");
    const limit = Number(ctx.url.searchParams.get("limit") ?? "0");
    if (Number.isNaN(start) || Number.isNaN(limit)) throw new PortainerHttpError(400, "Invalid query parameters", "invalid start or limit");
    if (limit > 0) list = list.slice(start, start + limit);
    sendJson(
      ctx.res,
      200,
      list.map((e) => endpointJson(state, e, ctx.emulator.endpointStatus(e), withSnapshots)),
      { "X-Total-Count": String(total), "X-Total-Available": String(state.endpoints.size) },
    );
  });

  router.get("/api/endpoints/{id}", (ctx) => {
    const endpoint = endpointFromRoute(ctx);
    const withSnapshot = ctx.url.searchParams.get("excludeSnapshot") !== "true";
    sendJson(ctx.res, 200, endpointJson(ctx.emulator.state, endpoint, ctx.emulator.endpointStatus(endpoint), withSnapshot));
  });

  router.post("/api/endpoints/{id}/snapshot", (ctx) => {
    endpointFromRoute(ctx);
    sendEmpty(ctx.res, 204);
  });
}
