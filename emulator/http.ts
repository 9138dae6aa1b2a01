/**
 * HTTP plumbing shared by the route modules: the per-request context, body access with
 * Portainer's case-insensitive JSON field matching, and the two error writers (Portainer's
 * `{message, details}` and Docker's `{message}`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { DockerApiError, PortainerHttpError } from "./errors";
import { capitalizeFirstByte, type PortainerVersion } from "./version";
import type { Emulator } from "./runtime";
import type { UserRecord } from "./state";

/** Everything a route handler needs. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  /** Route parameters (`{id}` → `params.id`). */
  params: Record<string, string>;
  /** The raw request body. */
  body: Buffer;
  /** The version this request is answered as (configured, or a `version` fault). */
  version: PortainerVersion;
  emulator: Emulator;
  /** Endpoint the request targets, when the route names one (used by faults). */
  endpointId?: number;
  /** The authenticated caller (unset on public routes). */
  user?: UserRecord;
}

/** Writes a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(text);
}

/** 204, no body (`response.Empty`). */
export function sendEmpty(res: ServerResponse, status = 204): void {
  res.writeHead(status);
  res.end();
}

/** Docker's encoder appends a newline to every JSON document. */
export function sendDockerJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(`${JSON.stringify(body)}\n`);
}

/** Portainer's error body for the given version (capitalized details from 2.20, newline in 2.19). */
export function writePortainerError(res: ServerResponse, version: PortainerVersion, err: PortainerHttpError): void {
  const body: { message?: string; details?: string } = {};
  if (err.message) body.message = err.message;
  const details = version.capitalizeDetails ? capitalizeFirstByte(err.details) : err.details;
  if (details) body.details = details;
  res.writeHead(err.status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body) + (version.errorTrailingNewline ? "\n" : ""));
}

/** Docker's error body, passed through Portainer unchanged. */
export function writeDockerError(res: ServerResponse, err: DockerApiError): void {
  sendDockerJson(res, err.status, { message: err.message });
}

/** Reads the whole request body (bounded, like Portainer's JSON decoder would be in practice). */
export function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new PortainerHttpError(413, "Request body too large", "request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A JSON object decoded from a request, with Portainer-style field access. */
export type JsonObject = Record<string, unknown>;

/**
 * Decodes a JSON payload like `DecodeAndValidateJSONPayload`: empty body → `EOF`, syntax error →
 * the decoder's message, non-object → unmarshal error; all as 400 `Invalid request payload`.
 */
export function decodePayload(ctx: RequestContext, structName: string): JsonObject {
  const text = ctx.body.toString("utf8");
  if (text.trim() === "") throw new PortainerHttpError(400, "Invalid request payload", "EOF");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const bad = text.trim()[0] ?? "";
    throw new PortainerHttpError(400, "Invalid request payload", `invalid character '${bad}' looking for beginning of value`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    throw new PortainerHttpError(400, "Invalid request payload", `json: cannot unmarshal ${kind} into Go value of type ${structName}`);
  }
  return value as JsonObject;
}

/** Field lookup as segmentio/encoding does it: exact key first, then case-insensitive. */
export function field(obj: JsonObject, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(obj)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

const goType = (value: unknown): string =>
  Array.isArray(value) ? "array" : value === null ? "null" : typeof value === "object" ? "object" : typeof value;

/** A string field; wrong JSON type → the decoder's unmarshal error. */
export function stringField(obj: JsonObject, name: string, structName: string): string {
  const value = field(obj, name);
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") {
    throw new PortainerHttpError(
      400,
      "Invalid request payload",
      `json: cannot unmarshal ${goType(value)} into Go struct field ${structName}.${name} of type string`,
    );
  }
  return value;
}

/** A boolean field. */
export function boolField(obj: JsonObject, name: string, structName: string): boolean {
  const value = field(obj, name);
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") {
    throw new PortainerHttpError(
      400,
      "Invalid request payload",
      `json: cannot unmarshal ${goType(value)} into Go struct field ${structName}.${name} of type bool`,
    );
  }
  return value;
}

/** `Env []portainer.Pair`: `null` when absent. */
export function envField(obj: JsonObject, structName: string): Array<{ name: string; value: string }> | null {
  const value = field(obj, "Env");
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    throw new PortainerHttpError(
      400,
      "Invalid request payload",
      `json: cannot unmarshal ${goType(value)} into Go struct field ${structName}.Env of type []portainer.Pair`,
    );
  }
  return value.map((item) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new PortainerHttpError(
        400,
        "Invalid request payload",
        `json: cannot unmarshal ${goType(item)} into Go struct field ${structName}.Env of type portainer.Pair`,
      );
    }
    const pair = item as JsonObject;
    return { name: stringField(pair, "name", "Pair"), value: stringField(pair, "value", "Pair") };
  });
}

/**
 * `request.RetrieveNumericQueryParameter`: missing → `Missing query parameter` (unless optional),
 * not a number → `strconv.Atoi` error; reported as 400 with the given message.
 */
export function numericQuery(ctx: RequestContext, name: string, optional: boolean, message: string): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null || raw === "") {
    if (optional) return 0;
    throw new PortainerHttpError(400, message, "Missing query parameter");
  }
  if (!/^[+-]?\d+$/.test(raw)) {
    throw new PortainerHttpError(400, message, `strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  return Number(raw);
}

/** `request.RetrieveNumericRouteVariableValue`. */
export function numericParam(ctx: RequestContext, name: string, message: string): number {
  const raw = ctx.params[name] ?? "";
  if (!/^[+-]?\d+$/.test(raw)) {
    throw new PortainerHttpError(400, message, `strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  return Number(raw);
}
