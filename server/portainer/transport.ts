/**
 * The HTTP layer: one got instance (`got.extend`) and the retry policy.
 *
 * - got's own retry is off and HTTP errors don't throw: every attempt ends here, in one loop that
 *   decides with full knowledge of the call whether another attempt is safe.
 * - Calls marked `idempotent` (reads) are retried with exponential backoff and jitter on timeouts,
 *   dropped connections, 408/429, 500, 502, 503 (not "not a swarm manager") and 504.
 * - Every other call is retried only when the request provably never reached Portainer (connection
 *   refused, DNS failure, connect timeout). A create is never sent twice on a guess: after a timeout
 *   or a dropped connection the client looks the stack up by name instead (see client.ts).
 * - Every attempt has an explicit timeout (got has none by default).
 *
 * Nothing here logs or keeps headers, bodies or got's error objects.
 */
import got, { type Got } from "got";
import { PortainerError, type Redactor } from "./errors";
import { errorFromResponse, errorFromTransport, type FailureContext } from "./failures";
import { ShapeError } from "./mappers";

/**
 * The structured logger the client writes to; pino's `Logger` fits. Lines carry the method, path,
 * status, duration and attempt, never headers or bodies.
 */
export interface PortainerLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Retry settings for calls that may be retried (see the module comment for which). */
export interface RetryOptions {
  /** Further attempts after the first. Default 2. */
  limit?: number;
  /** Delay before the first retry; doubles each time. Default 250 ms. */
  baseDelayMs?: number;
  /** Upper bound of one delay. Default 4000 ms. */
  maxDelayMs?: number;
}

/** One call to Portainer. */
export interface CallSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below `/api/`, without a leading slash: `stacks/3`, `endpoints/1/docker/swarm`. */
  path: string;
  searchParams?: Record<string, string | number | boolean>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Timeout of each attempt. */
  timeoutMs: number;
  /** True for reads: retried on ambiguous failures and transient statuses. */
  idempotent: boolean;
  /** See {@link FailureContext.cli}. */
  cli?: "deploy" | "remove";
  /** See {@link FailureContext.subject}. */
  subject?: string;
}

/** A 2xx answer. */
export interface RawResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** Settings of the transport. */
export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  endpointId: number;
  retry: Required<RetryOptions>;
  logger: PortainerLogger | undefined;
  redact: Redactor;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Failures after which the request certainly did not reach Portainer. */
const NEVER_SENT = new Set(["CONNECTION_REFUSED", "DNS_FAILURE", "CONNECT_TIMEOUT"]);

/** Whether another attempt of a call is safe and may help. */
export function mayRetry(error: PortainerError, idempotent: boolean): boolean {
  if (error.reason !== undefined && NEVER_SENT.has(error.reason)) return true;
  if (!idempotent || !error.retryable) return false;
  return error.code === "TIMEOUT" || error.code === "UNAVAILABLE" || error.code === "SERVER_ERROR";
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffDelay(attempt: number, retry: Required<RetryOptions>): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Sends calls to one Portainer; see the module comment. */
export class Transport {
  private readonly http: Got;

  constructor(private readonly options: TransportOptions) {
    this.http = got.extend({
      prefixUrl: `${options.baseUrl}/api/`,
      headers: { "X-API-Key": options.apiKey, accept: "application/json", "user-agent": "mautic-tenant-panel" },
      responseType: "buffer",
      throwHttpErrors: false,
      followRedirect: false,
      // Retries are decided in call(); no cookie jar either, since a Portainer auth cookie would
      // switch on its CSRF checks (portainer-api.md §3).
      retry: { limit: 0 },
    });
  }

  /** Full path of a call, for errors and logs. */
  fullPath(path: string): string {
    return `/api/${path}`;
  }

  /** Sends the call, retrying where that is safe; throws PortainerError for every failure. */
  async call(spec: CallSpec): Promise<RawResponse> {
    const { retry, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(spec, attempt);
      } catch (error) {
        const failure = error as PortainerError;
        if (attempt > retry.limit || !mayRetry(failure, spec.idempotent)) throw failure;
        const delayMs = backoffDelay(attempt, retry);
        logger?.warn(
          {
            method: spec.method,
            path: this.fullPath(spec.path),
            attempt,
            code: failure.code,
            reason: failure.reason,
            status: failure.status,
            delayMs,
          },
          "Portainer call failed; retrying",
        );
        await sleep(delayMs);
      }
    }
  }

  /** Sends the call and parses a JSON answer with `map`; shape problems become INVALID_RESPONSE. */
  async json<T>(spec: CallSpec, map: (body: unknown) => T): Promise<T> {
    const response = await this.call(spec);
    const text = response.body.toString("utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.invalid(spec, response.status, `its body is not JSON (Content-Type ${response.contentType ?? "none"})`);
    }
    try {
      return map(value);
    } catch (error) {
      if (error instanceof ShapeError) throw this.invalid(spec, response.status, error.message);
      throw error;
    }
  }

  /** An INVALID_RESPONSE error for a 2xx answer the client cannot use. */
  invalid(spec: Pick<CallSpec, "method" | "path">, status: number, problem: string): PortainerError {
    const path = this.fullPath(spec.path);
    return new PortainerError({
      code: "INVALID_RESPONSE",
      method: spec.method,
      path,
      status,
      message:
        `Portainer's answer to ${spec.method} ${path} cannot be read: ${this.options.redact(problem)}. ` +
        "Check PORTAINER_URL: it must point at Portainer 2.20 or later.",
    });
  }

  private context(spec: CallSpec): FailureContext {
    return {
      method: spec.method,
      path: this.fullPath(spec.path),
      api: /^endpoints\/\d+\/docker\//.test(spec.path) ? "docker" : "portainer",
      cli: spec.cli,
      subject: spec.subject,
      baseUrl: this.options.baseUrl,
      endpointId: this.options.endpointId,
      timeoutMs: spec.timeoutMs,
      redact: this.options.redact,
    };
  }

  private async attempt(spec: CallSpec, attempt: number): Promise<RawResponse> {
    const started = Date.now();
    const ctx = this.context(spec);
    let response;
    try {
      response = await this.http(spec.path, {
        method: spec.method,
        responseType: "buffer",
        ...(spec.searchParams ? { searchParams: spec.searchParams } : {}),
        ...(spec.json !== undefined ? { json: spec.json } : {}),
        ...(spec.headers ? { headers: spec.headers } : {}),
        timeout: { connect: Math.min(spec.timeoutMs, 10_000), request: spec.timeoutMs },
      });
    } catch (error) {
      const failure = errorFromTransport(error, ctx);
      this.options.logger?.debug(
        { method: spec.method, path: ctx.path, attempt, durationMs: Date.now() - started, code: failure.code, reason: failure.reason },
        "Portainer call failed",
      );
      throw failure;
    }
    const status = response.statusCode;
    this.options.logger?.debug({ method: spec.method, path: ctx.path, attempt, status, durationMs: Date.now() - started }, "Portainer call");
    const contentType = response.headers["content-type"];
    if (status >= 200 && status < 300) return { status, contentType, body: response.body };
    const location = response.headers.location;
    throw errorFromResponse({ status, body: response.body, contentType, ...(location ? { location } : {}) }, ctx);
  }
}
