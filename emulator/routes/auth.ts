/**
 * Authentication (`api/http/security/bouncer.go`, `api/http/csrf/csrf.go`,
 * `api/http/handler/auth/*.go`): API keys in `X-API-Key` (or `?x-api-key=`), JWTs from
 * `POST /api/auth` as `Authorization: Bearer`, the both-headers 403, the `/api/auth` rate limiter,
 * and 2.19's single British-spelled 401.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { PortainerHttpError } from "../errors";
import { decodePayload, sendEmpty, sendJson, stringField, type RequestContext } from "../http";
import type { EmulatorState, UserRecord } from "../state";
import type { Router } from "./router";

const SESSION_SECONDS = 8 * 3600;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

/** Issues an HS256 JWT shaped like Portainer's (`id`, `username`, `role`, `exp`, …). */
function issueJwt(state: EmulatorState, user: UserRecord): string {
  const now = Math.floor(state.clock.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(
    JSON.stringify({
      id: user.id,
      username: user.username,
      role: user.role,
      scope: "default",
      forceChangePassword: false,
      exp: now + SESSION_SECONDS,
      iat: now,
      jti: state.ids.uuid(),
    }),
  );
  const signature = b64url(createHmac("sha256", state.jwtSecret).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

interface JwtClaims {
  id: number;
  exp: number;
  jti: string;
}

/** Verifies signature, expiry (on the emulator clock) and revocation. */
function verifyJwt(state: EmulatorState, token: string): JwtClaims | undefined {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) return undefined;
  const expected = createHmac("sha256", state.jwtSecret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as JwtClaims;
    if (claims.exp * 1000 <= state.clock.now() || state.revokedTokens.has(claims.jti)) return undefined;
    return claims;
  } catch {
    return undefined;
  }
}

const UNAUTHORIZED = "Unauthorized";

/** The API key from the header or the `x-api-key` query parameter (any case). */
function apiKeyOf(ctx: RequestContext): string | undefined {
  const header = ctx.req.headers["x-api-key"];
  if (typeof header === "string" && header !== "") return header;
  for (const [key, value] of ctx.url.searchParams) if (key.toLowerCase() === "x-api-key" && value) return value;
  return undefined;
}

function bearerOf(ctx: RequestContext): string | undefined {
  const header = ctx.req.headers.authorization;
  if (typeof header === "string" && header !== "") return header.replace(/^Bearer /, "");
  const query = ctx.url.searchParams.get("token");
  return query || undefined;
}

const hasAuthCookie = (ctx: RequestContext): boolean =>
  /(?:^|;\s*)portainer_api_key=[^;]+/.test(ctx.req.headers.cookie ?? "");

/**
 * The CSRF wrapper's rule (2.20+), applied to every request before routing: an API key header
 * together with an `Authorization` header and no auth cookie is refused.
 */
export function checkCsrf(ctx: RequestContext): void {
  if (ctx.version.legacyAuth) return;
  const key = ctx.req.headers["x-api-key"];
  const auth = ctx.req.headers.authorization;
  if (typeof key === "string" && key !== "" && typeof auth === "string" && auth !== "" && !hasAuthCookie(ctx)) {
    throw new PortainerHttpError(
      403,
      "api key and auth header are not allowed at the same time",
      "api key and auth header are not allowed at the same time",
    );
  }
}

/** Resolves the calling user or throws the 401 Portainer would send. */
export function authenticate(ctx: RequestContext): UserRecord {
  const { state } = ctx.emulator;
  const key = apiKeyOf(ctx);
  const bearer = bearerOf(ctx);
  const byKey = (): UserRecord | undefined => (key === ctx.emulator.options.apiKey ? state.admin : undefined);
  const byJwt = (): UserRecord | undefined => {
    const claims = bearer ? verifyJwt(state, bearer) : undefined;
    return claims ? state.users.get(claims.id) : undefined;
  };
  if (ctx.version.legacyAuth) {
    // 2.19: JWT first, then API key; every failure is the same British-spelled 401.
    const user = byJwt() ?? byKey();
    if (user) return user;
    throw new PortainerHttpError(401, "A valid authorisation token is missing", UNAUTHORIZED);
  }
  if (key !== undefined) {
    const user = byKey();
    if (user) return user;
    throw new PortainerHttpError(401, "Invalid JWT token", UNAUTHORIZED);
  }
  if (bearer !== undefined) {
    const claims = verifyJwt(state, bearer);
    if (!claims) throw new PortainerHttpError(401, "Invalid JWT token", UNAUTHORIZED);
    const user = state.users.get(claims.id);
    if (!user) throw new PortainerHttpError(401, "An authorization token is invalid", UNAUTHORIZED);
    return user;
  }
  throw new PortainerHttpError(401, "A valid authorization token is missing", UNAUTHORIZED);
}

/** `NewRateLimiter(10, 1*time.Second, 1*time.Hour)` on `/api/auth`, keyed by client IP. */
function rateLimit(ctx: RequestContext): void {
  const { state } = ctx.emulator;
  const ip = ctx.req.socket.remoteAddress ?? "unknown";
  const now = state.clock.now();
  const bannedUntil = state.authBans.get(ip);
  const denied = new PortainerHttpError(403, "Access denied", "Access denied to resource");
  if (bannedUntil !== undefined && bannedUntil > now) throw denied;
  const recent = (state.authAttempts.get(ip) ?? []).filter((t) => t > now - 1000);
  recent.push(now);
  state.authAttempts.set(ip, recent);
  if (recent.length > 10) {
    state.authBans.set(ip, now + 3_600_000);
    throw denied;
  }
}

/** Registers `/api/auth`, `/api/auth/logout` and `/api/users/me`. */
export function registerAuthRoutes(router: Router): void {
  router.post("/api/auth", (ctx) => {
    rateLimit(ctx);
    const payload = decodePayload(ctx, "auth.authenticatePayload");
    const username = stringField(payload, "Username", "authenticatePayload");
    const password = stringField(payload, "Password", "authenticatePayload");
    if (username === "") throw new PortainerHttpError(400, "Invalid request payload", "Invalid username");
    if (password === "") throw new PortainerHttpError(400, "Invalid request payload", "Invalid password");
    const user = [...ctx.emulator.state.users.values()].find((u) => u.username === username);
    if (!user || user.password !== password) throw new PortainerHttpError(422, "Invalid credentials", UNAUTHORIZED);
    const jwt = issueJwt(ctx.emulator.state, user);
    sendJson(ctx.res, 200, { jwt }, { "Set-Cookie": `portainer_api_key=${jwt}; Path=/; HttpOnly; SameSite=Strict` });
  });

  router.post("/api/auth/logout", (ctx) => {
    const bearer = bearerOf(ctx);
    const claims = bearer ? verifyJwt(ctx.emulator.state, bearer) : undefined;
    if (claims) ctx.emulator.state.revokedTokens.add(claims.jti);
    sendEmpty(ctx.res, 204);
  });

  router.get("/api/users/me", (ctx) => {
    const user = ctx.user ?? authenticate(ctx);
    sendJson(ctx.res, 200, {
      Id: user.id,
      Username: user.username,
      Role: user.role,
      TokenIssueAt: 0,
      PortainerAuthorizations: {},
      EndpointAuthorizations: {},
      UseCache: true,
      ThemeSettings: { color: "" },
    });
  });
}
