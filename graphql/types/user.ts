import type { Principal } from "../../server/auth/principal";
import { NotFoundError } from "../../server/errors";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import type { GraphQLContext } from "../context";
import { visibleTenants } from "../tenant-access";
import { RoleEnum } from "./role";

/**
 * The tenants of a user that the caller may see (the same rule as every tenant query), without
 * DELETED ones. Only asked when signed in (the fields say so), so a principal is there.
 */
function visibleTenantsOf(context: GraphQLContext) {
  const scope = context.principal ? visibleTenants(context as GraphQLContext & { principal: Principal }) : { id: { in: [] } };
  return { ...scope, status: { not: "DELETED" as const } };
}

export const UserRef = builder.prismaObject("User", {
  description: "A person who signs in to the panel: provider staff (ADMIN) or a paying customer (CLIENT).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The account's stable id." }),
    email: t.exposeString("email", { description: "The sign-in e-mail address (stored trimmed and lower-cased)." }),
    role: t.expose("role", { type: RoleEnum, description: "What the account may do." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the account was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the account last changed (e-mail, role or password)." }),
    hasPassword: t.boolean({
      description: "Whether a password is set. False for an invited account whose set-password link has not been used yet.",
      select: { passwordHash: true },
      resolve: (user) => user.passwordHash !== null,
    }),
    passwordChangedAt: t.expose("passwordChangedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the password was last set; null while none is.",
    }),
    tenants: t.relatedConnection(
      "tenants",
      {
        cursor: "id",
        description: "The account's tenants, newest first, as far as the caller may see them (DELETED ones are left out).",
        authScopes: { loggedIn: true },
        query: (_args, context) => ({
          where: visibleTenantsOf(context),
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        }),
      },
      { description: "A page of an account's tenants.", edgesField: { description: "The tenants on this page, in order." } },
      { description: "One tenant of the account, with the cursor to page after it.", nodeField: { description: "The tenant." } },
    ),
    tenantCount: t.relationCount("tenants", {
      description: "How many tenants the account owns, as far as the caller may see them (DELETED ones are not counted).",
      authScopes: { loggedIn: true },
      where: (_args, context) => visibleTenantsOf(context),
    }),
  }),
});

builder.queryField("me", (t) =>
  t.prismaField({
    type: UserRef,
    nullable: true,
    description: "The signed-in user, or null when signed out.",
    resolve: (query, _root, _args, context) =>
      context.user ? context.services.prisma.user.findUnique({ ...query, where: { id: context.user.id } }) : null,
  }),
);

builder.queryField("users", (t) =>
  t.withAuth({ admin: true }).prismaConnection(
    {
      type: UserRef,
      cursor: "id",
      description: "Accounts, newest first. ADMIN only.",
      args: {
        role: t.arg({ type: RoleEnum, required: false, description: "Only accounts with this role." }),
        search: t.arg.string({ required: false, description: "Part of the e-mail address (any letter case)." }),
      },
      resolve: (query, _root, args, context) => {
        const search = args.search?.trim().toLowerCase().slice(0, 200);
        return context.services.prisma.user.findMany({
          ...query,
          where: {
            ...(args.role ? { role: args.role } : {}),
            ...(search ? { email: { contains: search } } : {}),
          },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        });
      },
    },
    { description: "A page of accounts.", edgesField: { description: "The accounts on this page, in order." } },
    { description: "One account, with the cursor to page after it.", nodeField: { description: "The account." } },
  ),
);

builder.queryField("user", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: UserRef,
    description: "One account by id: any account for an ADMIN, your own otherwise (another looks missing).",
    errors: { types: [NotFoundError], ...resultDescriptions("user", "The account.") },
    args: { id: t.arg.id({ required: true, description: "The account's id." }) },
    resolve: async (query, _root, args, context) => {
      const id = String(args.id);
      // Someone else's account answers exactly like a missing one.
      const user =
        context.user.role === "ADMIN" || id === context.user.id
          ? await context.services.prisma.user.findUnique({ ...query, where: { id } })
          : null;
      if (!user) throw new NotFoundError("The user");
      return user;
    },
  }),
);
