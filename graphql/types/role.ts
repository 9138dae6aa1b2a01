import { builder } from "../builder";

export const RoleEnum = builder.enumType("Role", {
  description: "What a user may do.",
  values: {
    ADMIN: { description: "Provider staff: manages every tenant and user." },
    CLIENT: { description: "A paying customer: sees only their own tenants." },
  } as const,
});
