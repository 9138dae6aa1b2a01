import { ConflictError, NotFoundError, ValidationError } from "../../server/errors";
import type { TenantHealth } from "../../server/provisioning/health";
import { upgradeTargets } from "../../server/stacks/image-versions";
import { canSeeTenant } from "../../server/auth/principal";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { OWNER_INVITE_DESCRIPTIONS, ownerInviteOf, withOwnerInvite } from "../owner-invite";
import { actorOf, requireVisibleTenant, visibleTenants } from "../tenant-access";
import { TenantEventRef } from "./tenant-event";
import { TenantHealthRef } from "./tenant-health";
import { TenantPhaseEnum } from "./tenant-phase";
import { TenantStatusEnum } from "./tenant-status";
import { UserRef } from "./user";

export const TenantRef = builder.prismaObject("Tenant", {
  description: "One client's dedicated Mautic: a Docker Swarm stack deployed through Portainer. Secrets are never fields.",
  // A second guard behind the queries' own narrowing: a tenant object resolves only for an ADMIN or its owner.
  authScopes: (tenant, context) => context.principal !== null && canSeeTenant(context.principal, tenant),
  fields: (t) => ({
    id: t.exposeID("id", { description: "The tenant's id (stable; used in URLs and the REST API)." }),
    name: t.exposeString("name", { description: "The name people know the tenant by." }),
    slug: t.exposeString("slug", { description: "DNS-safe short name; the stack is `mautic-<slug>`." }),
    domain: t.exposeString("domain", { description: "The host name Traefik routes to this tenant's Mautic." }),
    url: t.string({ description: "Where Mautic answers.", resolve: (tenant) => `https://${tenant.domain}` }),
    status: t.expose("status", { type: TenantStatusEnum, description: "Where the tenant is in its lifecycle." }),
    phase: t.expose("phase", { type: TenantPhaseEnum, nullable: true, description: "The provisioning step in progress, or the one that failed." }),
    lastError: t.exposeString("statusReason", { nullable: true, description: "Why the tenant is in ERROR, in words an admin can act on." }),
    health: t.field({
      type: TenantHealthRef,
      nullable: true,
      description: "Each service's running and desired tasks, as the reconcile loop last saw them; null before the first look.",
      select: { health: true, healthCheckedAt: true },
      resolve: (tenant) => (tenant.health ? { ...(JSON.parse(tenant.health) as TenantHealth), checkedAt: tenant.healthCheckedAt } : null),
    }),
    mauticImage: t.exposeString("mauticImage", { description: "The Mautic image the stack runs (one of `mauticImages`)." }),
    plan: t.exposeString("plan", { description: "The plan's key (one of `plans`): its memory and CPU limits." }),
    stackName: t.exposeString("stackName", { nullable: true, description: "The Swarm stack's name in Portainer, once deployed." }),
    node: t.exposeString("nodeHostname", { nullable: true, description: "The Swarm node the tenant is pinned to." }),
    owner: t.relation("owner", { type: UserRef, description: "The CLIENT account the tenant belongs to." }),
    upgradeImages: t.stringList({
      description: "The images this tenant may be upgraded to (`upgradeTenant`): the allowed ones that are not older than its own.",
      select: { mauticImage: true },
      resolve: (tenant, _args, context) => upgradeTargets(tenant.mauticImage, context.services.config.stacks.mauticImages),
    }),
    clientMayRestore: t.exposeBoolean("clientMayRestore", { description: "Whether the owning CLIENT may restore the tenant's backups over it (`restoreBackup`); an ADMIN always may." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the tenant was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the tenant last changed." }),
  }),
});

builder.queryField("tenants", (t) =>
  t.withAuth({ loggedIn: true }).prismaConnection(
    {
      type: TenantRef,
      cursor: "id",
      description: "Tenants, newest first: all of them for an ADMIN, their own for a CLIENT.",
      args: {
        status: t.arg({ type: TenantStatusEnum, required: false, description: "Only tenants in this status (DELETED ones are listed only when asked for)." }),
        search: t.arg.string({ required: false, description: "Part of the name, slug or domain." }),
        ownerId: t.arg.id({ required: false, description: "Only this CLIENT's tenants (ADMIN)." }),
      },
      resolve: (query, _root, args, context) => {
        const search = args.search?.trim().slice(0, 200);
        return context.services.prisma.tenant.findMany({
          ...query,
          where: {
            ...visibleTenants(context),
            ...(args.status ? { status: args.status } : { status: { not: "DELETED" } }),
            ...(args.ownerId && context.user.role === "ADMIN" ? { ownerId: String(args.ownerId) } : {}),
            ...(search ? { OR: [{ name: { contains: search } }, { slug: { contains: search } }, { domain: { contains: search } }] } : {}),
          },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        });
      },
    },
    { description: "A page of tenants." },
    { description: "One tenant, with the cursor to page after it." },
  ),
);

builder.queryField("tenant", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: TenantRef,
    description: "One tenant by id.",
    errors: { types: [NotFoundError], ...resultDescriptions("tenant", "The tenant.") },
    args: { id: t.arg.id({ required: true, description: "The tenant's id." }) },
    resolve: async (query, _root, args, context) => {
      const tenant = await context.services.prisma.tenant.findFirst({ ...query, where: { id: String(args.id), ...visibleTenants(context) } });
      if (!tenant) throw new NotFoundError("The tenant");
      return tenant;
    },
  }),
);

