import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The request's id: the proxy's X-Request-Id when it looks sane, otherwise a new UUID. */
export function assignRequestId(req: IncomingMessage & { requestId?: string }): string {
  if (!req.requestId) {
    const incoming = req.headers["x-request-id"];
    req.requestId = typeof incoming === "string" && INCOMING_ID.test(incoming) ? incoming : randomUUID();
  }
  return req.requestId;
}
