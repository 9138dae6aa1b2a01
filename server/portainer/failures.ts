/**
 * Translation of every failure into a {@link PortainerError}: transport errors (got), non-2xx
 * answers (Portainer's `{message, details}` or Docker's `{message}`), and deploy failures recorded
 * on a stack. One place decides the code, whether a retry may help, and what the operator should
 * check, following the troubleshooting topics of the product spec (URL, token, endpoint id,
 * network).
 */
import { PortainerError, safeCause, type PortainerErrorInit, type Redactor } from "./errors";

/** What the translation needs to know about the call that failed. */
export interface FailureContext {
  method: string;
  /** Full path, e.g. `/api/stacks/3` (no query string). */
  path: string;
  /** `docker` for the Docker proxy (`/api/endpoints/{id}/docker/…`), else `portainer`. */
  api: "portainer" | "docker";
  /** The route runs the docker CLI: `deploy` (create, update, start) or `remove` (stop, delete). */
  cli?: "deploy" | "remove";
  /** What the call is about, for messages: `stack "mautic-acme"`, `network "traefik-public"`. */
  subject?: string;
  /** Portainer's base URL (no credentials, by configuration). */
  baseUrl: string;
  endpointId: number;
  /** The request timeout that applied, for TIMEOUT messages. */
  timeoutMs: number;
  redact: Redactor;
}

/** The `--detach` notice docker CLI v27 prints before any deploy error (Portainer 2.21–2.39). */
const DETACH_NOTICE = [
  "Since --detach=false was not specified, tasks will be created in the background.",
  "In a future release, --detach=false will become the default.",
];

/** The CLI's own message: without the `--detach` notice, trimmed. */
export function cleanCliMessage(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !DETACH_NOTICE.includes(line.trim()))
    .join("\n")
    .trim();
}

const CHECK_URL = "Check PORTAINER_URL and that Portainer is running and reachable from the panel.";
const CHECK_TOKEN = "Check PORTAINER_API_TOKEN: it must be a current access token (ptr_…) of a Portainer admin user.";
const CHECK_ENDPOINT = "Check PORTAINER_ENDPOINT_ID: it must name the Portainer environment connected to a Swarm manager.";

const ENGINE_UNREACHABLE = /cannot connect to the docker daemon|connection refused|no such host|i\/o timeout|error during connect/i;
const NOT_A_MANAGER = /not a swarm manager/i;

/** What to check for a deploy error, by what the CLI said. */
function deployHint(cli: string, endpointId: number): string {
  if (/declared as external, but (could not be found|it is not in the right scope)/.test(cli)) {
    return (
      "Check the external network named in the message: it must exist as an overlay network of swarm scope " +
      "(docker network create -d overlay --attachable <name>)."
    );
  }
  if (/\b(secret|config)\b.*\bnot found/i.test(cli)) {
    return "Create the tenant's Docker secrets and configs before deploying the stack.";
  }
  if (NOT_A_MANAGER.test(cli)) {
    return `${CHECK_ENDPOINT} (It is ${endpointId}.)`;
  }
  if (ENGINE_UNREACHABLE.test(cli)) {
    return `Portainer could not reach the Docker engine of environment ${endpointId}: check that it is up in Portainer.`;
  }
  return "Review the message above and Portainer's logs.";
}

/** A deploy failure: from a 500 of the CLI, or recorded on the stack by an asynchronous release. */
export function deployFailed(init: {
  cli: string;
  subject?: string;
  endpointId: number;
  method?: string;
  path?: string;
  status?: number;
  portainerMessage?: string;
  details?: string;
  stackId?: number;
  redact: Redactor;
}): PortainerError {
  const cli = init.redact(cleanCliMessage(init.cli)) || "(the docker CLI printed no message)";
  const transient = NOT_A_MANAGER.test(cli) ? "NOT_SWARM_MANAGER" : ENGINE_UNREACHABLE.test(cli) ? "ENDPOINT_UNREACHABLE" : undefined;
  return new PortainerError({
    code: "DEPLOY_FAILED",
    message: `Deploying ${init.subject ?? "the stack"} failed: ${cli}${/[.!?]$/.test(cli) ? "" : "."} ${deployHint(cli, init.endpointId)}`,
    ...(transient ? { reason: transient, retryable: transient === "ENDPOINT_UNREACHABLE" } : {}),
    method: init.method,
    path: init.path,
    status: init.status,
    portainerMessage: init.portainerMessage === undefined ? undefined : init.redact(init.portainerMessage),
    details: init.details === undefined ? undefined : init.redact(init.details),
    cliMessage: cli,
    stackId: init.stackId,
  });
}

