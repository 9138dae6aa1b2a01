/**
 * The original description's REST endpoints for signing in and out. They run the same GraphQL
 * operations in-process as the UI does, so authorization and throttling live in one place.
 *
 *   POST /api/auth/login   {email, password} → 200 {user} and the session cookie
 *   POST /api/auth/logout  → 200 {loggedOut}
 *   GET  /api/auth/me      → 200 {user} | 401
 *
 * Errors are `{ error: { code, message, fieldErrors? } }` with the matching HTTP status.
 */
import express, { type Request, type Response, type Router } from "express";
import { executeOperation, type GraphQLServer, type Operation } from "../../graphql/yoga";
import { parseLoginInput } from "../auth/validation";
import { AppError, ValidationError, type AppErrorCode, type FieldError } from "../errors";

interface UserFields {
  id: string;
  email: string;
  role: "ADMIN" | "CLIENT";
  createdAt: string;
}

type LoginResult =
  | { __typename: "MutationLoginSuccess"; data: UserFields }
  | { __typename: "ValidationError"; code: AppErrorCode; message: string; fieldErrors: FieldError[] }
  | { __typename: "InvalidCredentialsError"; code: AppErrorCode; message: string }
  | { __typename: "TooManyAttemptsError"; code: AppErrorCode; message: string; retryAfterSeconds: number };

const USER_FIELDS = "id email role createdAt";

const LoginMutation: Operation<{ login: LoginResult }, { email: string; password: string }> = {
  source: /* GraphQL */ `
    mutation RestLogin($email: String!, $password: String!) {
      login(email: $email, password: $password) {
        __typename
        ... on MutationLoginSuccess { data { ${USER_FIELDS} } }
        ... on Error { code message }
        ... on ValidationError { fieldErrors { field message } }
        ... on TooManyAttemptsError { retryAfterSeconds }
      }
    }
  `,
};

const LogoutMutation: Operation<{ logout: boolean }> = {
  source: /* GraphQL */ `mutation RestLogout { logout }`,
};

const MeQuery: Operation<{ me: UserFields | null }> = {
  source: /* GraphQL */ `query RestMe { me { ${USER_FIELDS} } }`,
};

const STATUS_BY_TYPENAME: Record<string, number> = {
  ValidationError: 400,
  InvalidCredentialsError: 401,
  TooManyAttemptsError: 429,
};

export function createAuthRestRouter(graphql: GraphQLServer): Router {
  const router = express.Router();
  const json = express.json({ limit: "16kb", strict: true });
  const requireJson = (req: Request, res: Response, next: () => void) => {
    if (req.is("application/json")) return next();
    sendError(res, 415, "VALIDATION_FAILED", "Send the credentials as JSON (Content-Type: application/json).");
  };

  router.post("/login", requireJson, json, async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as { email?: unknown; password?: unknown };
      // Shape errors (missing, wrong type, too long) get field errors before GraphQL's coercion.
      parseLoginInput({ email: body.email, password: body.password });
      const outcome = await executeOperation(graphql, req, LoginMutation, {
        email: body.email as string,
        password: body.password as string,
      });
      if (outcome.errors.length > 0 || !outcome.data) throw outcome.errors[0] ?? new Error("login returned no data");
      const result = outcome.data.login;
      if (result.__typename === "MutationLoginSuccess") {
        for (const cookie of outcome.cookies) res.append("Set-Cookie", cookie);
        return res.status(200).json({ user: result.data });
      }
      if (result.__typename === "TooManyAttemptsError") res.setHeader("Retry-After", String(result.retryAfterSeconds));
      const { __typename, ...error } = result;
      return res.status(STATUS_BY_TYPENAME[__typename] ?? 400).json({ error });
    } catch (error) {
      next(error);
    }
  });

  router.post("/logout", async (req, res, next) => {
    try {
      const outcome = await executeOperation(graphql, req, LogoutMutation);
      if (outcome.errors.length > 0 || !outcome.data) throw outcome.errors[0] ?? new Error("logout returned no data");
      for (const cookie of outcome.cookies) res.append("Set-Cookie", cookie);
      res.status(200).json({ loggedOut: outcome.data.logout });
    } catch (error) {
      next(error);
    }
  });

  router.get("/me", async (req, res, next) => {
    try {
      const outcome = await executeOperation(graphql, req, MeQuery);
      if (outcome.errors.length > 0 || !outcome.data) throw outcome.errors[0] ?? new Error("me returned no data");
      if (!outcome.data.me) return sendError(res, 401, "NOT_AUTHENTICATED", "You are not signed in.");
      res.status(200).json({ user: outcome.data.me });
    } catch (error) {
      next(error);
    }
  });

  return router;
}

/** JSON error handler for /api: typed errors keep their message; anything else is masked. */
export function restErrorHandler(error: unknown, req: Request, res: Response, next: (e?: unknown) => void): void {
  if (res.headersSent) return next(error);
  const e = error as { type?: string; status?: number; expose?: boolean; extensions?: { code?: unknown }; message?: string };
  if (e.type === "entity.parse.failed") return sendError(res, 400, "VALIDATION_FAILED", "The body is not valid JSON.");
  if (e.type === "entity.too.large") return sendError(res, 413, "VALIDATION_FAILED", "The body is too large.");
  // The body parser's other refusals (an unsupported charset or Content-Encoding, a body shorter
  // than its Content-Length) and Express's (a malformed percent-encoding in the path) are the
  // client's: their 4xx status stands, with a message that names no internals.
  if ((e.expose === true || error instanceof URIError) && typeof e.status === "number" && e.status >= 400 && e.status < 500) {
    return sendError(res, e.status, "VALIDATION_FAILED", e.status === 415 ? "Send the body as uncompressed UTF-8 JSON." : "The request is malformed.");
  }
  // Input the GraphQL layer refused before running anything (e.g. text that is not valid Unicode).
  if (e.extensions?.code === "VALIDATION_FAILED") return sendError(res, 400, "VALIDATION_FAILED", String(e.message));
  if (error instanceof ValidationError) {
    res.status(400).json({ error: { code: error.code, message: error.message, fieldErrors: error.fieldErrors } });
    return;
  }
  if (error instanceof AppError) return sendError(res, error.status, error.code, error.message);
  const requestId = (req as { requestId?: string }).requestId;
  (req as { log?: { error(o: object, m: string): void } }).log?.error({ err: error }, "unexpected error in a REST route");
  sendError(res, 500, "INTERNAL", `Unexpected error (request ${requestId ?? "-"}).`);
}

function sendError(res: Response, status: number, code: AppErrorCode, message: string): void {
  res.status(status).json({ error: { code, message } });
}
