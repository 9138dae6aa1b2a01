/**
 * Account mutations: ADMINs create, change and delete accounts and hand out set-password
 * links; a signed-in person changes their own password; anyone holding a link sets one.
 * Every expected failure is a typed result; graphql/audit.ts records each call with its
 * arguments redacted (passwords, tokens).
 */
import { ConflictError, ForbiddenError, NotFoundError, TooManyAttemptsError, ValidationError } from "../../server/errors";
import { auditTarget } from "../audit";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { CreateUserInput } from "./create-user-input";
import { CreateUserPayload } from "./create-user-payload";
import { PasswordLinkRef } from "./password-link";
import { UpdateUserInput } from "./update-user-input";
import { UserRef } from "./user";

const userTarget = (id: unknown) => ({ type: "User", id: typeof id === "string" ? id : null });

builder.mutationField("createUser", (t) =>
  t.withAuth({ admin: true }).field({
    type: CreateUserPayload,
    description:
      "Creates an account. Without a password the account cannot sign in until the person opens `setPasswordUrl` (valid for PASSWORD_LINK_TTL_HOURS) and chooses one. ADMIN only.",
    errors: { types: [ValidationError, ConflictError], ...resultDescriptions("createUser", "The account, and its set-password link when it has no password.") },
    extensions: auditTarget((_args, data) => userTarget((data as { user?: { id?: unknown } } | null)?.user?.id)),
    args: { input: t.arg({ type: CreateUserInput, required: true, description: "The account to create." }) },
    resolve: async (_root, { input }, context) => {
      const user = await context.services.users.create(
        { email: input.email, password: input.password ?? null, role: input.role },
        { createdById: context.user.id },
      );
      return { user, setPasswordLink: user.setPasswordLink };
    },
  }),
);

builder.mutationField("updateUser", (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: UserRef,
    description:
      "Changes an account's e-mail and/or role. The last ADMIN cannot be demoted; an account that owns tenants cannot become ADMIN (tenants belong to CLIENT accounts). ADMIN only.",
    errors: { types: [NotFoundError, ValidationError, ConflictError], ...resultDescriptions("updateUser", "The account as it is now.") },
    args: {
      id: t.arg.id({ required: true, description: "The account to change." }),
      input: t.arg({ type: UpdateUserInput, required: true, description: "What to change." }),
    },
    resolve: async (query, _root, args, context) => {
      const user = await context.services.users.update(String(args.id), { email: args.input.email, role: args.input.role });
      return context.services.prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
);

builder.mutationField("deleteUser", (t) =>
  t.withAuth({ admin: true }).field({
    type: "ID",
    description:
      "Deletes an account with its sessions, API tokens and set-password links; returns its id. Refused for your own account, the last ADMIN, and an account that still owns tenants (delete them first; records of its DELETED tenants go with it). ADMIN only.",
    errors: { types: [NotFoundError, ConflictError], ...resultDescriptions("deleteUser", "The id of the deleted account.") },
    args: { id: t.arg.id({ required: true, description: "The account to delete." }) },
    resolve: async (_root, args, context) => (await context.services.users.delete(String(args.id), context.user.id)).id,
  }),
);

builder.mutationField("createPasswordResetLink", (t) =>
  t.withAuth({ admin: true }).field({
    type: PasswordLinkRef,
    description:
      "Makes a one-time link where the account's owner chooses a new password (valid for PASSWORD_LINK_TTL_HOURS; earlier unused links stop working). Hand it over yourself: no mail is sent. ADMIN only.",
    errors: { types: [NotFoundError], ...resultDescriptions("createPasswordResetLink", "The link, to hand to the account's owner.") },
    extensions: auditTarget((args) => userTarget(args.userId)),
    args: { userId: t.arg.id({ required: true, description: "The account whose password is to be reset." }) },
    resolve: (_root, args, context) => context.services.users.issuePasswordLink(String(args.userId), context.user.id),
  }),
);

builder.mutationField("changePassword", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: UserRef,
    description:
      "Changes your own password; needs the current one. Every other session of your account ends, this one stays. Only from a signed-in session (not with an API token). At most 10 tries per 15 minutes.",
    errors: { types: [ValidationError, TooManyAttemptsError, ForbiddenError], ...resultDescriptions("changePassword", "Your account, with its new `passwordChangedAt`.") },
    extensions: auditTarget(() => ({ type: "User" })),
    args: {
      current: t.arg.string({ required: true, description: "Your current password." }),
      new: t.arg.string({ required: true, description: "The new password (12 characters to 72 bytes)." }),
    },
    resolve: async (query, _root, args, context) => {
      if (context.principal.token || !context.session) throw new ForbiddenError("Change passwords from a signed-in session.");
      const user = await context.services.users.changePassword(context.user.id, args.current, args.new, context.session.id);
      return context.services.prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
);

builder.mutationField("setPassword", (t) =>
  t.prismaField({
    type: UserRef,
    description:
      "Chooses a password with a one-time link (invitation or reset; the token is the link's last path segment). No sign-in needed; the link works once, and every session of the account ends. Sign in afterwards with `login`. At most 10 tries per 15 minutes per address.",
    errors: { types: [ValidationError, TooManyAttemptsError], ...resultDescriptions("setPassword", "The account whose password was set; sign in with `login`.") },
    extensions: auditTarget(() => ({ type: "User" })),
    args: {
      token: t.arg.string({ required: true, description: "The token from the link." }),
      new: t.arg.string({ required: true, description: "The password to set (12 characters to 72 bytes)." }),
    },
    resolve: async (query, _root, args, context) => {
      const user = await context.services.passwordLinks.consume(args.token, args.new, context.client);
      return context.services.prisma.user.findUniqueOrThrow({ ...query, where: { id: user.id } });
    },
  }),
);
