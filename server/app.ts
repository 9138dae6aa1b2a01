/**
 * buildApp(): the panel as one object that a process, a test or a script can start and stop.
 * One HTTP server on one port serves Remix pages, GraphQL over HTTP and WebSocket at /graphql,
 * the REST endpoints, /healthz and /readyz. Everything the app needs (database, services,
 * GraphQL server) belongs to the instance; see docs/decisions/003-in-process-worker.md.
 *
 * This file and server/http/ are the HTTP composition layer: the only server code that may
 * import graphql/. Domain modules under server/ never do.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import {
  createGraphQLServer,
  executeOperation,
  GRAPHQL_PATH,
  type GraphQLServer,
  type Operation,
  type OperationOutcome,
} from "../graphql/yoga";
import type { Config } from "./config/env";
import { markDatabaseInUse, releaseDatabase } from "./db/backup";
import { createPrisma, type PrismaClient } from "./db/client";
import { migrateDatabase, projectRoot } from "./db/migrate";
import { createAuthRestRouter, restErrorHandler } from "./http/rest-auth";
import { createTenantRestRouter } from "./http/rest-tenants";
import { trustFunction } from "./http/client-ip";
import { isCrossSite, isUnsafeMethod } from "./http/origin-check";
import { assignRequestId } from "./http/request-id";
import { attachGraphQLWebSocket, type GraphQLWebSocket } from "./http/websocket";
import { createLogger, type Logger } from "./logger";
import type { DnsResolver } from "./provisioning/deps";
import { createServices, type PortainerConnection, type Services } from "./services";

export interface BuildAppOptions {
  config: Config;
  logger?: Logger;
  /** The Remix server build (or a loader that returns the latest one in development). */
  remixBuild?: ServerBuild | (() => Promise<ServerBuild>);
  /** Apply pending migrations before opening the database (default true). */
  migrate?: boolean;
  /** Clock for sessions and throttling (tests). */
  now?: () => Date;
  /**
   * Where Portainer answers. Defaults to PORTAINER_URL and its token; required when the
   * configuration says to use the emulator (the caller starts it and passes its address).
   */
  portainer?: PortainerConnection;
  /** DNS resolver for the routing check (tests). */
  resolveDns?: DnsResolver;
  /** Start the provisioning worker with the server (default true). */
  worker?: boolean;
  /** Called with every SQL statement Prisma runs and its duration (tests count statements; benches time them). */
  onQuery?: (sql: string, durationMs: number) => void;
}

export interface PanelApp {
  services: Services;
  graphql: GraphQLServer;
  server: http.Server;
  /** Listens on config.host:config.port (0 picks a free port); resolves to the base URL. */
  start(): Promise<string>;
  /** Graceful stop: refuse new work, finish in-flight requests, close sockets and the database. */
  stop(): Promise<void>;
}

/** What Remix loaders and actions receive as `context`. */
export type PanelLoadContext = {
  requestId: string;
  graphql: {
    execute: <TData, TVariables extends Record<string, unknown>>(
      operation: Operation<TData, TVariables>,
      variables?: TVariables,
    ) => Promise<OperationOutcome<TData>>;
  };
};

const SESSION_PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** The largest GraphQL request body accepted (operations are small; a 1 MB one is an attack). */
const GRAPHQL_BODY_LIMIT = 256 * 1024;

