/**
 * Backups of tenants: the `Backup` type, the `backups` list and `createBackup`. Both follow the
 * tenant rules: an ADMIN sees every tenant's, a CLIENT (or a token narrowed to tenants) only
 * those of the tenants they may see; another client's tenant answers like a missing one.
 */
import { ConflictError, NotFoundError } from "../../server/errors";
import { auditTarget } from "../audit";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { actorOf, requireVisibleTenant, visibleTenants } from "../tenant-access";
import { ActorTypeEnum } from "./actor-type";
import { BackupStatusEnum } from "./backup-status";
import { BackupTriggerEnum } from "./backup-trigger";
import { TenantRef } from "./tenant";

export const BackupRef = builder.prismaObject("Backup", {
  description: "One backup of a tenant: its database dump and its config and media volumes, in one archive on the tenant's backup volume (and in S3 when configured).",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The backup's id." }),
    name: t.exposeString("name", { description: "The archive's name without `.tar`: `<slug>-<UTC yyyymmdd-hhmmss>-<trigger>-<4 hex>`." }),
    tenant: t.relation("tenant", { type: TenantRef, description: "The tenant backed up." }),
    trigger: t.expose("trigger", { type: BackupTriggerEnum, description: "Why it was taken." }),
    status: t.expose("status", { type: BackupStatusEnum, description: "Where it is." }),
    mauticImage: t.exposeString("mauticImage", { description: "The Mautic image the tenant ran when it was taken (a restore goes back to it)." }),
    sizeBytes: t.float({
      nullable: true,
      description: "The archive's size in bytes, once it exists.",
      select: { sizeBytes: true },
      resolve: (backup) => (backup.sizeBytes === null ? null : Number(backup.sizeBytes)),
    }),
    sha256: t.exposeString("sha256", { nullable: true, description: "Hex SHA-256 of the archive; a restore refuses any other file." }),
    location: t.exposeString("location", { nullable: true, description: "`volume:<file>` (the tenant's backup volume on its node) or `s3://<bucket>/<key>`." }),
    error: t.exposeString("error", { nullable: true, description: "Why it failed, in the backup script's words." }),
    requestedByType: t.expose("actorType", { type: ActorTypeEnum, description: "Who asked for it: a person, a token, or the panel (schedule, upgrade, delete)." }),
    requestedById: t.exposeID("actorId", { nullable: true, description: "The account or token that asked, if any." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was asked for." }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true, description: "When the backup job started." }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true, description: "When it succeeded or failed." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "When retention lets it go; null: kept by the plan's retention (scheduled) or until removed (manual)." }),
    expiredAt: t.expose("expiredAt", { type: "DateTime", nullable: true, description: "When retention removed it." }),
  }),
});

builder.queryField("backups", (t) =>
  t.withAuth({ loggedIn: true }).prismaConnection(
    {
      type: BackupRef,
      cursor: "id",
      description: "Backups, newest first: of one tenant, or of every tenant the caller may see.",
      args: {
        tenantId: t.arg.id({ required: false, description: "Only this tenant's backups." }),
        status: t.arg({ type: BackupStatusEnum, required: false, description: "Only backups in this status." }),
        trigger: t.arg({ type: BackupTriggerEnum, required: false, description: "Only backups taken for this reason." }),
      },
      resolve: (query, _root, args, context) =>
        context.services.prisma.backup.findMany({
          ...query,
          where: {
            tenant: visibleTenants(context),
            ...(args.tenantId ? { tenantId: String(args.tenantId) } : {}),
            ...(args.status ? { status: args.status } : {}),
            ...(args.trigger ? { trigger: args.trigger } : {}),
          },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        }),
    },
    { description: "A page of backups." },
    { description: "One backup, with the cursor to page after it." },
  ),
);

builder.mutationField("createBackup", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: BackupRef,
    description:
      "Backs a tenant up now (database and config and media volumes), while it keeps serving. The tenant must be ACTIVE with no other operation under way. An ADMIN, or the tenant's owner.",
    errors: { types: [NotFoundError, ConflictError], ...resultDescriptions("createBackup", "The backup, QUEUED; follow it with `backups` or the tenant's events.") },
    args: { tenantId: t.arg.id({ required: true, description: "The tenant to back up." }) },
    extensions: auditTarget((args, data) => ({ type: "Backup", id: (data as { id?: string } | null)?.id ?? null, tenantId: String(args.tenantId) })),
    resolve: async (query, _root, args, context) => {
      const tenant = await requireVisibleTenant(context, String(args.tenantId));
      const backup = await context.services.backups.request(tenant.id, "MANUAL", actorOf(context));
      return context.services.prisma.backup.findUniqueOrThrow({ ...query, where: { id: backup.id } });
    },
  }),
);
