/**
 * Every failure of the Portainer client becomes one `PortainerError` with a stable `code`, the HTTP
 * method and path, the status, and Portainer's (or Docker's) own `message`/`details`. The message
 * is written for the operator: it says what to check (URL, token, endpoint id, network).
 *
 * Secrecy: an error never holds got's error, request, response or options (they carry the
 * `X-API-Key` header). Transport failures are reduced to a fresh `Error` with got's `name`, `code`
 * and message, and every text that reaches an error passes through the client's redactor.
 */

/** Stable error codes; callers switch on these, so the list only ever grows. */
export const PORTAINER_ERROR_CODES = [
  /** Portainer or Docker refused the request as malformed (400), or the client refused its input. */
  "BAD_REQUEST",
  /** 401: the API token is missing, wrong, expired or revoked. */
  "UNAUTHORIZED",
  /** 403: the token's user may not do this. */
  "FORBIDDEN",
  /** 404: the endpoint, stack, network, config, secret, volume or service does not exist. */
  "NOT_FOUND",
  /** 409, or a 400 that reports a state conflict (already active/inactive, in use). */
  "CONFLICT",
  /** `docker stack deploy` failed; `cliMessage` carries the CLI's message. */
  "DEPLOY_FAILED",
  /** Portainer or the endpoint's engine could not be reached or is not usable right now. */
  "UNAVAILABLE",
  /** No answer in time, or a deploy did not settle in time. */
  "TIMEOUT",
  /** Portainer is older than the client supports. */
  "UNSUPPORTED_VERSION",
  /** Portainer answered something the client cannot read (not JSON, missing fields, redirect). */
  "INVALID_RESPONSE",
  /** Portainer failed internally (a 500 that is not a deploy failure). */
  "SERVER_ERROR",
] as const;

export type PortainerErrorCode = (typeof PORTAINER_ERROR_CODES)[number];

/** Finer causes within a code, for callers that need to tell them apart. */
export const PORTAINER_ERROR_REASONS = [
  /** NOT_FOUND: the endpoint id names no Portainer environment. */
  "ENDPOINT_NOT_FOUND",
  /** NOT_FOUND: the route itself does not exist (wrong base URL, or a Portainer too old). */
  "ROUTE_NOT_FOUND",
  /** UNAVAILABLE: the endpoint's engine is not a Swarm manager. */
  "NOT_SWARM_MANAGER",
  /** UNAVAILABLE: Portainer could not reach the endpoint's engine or agent. */
  "ENDPOINT_UNREACHABLE",
  /** UNAVAILABLE: the TCP connection to Portainer was refused (the request was never sent). */
  "CONNECTION_REFUSED",
  /** UNAVAILABLE: Portainer's host name does not resolve (the request was never sent). */
  "DNS_FAILURE",
  /** UNAVAILABLE/TIMEOUT: no connection could be opened in time (the request was never sent). */
  "CONNECT_TIMEOUT",
  /** UNAVAILABLE: the connection closed before an answer came (the request may have been handled). */
  "CONNECTION_RESET",
  /** UNAVAILABLE: TLS negotiation or certificate verification failed. */
  "TLS_FAILURE",
  /** CONFLICT: a stack, service or container already uses the name, and there is no stack to adopt. */
  "NAME_TAKEN",
  /** CONFLICT: the stack is already running. */
  "ALREADY_ACTIVE",
  /** CONFLICT: the stack is already stopped. */
  "ALREADY_INACTIVE",
  /** CONFLICT: a deploy of this stack is still running (Portainer 2.40+). */
  "DEPLOY_IN_PROGRESS",
  /** CONFLICT: a config, secret, network or volume is still used by a service or container. */
  "IN_USE",
] as const;

export type PortainerErrorReason = (typeof PORTAINER_ERROR_REASONS)[number];

