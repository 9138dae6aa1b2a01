/**
 * The audit log: who did what, to what, from where, and how it ended. GraphQL records every
 * mutation here (graphql/audit.ts wraps them all, so none can be forgotten); the UI and the REST
 * routes go through GraphQL, so they are recorded too. Arguments are stored with every secret
 * removed.
 */
import type { PrismaClient } from "../db/client";
import type { ActorType } from "../generated/prisma/enums";
import type { Logger } from "../logger";

export interface AuditRecord {
  actorType: ActorType;
  actorId: string | null;
  tokenId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  tenantId: string | null;
  ip: string | null;
  /** "OK" or the error code the caller got. */
  result: string;
  detail: Record<string, unknown> | null;
}

/** Argument names whose values are never stored (passwords, tokens, DSNs with credentials). */
const SECRET_KEY = /pass|secret|token|dsn|^current$|^new$/i;
const STRING_MAX = 500;
const DEPTH_MAX = 4;

/** A copy of `value` fit for the audit log: secrets replaced, long strings cut, depth bounded. */
export function redactArguments(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === "string") return value.length > STRING_MAX ? `${value.slice(0, STRING_MAX)}…` : value;
  if (typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (depth >= DEPTH_MAX) return "…";
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redactArguments(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? (item === null || item === undefined ? null : "[redacted]") : redactArguments(item, depth + 1);
  }
  return out;
}

export class AuditLog {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  /** Stores one entry. A failure to write is logged loudly but never changes the caller's answer. */
  async record(entry: AuditRecord): Promise<void> {
    try {
      await this.prisma.auditEntry.create({
        data: { ...entry, detail: entry.detail ? JSON.stringify(entry.detail) : null },
      });
    } catch (error) {
      this.logger.error({ err: error, action: entry.action, actorId: entry.actorId }, "could not write an audit entry");
    }
  }
}
