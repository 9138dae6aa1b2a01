/**
 * GraphQL subscriptions over WebSocket (graphql-ws) on the same port and path as HTTP.
 * Operations go through yoga.getEnveloped, so the session cookie, scope-auth and error
 * masking apply exactly as over HTTP. The upgrade is refused for other paths and for pages of
 * other sites (Origin check), so a foreign page cannot subscribe with a user's cookie.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ExecutionArgs } from "graphql";
import type { Disposable } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { GRAPHQL_PATH, type GraphQLServer } from "../../graphql/yoga";
import type { Logger } from "../logger";
import { isCrossSite } from "./origin-check";
import { assignRequestId } from "./request-id";

export interface GraphQLWebSocket {
  close(): Promise<void>;
}

type Enveloped = ReturnType<GraphQLServer["getEnveloped"]>;

export function attachGraphQLWebSocket(options: {
  server: Server;
  graphql: GraphQLServer;
  appOrigin: string;
  logger: Logger;
}): GraphQLWebSocket {
  const { server, graphql, appOrigin, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const requestId = assignRequestId(req);
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (pathname !== GRAPHQL_PATH) return refuse(socket, 404, "Not Found");
    if (isCrossSite(req.headers, appOrigin)) {
      logger.warn({ requestId, origin: req.headers.origin }, "refused a cross-site WebSocket upgrade");
      return refuse(socket, 403, "Forbidden");
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  };
  server.on("upgrade", onUpgrade);

  const disposable: Disposable = useServer(
    {
      execute: (args) => (args.rootValue as { execute: Enveloped["execute"] }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: Enveloped["subscribe"] }).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const req = ctx.extra.request;
        const { schema, execute, subscribe, contextFactory, parse, validate } = graphql.getEnveloped({
          req,
          transport: "ws",
          connectionParams: ctx.connectionParams,
        });
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as never];
        }
        const args: ExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
    },
    wss,
  );

  return {
    async close() {
      server.off("upgrade", onUpgrade);
      for (const client of wss.clients) client.close(1001, "Server is shutting down");
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