/** Everything a PortainerError can carry; only `code` and `message` are always set. */
export interface PortainerErrorInit {
  code: PortainerErrorCode;
  message: string;
  reason?: PortainerErrorReason;
  /** HTTP method of the failed call. */
  method?: string;
  /** Path of the failed call, without query string (e.g. `/api/stacks/3`). */
  path?: string;
  /** HTTP status, when an answer came. */
  status?: number;
  /** `message` of Portainer's or Docker's error body. */
  portainerMessage?: string;
  /** `details` of Portainer's error body. */
  details?: string;
  /** DEPLOY_FAILED: the docker CLI's message (without the CLI's `--detach` notice). */
  cliMessage?: string;
  /** The stack the failure concerns, when Portainer kept a stack row (asynchronous deploys). */
  stackId?: number;
  /** UNSUPPORTED_VERSION: the version Portainer reported. */
  foundVersion?: string;
  /** UNSUPPORTED_VERSION: the oldest version the client supports. */
  requiredVersion?: string;
  /** Whether trying the same operation again later may succeed. */
  retryable?: boolean;
  /** A sanitized cause (see {@link safeCause}); never got's error. */
  cause?: Error;
}

/** A failed Portainer call. Safe to log and to serialize: it never holds the API key. */
export class PortainerError extends Error {
  readonly code: PortainerErrorCode;
  readonly reason: PortainerErrorReason | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly status: number | undefined;
  readonly portainerMessage: string | undefined;
  readonly details: string | undefined;
  readonly cliMessage: string | undefined;
  readonly stackId: number | undefined;
  readonly foundVersion: string | undefined;
  readonly requiredVersion: string | undefined;
  readonly retryable: boolean;

  constructor(init: PortainerErrorInit) {
    super(init.message, init.cause ? { cause: init.cause } : undefined);
    this.name = "PortainerError";
    this.code = init.code;
    this.reason = init.reason;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.portainerMessage = init.portainerMessage;
    this.details = init.details;
    this.cliMessage = init.cliMessage;
    this.stackId = init.stackId;
    this.foundVersion = init.foundVersion;
    this.requiredVersion = init.requiredVersion;
    this.retryable = init.retryable ?? false;
  }

  /** The serialized form: every field above plus the cause's name, code and message. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? this.cause : undefined;
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    const fields = {
      reason: this.reason,
      method: this.method,
      path: this.path,
      status: this.status,
      portainerMessage: this.portainerMessage,
      details: this.details,
      cliMessage: this.cliMessage,
      stackId: this.stackId,
      foundVersion: this.foundVersion,
      requiredVersion: this.requiredVersion,
    };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
    out.retryable = this.retryable;
    if (cause) out.cause = { name: cause.name, code: (cause as { code?: unknown }).code, message: cause.message };
    return out;
  }
}

/** Type guard, also for a specific code. */
export function isPortainerError(value: unknown, code?: PortainerErrorCode): value is PortainerError {
  return value instanceof PortainerError && (code === undefined || value.code === code);
}

/** Removes every occurrence of the secrets from a text. */
export type Redactor = (text: string) => string;

/** A redactor for one API key (and its URL-encoded form, in case a URL echoes it). */
export function createRedactor(secret: string): Redactor {
  const needles = [...new Set([secret, encodeURIComponent(secret)])].filter((s) => s.length > 0);
  return (text) => {
    let out = text;
    for (const needle of needles) out = out.split(needle).join("[redacted]");
    return out;
  };
}

/**
 * A fresh Error standing in for a transport failure: got's `name`, `code` and (redacted)
 * message, nothing else, so no header, option or socket object is reachable from it.
 */
export function safeCause(error: unknown, redact: Redactor): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const cause = new Error(redact(source.message));
  cause.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === "string") Object.defineProperty(cause, "code", { value: code, enumerable: true });
  // The stack names only our frames and got's internals; keep its first lines for debugging.
  cause.stack = redact(`${cause.name}: ${cause.message}\n${(source.stack ?? "").split("\n").slice(1, 6).join("\n")}`);
  return cause;
}