const PAGE_MAX = 500;

builder.queryField("tenantEvents", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: [TenantEventRef],
    description: `A tenant's events in order, after an event id (at most ${PAGE_MAX} at a time). Page by passing the last id you got.`,
    errors: { types: [NotFoundError], ...resultDescriptions("tenantEvents", "The events, oldest first.") },
    args: {
      tenantId: t.arg.id({ required: true, description: "The tenant." }),
      afterEventId: t.arg.int({ required: false, description: "Only events after this id (0 or absent: from the start)." }),
      first: t.arg.int({ required: false, description: `How many (1–${PAGE_MAX}, default 100).` }),
    },
    resolve: async (_root, args, context) => {
      await requireVisibleTenant(context, String(args.tenantId));
      const first = Math.min(Math.max(args.first ?? 100, 1), PAGE_MAX);
      return context.services.events.listAfter(String(args.tenantId), args.afterEventId ?? 0, first);
    },
  }),
);

const CreateTenantInput = builder.inputType("CreateTenantInput", {
  description:
    "A new tenant. The owner is a CLIENT account, by id or e-mail; an e-mail nobody has yet creates that CLIENT account, with a set-password link.",
  fields: (t) => ({
    name: t.string({ required: true, description: "The name people know the tenant by (1–100 characters)." }),
    slug: t.string({ required: false, description: "Derived from the name when absent." }),
    domain: t.string({ required: true, description: "Host name Traefik will serve (IDN allowed)." }),
    ownerId: t.id({ required: false, description: "The owner: an existing CLIENT account. Wins over `ownerEmail`." }),
    ownerEmail: t.string({
      required: false,
      description: "The owner's e-mail: an existing CLIENT account, or a new one created with the tenant (see `ownerSetPasswordUrl`).",
    }),
    mauticImage: t.string({ required: false, description: "One of `mauticImages`; the first by default." }),
    plan: t.string({ required: false, description: "One of `plans`; the default plan otherwise." }),
    mailerDsn: t.string({ required: false, description: "Mailer DSN for this tenant (stored encrypted)." }),
  }),
});

builder.mutationField("createTenant", (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: TenantRef,
    description:
      "Creates a tenant (PENDING) and queues its provisioning. An `ownerEmail` nobody has yet creates that CLIENT account in the same step, with a set-password link in the result. ADMIN only.",
    errors: {
      types: [ValidationError, ConflictError],
      ...resultDescriptions("createTenant", "The new tenant (PENDING)."),
      result: {
        description: resultDescriptions("createTenant", "").result.description + " When the owner's account was created, the set-password link to hand them is here too.",
        fields: (t) => ({
          ownerSetPasswordUrl: t.string({
            nullable: true,
            description: OWNER_INVITE_DESCRIPTIONS.url,
            resolve: (tenant) => ownerInviteOf(tenant)?.url ?? null,
          }),
          ownerSetPasswordExpiresAt: t.field({
            type: "DateTime",
            nullable: true,
            description: OWNER_INVITE_DESCRIPTIONS.expiresAt,
            resolve: (tenant) => ownerInviteOf(tenant)?.expiresAt ?? null,
          }),
        }),
      },
    },
    args: { input: t.arg({ type: CreateTenantInput, required: true, description: "The new tenant." }) },
    resolve: async (query, _root, { input }, context) => {
      const tenant = await context.services.tenants.create(
        { ...input, ownerId: input.ownerId ? String(input.ownerId) : null },
        actorOf(context),
        { createdById: context.user.id },
      );
      const row = await context.services.prisma.tenant.findUniqueOrThrow({ ...query, where: { id: tenant.id } });
      return withOwnerInvite(row, tenant.ownerInvite);
    },
  }),
);

