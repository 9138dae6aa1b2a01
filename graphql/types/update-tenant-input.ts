/**
 * `updateTenant`: an admin changes a tenant's name, plan or mailer DSN. Validated with the
 * creation rules (server/tenants/tenant-input.ts); nothing changes when any field is invalid.
 */
import { ConflictError, NotFoundError, ValidationError } from "../../server/errors";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { actorOf, requireVisibleTenant } from "../tenant-access";
import { TenantRef } from "./tenant";

export const UpdateTenantInput = builder.inputType("UpdateTenantInput", {
  description: "Changes to a tenant; leave a field out to keep it as it is.",
  fields: (t) => ({
    name: t.string({ required: false, description: "A new display name (null or absent: unchanged)." }),
    plan: t.string({ required: false, description: "One of `plans` (null or absent: unchanged). Applied by a redeploy." }),
    mailerDsn: t.string({
      required: false,
      description: "A new mailer DSN, stored encrypted; an empty string or null removes it, absent keeps it. Applied by a redeploy.",
    }),
    clientMayRestore: t.boolean({ required: false, description: "Let the owning CLIENT restore backups over this tenant (null or absent: unchanged)." }),
  }),
});

builder.mutationField("updateTenant", (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: TenantRef,
    description:
      "Changes a tenant's name, plan, mailer DSN or whether its owner may restore backups. A plan or DSN change on an ACTIVE tenant queues a redeploy; on another status it applies at the next deploy. Refused while the tenant is being deleted or has a job in progress (for plan and DSN). ADMIN only.",
    errors: {
      types: [NotFoundError, ValidationError, ConflictError],
      ...resultDescriptions("updateTenant", "The tenant after the change."),
    },
    args: {
      id: t.arg.id({ required: true, description: "The tenant's id." }),
      input: t.arg({ type: UpdateTenantInput, required: true, description: "What to change." }),
    },
    resolve: async (query, _root, args, context) => {
      const tenant = await requireVisibleTenant(context, String(args.id));
      await context.services.tenants.update(tenant.id, args.input, actorOf(context));
      return context.services.prisma.tenant.findUniqueOrThrow({ ...query, where: { id: tenant.id } });
    },
  }),
);
