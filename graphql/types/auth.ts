import { ForbiddenError, InvalidCredentialsError, TooManyAttemptsError, ValidationError } from "../../server/errors";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { UserRef } from "./user";

builder.mutationField("login", (t) =>
  t.prismaField({
    type: UserRef,
    description:
      "Signs in with an e-mail address and password and sets the session cookie. Any current session is ended, so the session id changes. Repeated failures are throttled per account and per address.",
    errors: { types: [ValidationError, InvalidCredentialsError, TooManyAttemptsError], ...resultDescriptions("login", "The signed-in account.") },
    args: {
      email: t.arg.string({ required: true, description: "The account's e-mail address (any letter case)." }),
      password: t.arg.string({ required: true, description: "The account's password." }),
    },
    resolve: async (query, _root, args, context) => {
      if (context.transport === "ws") {
        throw new ForbiddenError("Sign in over HTTP: a WebSocket cannot set the session cookie.");
      }
      const { token, session } = await context.services.auth.login(args, context.client, context.sessionToken);
      context.setCookie(context.services.sessionCookie.serialize(token));
      context.logger.info({ userId: session.user.id }, "signed in");
      return context.services.prisma.user.findUniqueOrThrow({ ...query, where: { id: session.user.id } });
    },
  }),
);

builder.mutationField("logout", (t) =>
  t.boolean({
    description: "Ends the current session (server-side) and clears the cookie. True when a session was ended.",
    resolve: async (_root, _args, context) => {
      if (context.transport !== "ws") context.setCookie(context.services.sessionCookie.clear());
      if (!context.sessionToken) return false;
      await context.services.auth.logout(context.sessionToken);
      context.logger.info({ userId: context.user?.id }, "signed out");
      return true;
    },
  }),
);
