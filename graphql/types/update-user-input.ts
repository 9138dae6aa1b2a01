import { builder } from "../builder";
import { RoleEnum } from "./role";

export const UpdateUserInput = builder.inputType("UpdateUserInput", {
  description: "Changes to an account; absent fields stay as they are.",
  fields: (t) => ({
    email: t.string({ required: false, description: "A new sign-in e-mail address (unique in any letter case)." }),
    role: t.field({
      type: RoleEnum,
      required: false,
      description: "A new role. The last ADMIN cannot be demoted; an owner of tenants cannot become ADMIN.",
    }),
  }),
});