function where(ctx: FailureContext): string {
  return `${ctx.method} ${ctx.path}`;
}

function origin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE", "ERR_GOT_REQUEST_ERROR"]);
/** got's timeout events that fire before the request was written: nothing reached Portainer. */
const CONNECT_EVENTS = new Set(["lookup", "connect", "secureConnect"]);

/** A got (or socket) error as a PortainerError. */
export function errorFromTransport(error: unknown, ctx: FailureContext): PortainerError {
  const err = error as { name?: string; code?: string; event?: string; message?: string };
  const code = typeof err.code === "string" ? err.code : "";
  const base = { method: ctx.method, path: ctx.path, cause: safeCause(error, ctx.redact) } satisfies Partial<PortainerErrorInit>;
  const at = origin(ctx.baseUrl);

  if (err.name === "TimeoutError") {
    if (err.event && CONNECT_EVENTS.has(err.event)) {
      return new PortainerError({
        ...base,
        code: "UNAVAILABLE",
        reason: "CONNECT_TIMEOUT",
        retryable: true,
        message: `Could not connect to Portainer at ${at} in time (${where(ctx)}). ${CHECK_URL}`,
      });
    }
    return new PortainerError({
      ...base,
      code: "TIMEOUT",
      retryable: true,
      message:
        `Portainer did not answer ${where(ctx)} within ${ctx.timeoutMs} ms. Check that Portainer at ${at} is healthy` +
        (ctx.cli === "deploy" ? "; a long deploy may need a larger deploy timeout." : "."),
    });
  }
  if (code === "ECONNREFUSED") {
    return new PortainerError({
      ...base,
      code: "UNAVAILABLE",
      reason: "CONNECTION_REFUSED",
      retryable: true,
      message: `Cannot connect to Portainer at ${at} (${where(ctx)}): connection refused. ${CHECK_URL}`,
    });
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new PortainerError({
      ...base,
      code: "UNAVAILABLE",
      reason: "DNS_FAILURE",
      retryable: true,
      message: `Cannot resolve the host of PORTAINER_URL (${at}) for ${where(ctx)}. Check PORTAINER_URL and the panel's DNS.`,
    });
  }
  if (TLS_CODES.has(code) || code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS")) {
    return new PortainerError({
      ...base,
      code: "UNAVAILABLE",
      reason: "TLS_FAILURE",
      message: `TLS with Portainer at ${at} failed (${code}) on ${where(ctx)}. Check PORTAINER_URL's scheme (http/https) and the certificate.`,
    });
  }
  if (RESET_CODES.has(code) || /socket hang up/i.test(err.message ?? "")) {
    return new PortainerError({
      ...base,
      code: "UNAVAILABLE",
      reason: "CONNECTION_RESET",
      retryable: true,
      message: `Portainer at ${at} closed the connection before answering ${where(ctx)}. Check Portainer's logs and any proxy in front of it.`,
    });
  }
  return new PortainerError({
    ...base,
    code: "UNAVAILABLE",
    retryable: true,
    message: `The request ${where(ctx)} to Portainer at ${at} failed (${code || err.name || "unknown error"}). ${CHECK_URL}`,
  });
}

/** Portainer's `{message, details}` or Docker's `{message}`; both absent for other bodies. */
export function readErrorBody(body: Buffer, contentType: string | undefined): { message?: string; details?: string; json: boolean } {
  const text = body.toString("utf8").trim();
  if (text === "" || !(contentType ?? "").includes("json") && !text.startsWith("{")) return { json: false };
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { json: false };
    const obj = value as Record<string, unknown>;
    return {
      json: true,
      ...(typeof obj.message === "string" ? { message: obj.message } : {}),
      ...(typeof obj.details === "string" ? { details: obj.details } : {}),
    };
  } catch {
    return { json: false };
  }
}

