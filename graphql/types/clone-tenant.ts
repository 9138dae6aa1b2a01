/** `cloneTenantFromBackup`: a new tenant with a backup's data (the restore drill, or a move to a new domain). ADMIN only. */
import { ConflictError, NotFoundError, ValidationError } from "../../server/errors";
import { auditTarget } from "../audit";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { actorOf } from "../tenant-access";
import { TenantRef } from "./tenant";

const CloneTenantInput = builder.inputType("CloneTenantInput", {
  description: "The new tenant a backup is copied into. Its owner, Mautic image, mailer DSN and Mautic admin login are the backup's tenant's.",
  fields: (t) => ({
    name: t.string({ required: true, description: "The new tenant's name (1–100 characters)." }),
    domain: t.string({ required: true, description: "The host name the copy will answer at (not the source's)." }),
    slug: t.string({ required: false, description: "Derived from the name when absent." }),
    plan: t.string({ required: false, description: "One of `plans`; the source's plan when absent." }),
  }),
});

builder.mutationField("cloneTenantFromBackup", (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: TenantRef,
    description:
      "Creates a tenant from a SUCCEEDED backup: provisioned like any tenant (on the source's node when it has room: the archive is there, unless it is also in S3), then the backup is restored into it with its site URL and database settings rewritten. It belongs to the backup's owner. ADMIN only.",
    errors: { types: [NotFoundError, ValidationError, ConflictError], ...resultDescriptions("cloneTenantFromBackup", "The new tenant (PENDING); it is ACTIVE once the copy is done.") },
    args: {
      backupId: t.arg.id({ required: true, description: "The backup to copy." }),
      input: t.arg({ type: CloneTenantInput, required: true, description: "The new tenant." }),
    },
    extensions: auditTarget((_args, data) => {
      const id = (data as { id?: string } | null)?.id ?? null;
      return { type: "Tenant", id, tenantId: id };
    }),
    resolve: async (query, _root, args, context) => {
      const tenant = await context.services.tenants.clone(String(args.backupId), args.input, actorOf(context));
      return context.services.prisma.tenant.findUniqueOrThrow({ ...query, where: { id: tenant.id } });
    },
  }),
);
