import { builder } from "../builder";
import { UserRef } from "./user";

export interface PasswordLinkShape {
  userId: string;
  url: string;
  expiresAt: Date;
}

export const PasswordLinkRef = builder.objectRef<PasswordLinkShape>("PasswordLink").implement({
  description:
    "A one-time link where a person chooses a new password (no mail is sent: hand it over). It replaces the account's earlier unused links; the current password keeps working until it is used.",
  fields: (t) => ({
    user: t.prismaField({
      type: UserRef,
      description: "The account the link is for.",
      resolve: (query, link, _args, context) => context.services.prisma.user.findUniqueOrThrow({ ...query, where: { id: link.userId } }),
    }),
    url: t.exposeString("url", { description: "The link. Shown only now: hand it over, do not store it." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", description: "When the link stops working (PASSWORD_LINK_TTL_HOURS)." }),
  }),
});
