import { builder } from "../builder";
import { RoleEnum } from "./role";

export const UserRef = builder.prismaObject("User", {
  description: "A person who signs in to the panel.",
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    role: t.expose("role", { type: RoleEnum }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
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
