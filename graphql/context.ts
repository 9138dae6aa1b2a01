/**
 * The GraphQL context, built the same way for every transport: HTTP (Yoga), WebSocket
 * (graphql-ws through yoga.getEnveloped) and in-process execution (Remix loaders and actions,
 * REST routes). Who is asking is decided here once: an API token (`Authorization: Bearer` on
 * HTTP, the `authorization` connection param on WebSocket) when one is given, else the
 * session from the signed cookie.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken } from "../server/auth/api-tokens";
import type { Principal } from "../server/auth/principal";
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
  /** Who is asking (session or API token), or null when signed out. */
  principal: Principal | null;
  /** The acting account with its effective role (a token may narrow it); null when signed out. */
  user: SessionUser | null;
  /** Why a presented credential was refused (e.g. "The API token was revoked."), for the error. */
  authProblem: string | null;
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
  /** graphql-ws connection params (WebSocket only), where a client passes `authorization`. */
  connectionParams?: Readonly<Record<string, unknown>>;
}

export async function createContext(services: Services, input: ContextInput): Promise<GraphQLContext> {
  const { req, res } = input;
  const requestId = req.requestId ?? "-";
  const client: ClientInfo = {
    ip: clientIpOf(req, services.config.trustProxy),
    userAgent: typeof req.headers["user-agent"] === "string" ? req.headers["user-agent"] : null,
  };
  const responseCookies: string[] = [];
  const authorization = input.transport === "ws" ? input.connectionParams?.authorization : req.headers.authorization;
  let principal: Principal | null = null;
  let authProblem: string | null = null;
  let session: ActiveSession | null = null;
  let sessionToken: string | null = null;
  if (authorization !== undefined && authorization !== null && authorization !== "") {
    // An explicit credential wins over the cookie, and a bad one never falls back to it.
    const token = bearerToken(authorization);
    const check = token ? await services.apiTokens.authenticate(token, client.ip) : null;
    if (check?.ok) principal = check.principal;
    else authProblem = check ? check.problem : "Send the API token as `Authorization: Bearer <token>`.";
  } else {
    sessionToken = services.sessionCookie.read(req.headers.cookie);
    session = sessionToken ? await services.sessions.resolve(sessionToken) : null;
    if (session) principal = { user: session.user, accountRole: session.user.role, token: null };
  }
  return {
    services,
    logger: services.logger.child({ requestId }),
    transport: input.transport,
    requestId,
    client,
    sessionToken: session ? sessionToken : null,
    session,
    principal,
    user: principal?.user ?? null,
    authProblem,
    responseCookies,
    setCookie(value) {
      responseCookies.push(value);
      if (res && !res.headersSent) res.appendHeader("Set-Cookie", value);
    },
  };
}
