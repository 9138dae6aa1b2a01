/** `upgradeTenant`: one tenant to another allowed Mautic image, with a backup first and a rollback on failure. */
import { ConflictError, NotFoundError, ValidationError } from "../../server/errors";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { actorOf, requireVisibleTenant } from "../tenant-access";
import { TenantRef } from "./tenant";

builder.mutationField("upgradeTenant", (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: TenantRef,
    description:
      "Upgrades an ACTIVE tenant to another of `mauticImages`: a PRE_UPGRADE backup first (nothing changes if it fails), then the new image, whose web service runs Mautic's migrations; if it does not come up, the backup is restored on the previous image and the tenant is ACTIVE again with an ERROR event. One upgrade per tenant at a time. ADMIN only.",
    errors: { types: [NotFoundError, ValidationError, ConflictError], ...resultDescriptions("upgradeTenant", "The tenant; its upgrade is queued behind its backup.") },
    args: {
      id: t.arg.id({ required: true, description: "The tenant's id." }),
      mauticImage: t.arg.string({ required: true, description: "The image to move to (one of `mauticImages`)." }),
    },
    resolve: async (query, _root, args, context) => {
      const tenant = await requireVisibleTenant(context, String(args.id));
      await context.services.tenants.upgrade(tenant.id, args.mauticImage, actorOf(context));
      return context.services.prisma.tenant.findUniqueOrThrow({ ...query, where: { id: tenant.id } });
    },
  }),
);
