/**
 * Who is asking, once authenticated: an account acting through its session, or through an API
 * token that may narrow it. Every tenant lookup is filtered with `tenantScope`, so what a
 * caller may see is decided in one place:
 *
 *   - ADMIN (session or full ADMIN token): every tenant;
 *   - CLIENT: the tenants they own, further limited to the token's list when it has one;
 *   - an ADMIN's token acting as CLIENT (e.g. for a billing system): exactly the listed tenants.
 */
import type { Role } from "../generated/prisma/enums";
import type { SessionUser } from "./sessions";

export interface TokenGrant {
  id: string;
  name: string;
  /** The tenants the token is limited to; null when its role's default applies. */
  tenantIds: string[] | null;
}

export interface Principal {
  /** The account acting. `role` is the effective role (a narrowed token's CLIENT). */
  user: SessionUser;
  /** The account's own role, which a token may narrow but never widen. */
  accountRole: Role;
  /** Set when the caller authenticated with an API token rather than a session. */
  token: TokenGrant | null;
}

/** The tenant ids a principal is limited to, or null when only the role's rule applies. */
function limitedTo(principal: Principal): string[] | null {
  if (principal.token?.tenantIds) return principal.token.tenantIds;
  // An ADMIN account acting as CLIENT without a list sees nothing (tokens are always given one).
  return principal.user.role !== "ADMIN" && principal.accountRole === "ADMIN" ? [] : null;
}

/**
 * A Prisma `where` on Tenant that keeps only what the principal may see. The id limit sits
 * under `AND`, so spreading this next to a caller's own `id` keeps both conditions.
 */
export function tenantScope(principal: Principal): { ownerId?: string; AND?: { id: { in: string[] } }[] } {
  const ids = limitedTo(principal);
  return {
    ...(principal.accountRole !== "ADMIN" ? { ownerId: principal.user.id } : {}),
    ...(ids ? { AND: [{ id: { in: ids } }] } : {}),
  };
}

/** The same rule as tenantScope, for a tenant already loaded. */
export function canSeeTenant(principal: Principal, tenant: { id: string; ownerId: string }): boolean {
  if (principal.accountRole !== "ADMIN" && tenant.ownerId !== principal.user.id) return false;
  const ids = limitedTo(principal);
  return ids === null || ids.includes(tenant.id);
}

/** Who to record as the cause of an event or audit entry. */
export function actorOfPrincipal(principal: Principal): { type: "USER" | "TOKEN"; id: string } {
  return principal.token ? { type: "TOKEN", id: principal.token.id } : { type: "USER", id: principal.user.id };
}