for (const [name, description] of [
  ["retryTenant", "Retries a tenant in ERROR from the step that failed."],
  ["suspendTenant", "Stops the tenant's stack; its data is kept."],
  ["resumeTenant", "Starts a suspended tenant again."],
  ["redeployTenant", "Applies the current settings and plan to the tenant's stack."],
] as const) {
  const operation = name.replace("Tenant", "") as "retry" | "suspend" | "resume" | "redeploy";
  builder.mutationField(name, (t) =>
    t.withAuth({ admin: true }).prismaField({
      type: TenantRef,
      description: `${description} ADMIN only.`,
      errors: { types: [NotFoundError, ConflictError], ...resultDescriptions(name, "The tenant, with its new status.") },
      args: { id: t.arg.id({ required: true, description: "The tenant's id." }) },
      resolve: async (query, _root, args, context) => {
        await context.services.tenants[operation](String(args.id), actorOf(context));
        return context.services.prisma.tenant.findUniqueOrThrow({ ...query, where: { id: String(args.id) } });
      },
    }),
  );
}

builder.mutationField("deleteTenant", (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: TenantRef,
    description:
      "Deletes a tenant. `confirm` must equal its domain. With `deleteData` its volumes (all data), secrets and configs go too, after a final backup unless `finalBackup` is false. ADMIN only.",
    errors: { types: [NotFoundError, ConflictError, ValidationError], ...resultDescriptions("deleteTenant", "The tenant, now DELETING.") },
    args: {
      id: t.arg.id({ required: true, description: "The tenant's id." }),
      deleteData: t.arg.boolean({ required: true, description: "Also remove its volumes (all its data), secrets and configs. Cannot be undone." }),
      finalBackup: t.arg.boolean({
        required: false,
        defaultValue: true,
        description:
          "With `deleteData`: take a final backup first (kept for BACKUP_PRE_DELETE_KEEP_DAYS), and stop if it fails. Needs the tenant ACTIVE; pass false to delete without one.",
      }),
      confirm: t.arg.string({ required: true, description: "The tenant's domain, typed by the person deleting it." }),
    },
    resolve: async (query, _root, args, context) => {
      const tenant = await requireVisibleTenant(context, String(args.id));
      if (args.confirm.trim().toLowerCase() !== tenant.domain) {
        throw new ValidationError([{ field: "confirm", message: `Type the tenant's domain (${tenant.domain}) to confirm` }]);
      }
      await context.services.tenants.delete(tenant.id, { deleteData: args.deleteData, finalBackup: args.finalBackup ?? true }, actorOf(context));
      return context.services.prisma.tenant.findUniqueOrThrow({ ...query, where: { id: tenant.id } });
    },
  }),
);

builder.subscriptionField("tenantUpdated", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: TenantRef,
    description: "A tenant after each change of status, phase or health: one tenant, or every tenant the caller may see.",
    args: { tenantId: t.arg.id({ required: false, description: "Only this tenant; every tenant you may see when absent." }) },
    subscribe: async function* (_root, args, context) {
      const only = args.tenantId ? String(args.tenantId) : null;
      if (only) await requireVisibleTenant(context, only);
      for await (const change of context.services.bus.subscribe("tenant:changed")) {
        if (only && change.tenantId !== only) continue;
        const visible = await context.services.prisma.tenant.count({ where: { id: change.tenantId, ...visibleTenants(context) } });
        if (visible === 0) continue;
        yield change;
      }
    },
    resolve: (change, _args, context) => context.services.prisma.tenant.findUniqueOrThrow({ where: { id: change.tenantId } }),
  }),
);
