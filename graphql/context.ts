/**
 * The GraphQL context, built the same way for every transport: HTTP (Yoga), WebSocket
 * (graphql-ws through yoga.getEnveloped) and in-process execution (Remix loaders and actions,
 * REST routes). The session comes from the signed cookie; who is asking is decided here once.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActiveSession, ClientInfo, SessionUser } from "../server/auth/sessions";
import { clientIpOf } from "../server/http/client-ip";
import type { Logger } from "../server/logger";
import type { Services } from "../server/services";

export type Transport = "http" | "ws" | "in-process";

export interface GraphQLContext {
  services: Services;
  logger: Logger;
  transport: Transport;
  requestId: string;
  client: ClientInfo;
  /** The token from the request's session cookie, when it carried a valid signature. */
  sessionToken: string | null;
  session: ActiveSession | null;
  user: SessionUser | null;
  /** Adds a Set-Cookie header to the response (HTTP and in-process only). */
  setCookie(value: string): void;
  /** Every Set-Cookie value added while executing (read by in-process callers). */
  readonly responseCookies: string[];
}

/** What each transport hands to the context factory. */
export interface ContextInput {
  req: IncomingMessage & { requestId?: string };
  res?: ServerResponse;
  transport: Transport;
}

export async function createContext(services: Services, input: ContextInput): Promise<GraphQLContext> {
  const { req, res } = input;
  const requestId = req.requestId ?? "-";
  const client: ClientInfo = {
    ip: clientIpOf(req, services.config.trustProxy),
    userAgent: typeof req.headers["user-agent"] === "string" ? req.headers["user-agent"] : null,
  };
  const sessionToken = services.sessionCookie.read(req.headers.cookie);
  const session = sessionToken ? await services.sessions.resolve(sessionToken) : null;
  const responseCookies: string[] = [];
  return {
    services,
    logger: services.logger.child({ requestId }),
    transport: input.transport,
    requestId,
    client,
    sessionToken: session ? sessionToken : null,
    session,
    user: session?.user ?? null,
    responseCookies,
    setCookie(value) {
      responseCookies.push(value);
      if (res && !res.headersSent) res.appendHeader("Set-Cookie", value);
    },
  };
}
