/**
 * Which tenants a caller may see: an ADMIN all of them, a CLIENT only their own. Every tenant
 * query and mutation narrows its lookups with this, so another client's tenant answers exactly
 * like a missing one (NotFoundError), never "forbidden".
 */
import { NotFoundError } from "../server/errors";
import type { SessionUser } from "../server/auth/sessions";
import type { GraphQLContext } from "./context";

export function visibleTenants(user: SessionUser): { ownerId?: string } {
  return user.role === "ADMIN" ? {} : { ownerId: user.id };
}

/** The tenant if the caller may see it; otherwise NotFoundError. */
export async function requireVisibleTenant(context: GraphQLContext & { user: SessionUser }, id: string) {
  const tenant = await context.services.prisma.tenant.findFirst({ where: { id, ...visibleTenants(context.user) } });
  if (!tenant) throw new NotFoundError("The tenant");
  return tenant;
}

export function actorOf(context: GraphQLContext & { user: SessionUser }) {
  return { type: "USER" as const, id: context.user.id };
}
