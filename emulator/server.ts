/**
 * The request pipeline, in Portainer's order: CSRF both-headers check (2.20+) → route match →
 * authentication → handler. Around it: request counting per route pattern and HTTP faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { EmulatorControl } from "./control";
import { DockerApiError, PortainerHttpError } from "./errors";
import { readBody, writeDockerError, writePortainerError, type RequestContext } from "./http";
import type { Emulator } from "./runtime";
import { authenticate, checkCsrf, registerAuthRoutes } from "./routes/auth";
import { CONTROL_PREFIX, handleControl } from "./routes/control";
import { handleDocker, matchDocker } from "./routes/docker";
import { endpointFromRoute, registerEndpointRoutes } from "./routes/endpoints";
import { Router } from "./routes/router";
import { normalizeStackName, registerStackRoutes } from "./routes/stacks";
import { registerSystemRoutes } from "./routes/system";
import { parsePortainerVersion } from "./version";

const DOCKER_PROXY = "/api/endpoints/{id}/docker/{path*}";

const portainerRouter = new Router();
registerSystemRoutes(portainerRouter);
registerAuthRoutes(portainerRouter);
registerEndpointRoutes(portainerRouter);
registerStackRoutes(portainerRouter);
portainerRouter.add("*", DOCKER_PROXY, async (ctx) => {
  const endpoint = endpointFromRoute(ctx);
  if (ctx.emulator.endpointDown(endpoint.id, true)) {
    // Go's ReverseProxy without an ErrorHandler: 502 and an empty body (portainer-api.md §7.1).
    ctx.res.writeHead(502);
    ctx.res.end();
    return;
  }
  await handleDocker(ctx, endpoint, ctx.params.path ?? "");
});

/** Routes that work without credentials. */
const PUBLIC = new Set(["GET /api/system/status", "GET /api/status", "POST /api/auth", "POST /api/auth/logout"]);

/** The key requests are counted under: `METHOD /pattern`. */
function routeKey(method: string, pattern: string, params: Record<string, string>): string {
  if (pattern !== DOCKER_PROXY) return `${method} ${pattern}`;
  const docker = matchDocker(method, params.path ?? "");
  const sub = docker.kind === "found" ? docker.pattern : "(unmatched)";
  return `${method} /api/endpoints/{id}/docker${sub}`;
}

function targetedEndpoint(ctx: RequestContext, pattern: string): number | undefined {
  if (pattern.startsWith("/api/endpoints/{id}")) return Number(ctx.params.id);
  const query = ctx.url.searchParams.get("endpointId");
  if (query && /^\d+$/.test(query)) return Number(query);
  if (pattern.startsWith("/api/stacks/{id}")) return ctx.emulator.state.stacks.get(Number(ctx.params.id))?.endpointId;
  return undefined;
}

function targetedStack(ctx: RequestContext, pattern: string): string | undefined {
  if (pattern.startsWith("/api/stacks/{id}")) return ctx.emulator.state.stacks.get(Number(ctx.params.id))?.name;
  if (pattern.startsWith("/api/stacks/create") || pattern === "/api/stacks") {
    try {
      const body = JSON.parse(ctx.body.toString("utf8")) as Record<string, unknown>;
      const name = Object.entries(body).find(([k]) => k.toLowerCase() === "name")?.[1];
      return typeof name === "string" ? normalizeStackName(name) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(emulator: Emulator, control: EmulatorControl, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator.local");
  const method = req.method ?? "GET";
  const body = await readBody(req);

  if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
    await handleControl(emulator, control, req, res, url, body);
    return;
  }

  const ctx: RequestContext = { req, res, url, method, params: {}, body, version: emulator.version, emulator };
  const match = portainerRouter.match(method, url.pathname);
  const pattern = match.kind === "not-found" ? "(unmatched)" : match.pattern;
  if (match.kind === "found") ctx.params = match.params;
  const key = routeKey(method, pattern, ctx.params);
  emulator.state.requestCounts.set(key, (emulator.state.requestCounts.get(key) ?? 0) + 1);
  emulator.log(`${method} ${url.pathname}${url.search}`);

  ctx.endpointId = targetedEndpoint(ctx, pattern);
  const faults = emulator.state.faults.takeHttpFaults({
    method,
    pattern: key.slice(method.length + 1),
    path: url.pathname,
    endpointId: ctx.endpointId,
    stackName: targetedStack(ctx, pattern),
  });
  for (const fault of faults) if (fault.spec.kind === "delay") await wait(fault.spec.delayMs ?? 0);
  const drop = faults.find((f) => f.spec.kind === "drop-connection");
  if (drop && !drop.spec.afterHandling) {
    req.socket.destroy();
    return;
  }
  if (drop) {
    // The request is carried out, but its answer never arrives: what a client sees when its
    // timeout fires or the connection breaks after Portainer acted (e.g. a create that worked).
    const lose = () => {
      req.socket.destroy();
      return res;
    };
    res.writeHead = lose as unknown as typeof res.writeHead;
    res.end = lose as unknown as typeof res.end;
    res.write = (() => (lose(), true)) as unknown as typeof res.write;
  }
  const versionFault = faults.find((f) => f.spec.kind === "version");
  if (versionFault?.spec.version) ctx.version = parsePortainerVersion(versionFault.spec.version);
  const errorFault = faults.find((f) => f.spec.kind === "http-error");
  if (errorFault) {
    writePortainerError(
      res,
      ctx.version,
      new PortainerHttpError(
        errorFault.spec.status ?? 500,
        errorFault.spec.message ?? "Internal server error",
        errorFault.spec.details ?? "Emulated fault injected by the Portainer emulator",
      ),
    );
    return;
  }

  try {
    checkCsrf(ctx);
    if (match.kind === "not-found") {
      // gorilla/mux's default: plain-text 404 before any middleware runs.
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("404 page not found\n");
      return;
    }
    if (match.kind === "method-not-allowed") {
      res.writeHead(405);
      res.end();
      return;
    }
    if (!PUBLIC.has(`${method} ${pattern}`)) ctx.user = authenticate(ctx);
    await match.handler(ctx);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof PortainerHttpError) writePortainerError(res, ctx.version, err);
    else if (err instanceof DockerApiError) writeDockerError(res, err);
    else {
      emulator.log(`internal error on ${method} ${url.pathname}: ${err instanceof Error ? err.stack : String(err)}`);
      writePortainerError(
        res,
        ctx.version,
        new PortainerHttpError(500, "Emulator internal error", err instanceof Error ? err.message : String(err)),
      );
    }
  }
}

/** A listening emulator server and a way to stop it. */
export interface RunningServer {
  server: Server;
  close(): Promise<void>;
}

/** Creates and starts the HTTP server. */
export function listen(emulator: Emulator, control: EmulatorControl, port: number, host: string): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(emulator, control, req, res).catch((err: unknown) => {
      emulator.log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message: "Emulator internal error" }));
      } else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve({
        server,
        close: () =>
          new Promise<void>((done) => {
            emulator.dispose();
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
