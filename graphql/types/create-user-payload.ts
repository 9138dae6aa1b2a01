import type { IssuedPasswordLink } from "../../server/auth/password-links";
import { builder } from "../builder";
import { UserRef } from "./user";

export interface CreateUserPayloadShape {
  user: { id: string };
  setPasswordLink: IssuedPasswordLink | null;
}

export const CreateUserPayload = builder.objectRef<CreateUserPayloadShape>("CreateUserPayload").implement({
  description: "A new account, and its set-password link when it was created without a password.",
  fields: (t) => ({
    user: t.prismaField({
      type: UserRef,
      description: "The account.",
      resolve: (query, payload, _args, context) => context.services.prisma.user.findUniqueOrThrow({ ...query, where: { id: payload.user.id } }),
    }),
    setPasswordUrl: t.string({
      nullable: true,
      description: "The one-time link where the person chooses a password; null when a password was given. Shown only now: hand it over, do not store it.",
      resolve: (payload) => payload.setPasswordLink?.url ?? null,
    }),
    setPasswordExpiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the link stops working (PASSWORD_LINK_TTL_HOURS); null when there is no link.",
      resolve: (payload) => payload.setPasswordLink?.expiresAt ?? null,
    }),
  }),
});
