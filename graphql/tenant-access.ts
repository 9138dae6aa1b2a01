/**
 * Which tenants a caller may see (server/auth/principal.ts decides): every tenant query and
 * mutation narrows its lookups with this, so another client's tenant answers exactly like a
 * missing one (NotFoundError), never "forbidden".
 */
import { actorOfPrincipal, tenantScope, type Principal } from "../server/auth/principal";
import { NotFoundError } from "../server/errors";
import type { GraphQLContext } from "./context";

type SignedIn = GraphQLContext & { principal: Principal };

export function visibleTenants(context: SignedIn) {
  return tenantScope(context.principal);
}

/** The tenant if the caller may see it; otherwise NotFoundError. */
export async function requireVisibleTenant(context: SignedIn, id: string) {
  const tenant = await context.services.prisma.tenant.findFirst({ where: { id, ...visibleTenants(context) } });
  if (!tenant) throw new NotFoundError("The tenant");
  return tenant;
}

export function actorOf(context: SignedIn) {
  return actorOfPrincipal(context.principal);
}
