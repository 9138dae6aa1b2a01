/**
 * `GET /api/system/status` (and its deprecated alias `/api/status`): public, reports `Version`.
 * An extra `Emulator` field says plainly that this is not Portainer, while `Version` keeps the
 * real-looking value clients compare against.
 */
import { sendJson, type RequestContext } from "../http";
import type { Router } from "./router";

/** Marker placed in the status body. */
export const EMULATOR_MARKER = "portainer-emulator: an emulator for tests and demos, not Portainer";

function status(ctx: RequestContext): void {
  sendJson(ctx.res, 200, {
    Version: ctx.version.raw,
    InstanceID: ctx.emulator.state.instanceId,
    Emulator: EMULATOR_MARKER,
  });
}

/** Registers the status routes. */
export function registerSystemRoutes(router: Router): void {
  router.get("/api/system/status", status);
  router.get("/api/status", status);
}
