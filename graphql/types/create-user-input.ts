import { builder } from "../builder";
import { RoleEnum } from "./role";

export const CreateUserInput = builder.inputType("CreateUserInput", {
  description: "A new account. Without a password it gets a one-time link to choose one (hand it to the person).",
  fields: (t) => ({
    email: t.string({ required: true, description: "The sign-in e-mail address (unique in any letter case)." }),
    password: t.string({
      required: false,
      description: "The first password (12 characters to 72 bytes). Leave it out to get a set-password link instead.",
    }),
    role: t.field({ type: RoleEnum, required: true, description: "ADMIN (provider staff) or CLIENT (a customer who owns tenants)." }),
  }),
});