export async function buildApp(options: BuildAppOptions): Promise<PanelApp> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.log);
  if (options.migrate !== false) await migrateDatabase(config.databasePath);
  const prisma = await createPrisma(config.databasePath, { onQuery: options.onQuery });
  const portainer =
    options.portainer ??
    (config.portainer.mode === "remote"
      ? { url: config.portainer.url, apiKey: config.portainer.apiToken, endpointId: config.portainer.endpointId }
      : null);
  if (!portainer) throw new Error("No Portainer to talk to: set PORTAINER_URL, or start the emulator and pass its address.");
  const services = createServices({ config, logger, prisma, portainer, resolveDns: options.resolveDns, now: options.now });

  const createdAdmin = await services.users.ensureBootstrapAdmin(config.bootstrapAdmin);
  if (createdAdmin) logger.info({ email: createdAdmin }, "created the first ADMIN account from ADMIN_EMAIL");

  const graphql = createGraphQLServer(services);
  let draining = false;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustFunction(config.trustProxy));

  app.use((req, res, next) => {
    const requestId = assignRequestId(req);
    const log = logger.child({ requestId });
    (req as Request & { log: Logger }).log = log;
    res.setHeader("X-Request-Id", requestId);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings may carry tokens.
      log.info({ method: req.method, path: loggablePath(req.path), status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "request");
    });
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.status(200).json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const database = await checkDatabase(prisma);
    const ready = !draining && database === "ok";
    res.status(ready ? 200 : 503).json({
      status: ready ? "ready" : "unavailable",
      checks: { database, ...(draining ? { server: "shutting down" } : {}) },
    });
  });

  app.use((req, res, next) => {
    if (isUnsafeMethod(req.method) && isCrossSite(req.headers, config.appOrigin)) {
      (req as Request & { log: Logger }).log.warn({ origin: req.headers.origin }, "refused a cross-site request");
      res.status(403).json({ error: { code: "FORBIDDEN", message: "Cross-site requests are not allowed." } });
      return;
    }
    next();
  });

  const root = projectRoot();
  app.use("/build", express.static(path.join(root, "public", "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h", index: false }));

  app.use("/api/auth", createAuthRestRouter(graphql));
  app.use("/api/tenants", createTenantRestRouter(graphql));
  app.use("/api", (_req, res) => {
    res.status(404).json({ error: { code: "NOT_FOUND", message: "No such API endpoint." } });
  });
  app.use("/api", restErrorHandler);

  app.use(GRAPHQL_PATH, (req, res, next) => {
    // Refuse oversized operations before reading them (Yoga has no body limit of its own).
    if (Number(req.headers["content-length"] ?? 0) > GRAPHQL_BODY_LIMIT) {
      res.status(413).json({ errors: [{ message: `The request body is larger than ${GRAPHQL_BODY_LIMIT / 1024} KiB.`, extensions: { code: "BODY_TOO_LARGE" } }] });
      return;
    }
    next();
  });
  app.get(GRAPHQL_PATH, async (req, res, next) => {
    // GraphiQL is for signed-in people: a browser without a session is sent to sign in first.
    if (req.accepts(["json", "html"]) !== "html" || req.query.query !== undefined) return next();
    try {
      const token = services.sessionCookie.read(req.headers.cookie);
      if (token && (await services.sessions.resolve(token))) return next();
      res.redirect(303, `/login?redirectTo=${encodeURIComponent(GRAPHQL_PATH)}`);
    } catch (error) {
      next(error);
    }
  });
  app.use(GRAPHQL_PATH, graphql as unknown as express.RequestHandler);

  if (options.remixBuild) {
    // Remix actions read forms, and every form of the UI posts urlencoded. Any other body (JSON,
    // text, multipart, none) would make `request.formData()` throw inside the action: a 500.
    app.use((req, res, next) => {
      if (isUnsafeMethod(req.method) && !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(req.headers["content-type"] ?? "")) {
        res.status(415).type("text/plain").send("Send the form as application/x-www-form-urlencoded.");
        return;
      }
      next();
    });
    app.all(
      "*",
      createRequestHandler({
        build: options.remixBuild,
        mode: config.nodeEnv === "production" ? "production" : "development",
        getLoadContext: (req): PanelLoadContext => ({
          requestId: assignRequestId(req),
          graphql: { execute: (operation, variables) => executeOperation(graphql, req, operation, variables) },
        }),
      }),
    );
  } else {
    app.use((_req, res) => {
      res.status(404).type("text/plain").send("Not found");
    });
  }

  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    // Remix builds the request's URL from the Host header: one that is no host ("a b", a bad port).
    if ((error as { code?: unknown }).code === "ERR_INVALID_URL") {
      res.status(400).type("text/plain").send("Bad request: the Host header is not a host name.");
      return;
    }
    (req as Request & { log?: Logger }).log?.error({ err: error }, "unhandled error");
    res.status(500).type("text/plain").send(`Internal error (request ${assignRequestId(req)})`);
  });

  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000; // longer than Traefik's idle timeout, so it closes first
  let ws: GraphQLWebSocket | null = null;
  let purgeTimer: NodeJS.Timeout | null = null;

  return {
    services,
    graphql,
    server,
    async start() {
      // `npm run db:restore` refuses while this file names a live process (server/db/backup.ts).
      markDatabaseInUse(config.databasePath);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      ws = attachGraphQLWebSocket({ server, graphql, appOrigin: config.appOrigin, logger });
      purgeTimer = setInterval(() => {
        services.sessions.purgeExpired().catch((error) => logger.warn({ err: error }, "could not purge expired sessions"));
      }, SESSION_PURGE_INTERVAL_MS);
      purgeTimer.unref();
      if (options.worker !== false) {
        await services.worker.start();
        services.reconciler.start();
      }
      const { port } = server.address() as AddressInfo;
      const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
      return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    },
    async stop() {
      if (draining) return;
      draining = true;
      if (purgeTimer) clearInterval(purgeTimer);
      await services.reconciler.stop();
      await services.worker.stop();
      const closed = server.listening
        ? new Promise<void>((resolve) => server.close(() => resolve()))
        : Promise.resolve();
      server.closeIdleConnections();
      await ws?.close();
      const timeout = new Promise<"timeout">((resolve) => setTimeout(resolve, config.shutdownTimeoutMs, "timeout").unref());
      if ((await Promise.race([closed, timeout])) === "timeout") {
        logger.warn({ timeoutMs: config.shutdownTimeoutMs }, "in-flight requests did not finish in time; closing them");
        server.closeAllConnections();
        await closed;
      }
      await prisma.$disconnect();
      releaseDatabase(config.databasePath);
    },
  };
}

async function checkDatabase(prisma: PrismaClient): Promise<string> {
  try {
    await prisma.$queryRawUnsafe("SELECT 1");
    return "ok";
  } catch {
    return "unreachable";
  }
}

/**
 * Loads the Remix server build from disk. In development it is re-imported whenever the file
 * changes (`remix watch` rewrites it); otherwise it is imported once.
 */
export function remixBuildLoader(buildFile: string, options: { watch: boolean }): () => Promise<ServerBuild> {
  const url = pathToFileURL(path.resolve(buildFile)).href;
  let cached: { stamp: number; build: Promise<ServerBuild> } | null = null;
  return () => {
    const stamp = options.watch ? fs.statSync(buildFile).mtimeMs : 0;
    if (!cached || cached.stamp !== stamp) {
      cached = { stamp, build: import(options.watch ? `${url}?t=${stamp}` : url) as Promise<ServerBuild> };
    }
    return cached.build;
  };
}

/** A request path fit for the log: one-time tokens in set-password links are cut out. */
export function loggablePath(path: string): string {
  return path.replace(/^\/set-password\/[^/]+/, "/set-password/[redacted]");
}
