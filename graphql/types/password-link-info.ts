/**
 * The public `passwordLink(token)` query: what the set-password page shows before the form
 * (whose account, why, until when). An unknown, used or expired link is null, one answer for
 * all three, like `setPassword`'s refusal. The token never appears in the answer.
 */
import { builder } from "../builder";

export const PasswordLinkPurposeEnum = builder.enumType("PasswordLinkPurpose", {
  description: "Why a set-password link was made.",
  values: {
    INVITE: { description: "A new account whose owner chooses the first password." },
    RESET: { description: "An existing account whose password an admin asked to reset." },
  } as const,
});

interface PasswordLinkInfoShape {
  email: string;
  purpose: "INVITE" | "RESET";
  expiresAt: Date;
}

export const PasswordLinkInfoRef = builder.objectRef<PasswordLinkInfoShape>("PasswordLinkInfo").implement({
  description: "A usable set-password link, as its holder may see it before choosing a password.",
  fields: (t) => ({
    email: t.exposeString("email", { description: "The e-mail address of the account the link is for." }),
    purpose: t.expose("purpose", { type: PasswordLinkPurposeEnum, description: "An invitation (first password) or a reset." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", description: "When the link stops working." }),
  }),
});

builder.queryField("passwordLink", (t) =>
  t.field({
    type: PasswordLinkInfoRef,
    nullable: true,
    description:
      "A set-password link by its token (the link's last path segment): whose account it is for and until when; null when the link is unknown, used or expired. No sign-in needed.",
    args: { token: t.arg.string({ required: true, description: "The token from the link." }) },
    resolve: (_root, args, context) => context.services.passwordLinks.peek(args.token),
  }),
);
