/**
 * `restoreBackup`: a backup goes back over its own tenant, never another one. An ADMIN may; the
 * owning CLIENT only when an admin allowed it (`Tenant.clientMayRestore`). Another client's backup
 * answers like a missing one.
 */
import { ConflictError, ForbiddenError, NotFoundError } from "../../server/errors";
import { auditTarget } from "../audit";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { actorOf, visibleTenants } from "../tenant-access";
import { TenantRef } from "./tenant";

builder.mutationField("restoreBackup", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: TenantRef,
    description:
      "Restores a SUCCEEDED backup over its own tenant: Mautic stops, the database and the config and media files go back to the backup (what changed since is lost), and Mautic starts again on the image the backup was taken with. The tenant is MAINTENANCE meanwhile. An ADMIN, or the tenant's owner when `clientMayRestore` is on.",
    errors: { types: [NotFoundError, ForbiddenError, ConflictError], ...resultDescriptions("restoreBackup", "The tenant, now MAINTENANCE; follow it with its events.") },
    args: { backupId: t.arg.id({ required: true, description: "The backup to restore." }) },
    extensions: auditTarget((_args, data) => {
      const id = (data as { id?: string } | null)?.id ?? null;
      return { type: "Tenant", id, tenantId: id };
    }),
    resolve: async (query, _root, args, context) => {
      const backup = await context.services.prisma.backup.findFirst({
        where: { id: String(args.backupId), tenant: visibleTenants(context) },
        include: { tenant: { select: { id: true, clientMayRestore: true } } },
      });
      if (!backup) throw new NotFoundError("The backup");
      if (context.user.role !== "ADMIN" && !backup.tenant.clientMayRestore) {
        throw new ForbiddenError("Restoring a backup over this tenant needs an admin: ask your provider, or to be allowed to restore yourself.");
      }
      const tenant = await context.services.tenants.restore(backup.id, actorOf(context));
      return context.services.prisma.tenant.findUniqueOrThrow({ ...query, where: { id: tenant.id } });
    },
  }),
);
