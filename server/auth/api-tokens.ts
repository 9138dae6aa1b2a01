/**
 * API tokens for integrators: `Authorization: Bearer mtp_…` on HTTP and `{ authorization:
 * "Bearer mtp_…" }` in the graphql-ws connection params. A token acts as the account that
 * created it, never wider: an ADMIN may create full ADMIN tokens or tokens that act as a
 * CLIENT limited to listed tenants; a CLIENT's tokens see only (some of) their own tenants.
 * The token is shown once; only its SHA-256 is stored. Tokens expire, can be revoked, and
 * record when and from where they were last used.
 */
import type { PrismaClient } from "../db/client";
import { randomToken, sha256 } from "../crypto";
import { NotFoundError, TooManyAttemptsError, ValidationError, type FieldError } from "../errors";
import type { Role } from "../generated/prisma/enums";
import { tenantScope, type Principal } from "./principal";
import type { RateLimiter } from "./throttle";

export const TOKEN_PREFIX = "mtp_";
const SHOWN_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
const NAME_MAX = 100;
const TENANTS_MAX = 1000;
/** Writing lastUsedAt at most this often keeps token reads cheap. */
const TOUCH_INTERVAL_MS = 60_000;

export interface NewApiToken {
  name: string;
  expiresAt?: Date | null;
  role?: Role | null;
  tenantIds?: readonly string[] | null;
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; problem: string };

export class ApiTokenService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly creations: RateLimiter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a token for the principal; the plaintext is in the result and nowhere else. */
  async create(principal: Principal, input: NewApiToken) {
    const errors: FieldError[] = [];
    const name = input.name.trim();
    if (name.length === 0) errors.push({ field: "name", message: "Name is required" });
    else if (name.length > NAME_MAX) errors.push({ field: "name", message: `Name must be at most ${NAME_MAX} characters` });
    if (input.expiresAt && input.expiresAt.getTime() <= this.now().getTime()) {
      errors.push({ field: "expiresAt", message: "Expiry must be in the future" });
    }
    const role: Role = input.role ?? principal.user.role;
    if (role === "ADMIN" && principal.user.role !== "ADMIN") {
      errors.push({ field: "role", message: "Role ADMIN needs an ADMIN account (a token is never wider than its creator)" });
    }
    const tenantIds = input.tenantIds ? [...new Set(input.tenantIds.map(String))] : null;
    if (tenantIds && tenantIds.length > TENANTS_MAX) errors.push({ field: "tenantIds", message: `At most ${TENANTS_MAX} tenants` });
    if (role === "ADMIN" && tenantIds && tenantIds.length > 0) {
      errors.push({ field: "tenantIds", message: "An ADMIN token sees every tenant; choose role CLIENT to limit a token to some tenants" });
    }
    const limited = role === "CLIENT" && principal.accountRole === "ADMIN";
    if (limited && (!tenantIds || tenantIds.length === 0)) {
      errors.push({ field: "tenantIds", message: "A CLIENT token made by an ADMIN must list the tenants it may see" });
    } else if (principal.token?.tenantIds && !tenantIds) {
      errors.push({ field: "tenantIds", message: "This token is limited to some tenants; list them (a token cannot create a wider one)" });
    }
    if (errors.length === 0 && tenantIds && tenantIds.length > 0) {
      // Only tenants the creator may see right now (as the role the new token will have).
      const visible = await this.prisma.tenant.findMany({
        where: { id: { in: tenantIds }, status: { not: "DELETED" }, ...tenantScope(principal) },
        select: { id: true },
      });
      const seen = new Set(visible.map((t) => t.id));
      const unknown = tenantIds.filter((id) => !seen.has(id));
      if (unknown.length > 0) errors.push({ field: "tenantIds", message: `Unknown tenant id(s): ${unknown.slice(0, 5).join(", ")}` });
    }
    if (errors.length > 0) throw new ValidationError(errors);

    const waitMs = this.creations.take(principal.user.id);
    if (waitMs > 0) throw new TooManyAttemptsError(waitMs / 1000, "API tokens created");

    const token = `${TOKEN_PREFIX}${randomToken(32)}`;
    const row = await this.prisma.apiToken.create({
      data: {
        name,
        tokenHash: sha256(token),
        prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
        userId: principal.user.id,
        role,
        tenantIds: tenantIds && tenantIds.length > 0 ? JSON.stringify(tenantIds) : null,
        expiresAt: input.expiresAt ?? null,
      },
    });
    return { token, apiToken: row };
  }

  /** The principal a bearer token stands for, or why it does not stand for anyone. */
  async authenticate(token: string, ip: string): Promise<TokenCheck> {
    if (!token.startsWith(TOKEN_PREFIX)) return { ok: false, problem: "The API token is malformed." };
    const row = await this.prisma.apiToken.findUnique({
      where: { tokenHash: sha256(token) },
      include: { user: { select: { id: true, email: true, role: true } } },
    });
    if (!row) return { ok: false, problem: "The API token is unknown." };
    if (row.revokedAt) return { ok: false, problem: "The API token was revoked." };
    const now = this.now();
    if (row.expiresAt && row.expiresAt <= now) return { ok: false, problem: "The API token has expired." };
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS || row.lastUsedIp !== ip) {
      await this.prisma.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now, lastUsedIp: ip } });
    }
    // Never wider than the account is now: an ADMIN demoted to CLIENT takes their tokens along.
    const role: Role = row.user.role === "ADMIN" ? row.role : "CLIENT";
    return {
      ok: true,
      principal: {
        user: { ...row.user, role },
        accountRole: row.user.role,
        token: { id: row.id, name: row.name, tenantIds: row.tenantIds ? (JSON.parse(row.tenantIds) as string[]) : null },
      },
    };
  }

  /** Revokes a token of the principal's own (an ADMIN: anyone's). Revoking twice is harmless. */
  async revoke(principal: Principal, id: string) {
    const row = await this.prisma.apiToken.findFirst({ where: { id, ...ownedUnlessAdmin(principal) } });
    if (!row) throw new NotFoundError("The API token");
    if (row.revokedAt) return row;
    return this.prisma.apiToken.update({ where: { id }, data: { revokedAt: this.now() } });
  }
}

/** Tokens a principal may list and revoke: their own; every token for an ADMIN. */
export function ownedUnlessAdmin(principal: Principal): { userId?: string } {
  return principal.user.role === "ADMIN" && !principal.token?.tenantIds ? {} : { userId: principal.user.id };
}

/** The token in an `Authorization: Bearer …` value, or null when there is none. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== "string") return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match ? match[1]! : null;
}