function conflictReason(text: string): PortainerErrorInit["reason"] {
  if (/deployment is (already )?in progress/i.test(text)) return "DEPLOY_IN_PROGRESS";
  if (/already running|already active/i.test(text)) return "ALREADY_ACTIVE";
  if (/already inactive/i.test(text)) return "ALREADY_INACTIVE";
  if (/is in use|in use by/i.test(text)) return "IN_USE";
  if (/already exists/i.test(text)) return "NAME_TAKEN";
  return undefined;
}

/** A non-2xx answer as a PortainerError. */
export function errorFromResponse(
  answer: { status: number; body: Buffer; contentType?: string; location?: string },
  ctx: FailureContext,
): PortainerError {
  const { status } = answer;
  const parsed = readErrorBody(answer.body, answer.contentType);
  const message = parsed.message === undefined ? undefined : ctx.redact(parsed.message);
  const details = parsed.details === undefined ? undefined : ctx.redact(parsed.details);
  const said = [message, details && details !== message ? details : undefined].filter(Boolean).join(": ");
  const saidPart = said ? ` ${said}` : "";
  const base = { method: ctx.method, path: ctx.path, status, portainerMessage: message, details };
  const endpoint = ctx.endpointId;
  const text = `${message ?? ""}\n${details ?? ""}`;

  if (status === 401) {
    return new PortainerError({
      ...base,
      code: "UNAUTHORIZED",
      message: `Portainer rejected the API token on ${where(ctx)} (401${saidPart}). ${CHECK_TOKEN}`,
    });
  }
  if (status === 403) {
    return new PortainerError({
      ...base,
      code: "FORBIDDEN",
      message:
        `Portainer refused ${where(ctx)} (403${saidPart}). The token's user lacks access: ` +
        `use an access token of a Portainer admin user with access to environment ${endpoint}.`,
    });
  }
  if (status === 404) {
    if (/unable to find an? (environment|endpoint)|unable to find the (environment|endpoint) associated/i.test(message ?? "")) {
      return new PortainerError({
        ...base,
        code: "NOT_FOUND",
        reason: "ENDPOINT_NOT_FOUND",
        message: `Portainer has no environment with id ${endpoint} (${where(ctx)} → 404). ${CHECK_ENDPOINT}`,
      });
    }
    if (!parsed.json || message === "page not found") {
      return new PortainerError({
        ...base,
        code: "NOT_FOUND",
        reason: "ROUTE_NOT_FOUND",
        message:
          `${ctx.api === "docker" ? "The Docker engine behind Portainer" : "Portainer"} has no route ${where(ctx)} (404). ` +
          "Check PORTAINER_URL: it must be Portainer's base URL (the client adds /api), and Portainer must be 2.20 or later.",
      });
    }
    return new PortainerError({
      ...base,
      code: "NOT_FOUND",
      message: `${capitalize(ctx.subject ?? "the object")} was not found (${where(ctx)} → 404${saidPart}).`,
    });
  }
  if (status === 409 || (status === 400 && conflictReason(text) !== undefined && !/already exists/i.test(text))) {
    const reason = conflictReason(text);
    return new PortainerError({
      ...base,
      code: "CONFLICT",
      reason,
      retryable: reason === "DEPLOY_IN_PROGRESS",
      message: `Portainer refused ${where(ctx)} because of the current state of ${ctx.subject ?? "the object"} (${status}${saidPart}).`,
    });
  }
  if (status === 400) {
    return new PortainerError({
      ...base,
      code: "BAD_REQUEST",
      message: `Portainer rejected ${where(ctx)} as invalid (400${saidPart}).`,
    });
  }
  if (status === 408 || status === 429) {
    return new PortainerError({
      ...base,
      code: "UNAVAILABLE",
      retryable: true,
      message: `Portainer is busy and did not handle ${where(ctx)} (${status}${saidPart}); it may be restoring a backup. Try again later.`,
    });
  }
  if (status >= 300 && status < 400) {
    if (/administrator initialization timeout/i.test(message ?? "")) {
      return new PortainerError({
        ...base,
        code: "UNAVAILABLE",
        message:
          `Portainer is disabled because its administrator was not created in time (${where(ctx)} → ${status}). ` +
          "Restart Portainer and create the admin user.",
      });
    }
    return new PortainerError({
      ...base,
      code: "INVALID_RESPONSE",
      message:
        `Portainer answered ${where(ctx)} with a redirect (${status}${answer.location ? ` to ${ctx.redact(answer.location)}` : ""}). ` +
        "Check PORTAINER_URL: use Portainer's own address, with https:// if it redirects there.",
    });
  }
  if (status === 500 && ctx.cli === "deploy" && parsed.json) {
    if (/^unable to check for name collision/i.test(message ?? "")) {
      return engineUnreachable(base, ctx, details ?? "", "to check the stack name");
    }
    if (!/^unable to persist/i.test(message ?? "")) {
      // 2.20–2.39: message = the CLI's stderr; start says "Unable to start stack" with stderr in
      // details; one intermediate release said "Failed to deploy stack" with the CLI error in details.
      const cli = /^(failed to deploy stack|unable to start stack)$/i.test(message ?? "") ? (details ?? "") : (message ?? details ?? "");
      return deployFailed({ ...base, cli, subject: ctx.subject, endpointId: endpoint, redact: ctx.redact });
    }
  }
  if (status === 500 && ctx.cli === "remove" && parsed.json) {
    const cli = cleanCliMessage(/^unable to (stop|delete) stack$/i.test(message ?? "") ? (details ?? "") : (message ?? ""));
    if (NOT_A_MANAGER.test(cli) || ENGINE_UNREACHABLE.test(cli)) return engineUnreachable(base, ctx, cli, "to remove the stack's services");
    return new PortainerError({
      ...base,
      code: "SERVER_ERROR",
      cliMessage: cli,
      message:
        `Removing the services of ${ctx.subject ?? "the stack"} failed: ${cli || "(no message)"}. ` +
        "Some objects may still be in use; look at the stack in Portainer.",
    });
  }
  if (status === 503 && NOT_A_MANAGER.test(text)) {
    return new PortainerError({
      ...base,
      code: "UNAVAILABLE",
      reason: "NOT_SWARM_MANAGER",
      message: `The Docker engine of environment ${endpoint} is not a Swarm manager (${where(ctx)} → 503). ${CHECK_ENDPOINT}`,
    });
  }
  if (ctx.api === "docker" && (status === 502 || status === 504 || /unable to proxy|no edge agent|active tunnel/i.test(message ?? ""))) {
    return engineUnreachable(base, ctx, said, "");
  }
  if (status === 502 || status === 503 || status === 504) {
    return new PortainerError({
      ...base,
      code: "UNAVAILABLE",
      retryable: true,
      message:
        `Portainer at ${origin(ctx.baseUrl)} is unavailable (${where(ctx)} → ${status}${saidPart}). ` +
        "Check that Portainer is running, and any proxy in front of it.",
    });
  }
  if (status >= 500) {
    return new PortainerError({
      ...base,
      code: "SERVER_ERROR",
      retryable: true,
      message: `Portainer failed on ${where(ctx)} (${status}${saidPart}). Review Portainer's logs.`,
    });
  }
  return new PortainerError({
    ...base,
    code: "INVALID_RESPONSE",
    message: `Portainer answered ${where(ctx)} with an unexpected status ${status}${saidPart}.`,
  });
}

function engineUnreachable(
  base: Partial<PortainerErrorInit>,
  ctx: FailureContext,
  said: string,
  purpose: string,
): PortainerError {
  const notManager = NOT_A_MANAGER.test(said);
  const saidPart = said ? `: ${said}` : "";
  return new PortainerError({
    ...base,
    code: "UNAVAILABLE",
    reason: notManager ? "NOT_SWARM_MANAGER" : "ENDPOINT_UNREACHABLE",
    retryable: !notManager,
    message: notManager
      ? `The Docker engine of environment ${ctx.endpointId} is not a Swarm manager (${where(ctx)}${saidPart}). ${CHECK_ENDPOINT}`
      : `Portainer could not reach the Docker engine of environment ${ctx.endpointId}${purpose ? ` ${purpose}` : ""} ` +
        `(${where(ctx)}${base.status ? ` → ${base.status}` : ""}${saidPart}). ` +
        "Check that the environment is up in Portainer and its agent is running.",
  } as PortainerErrorInit);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
