/** Fleet upgrades: `upgradeTenants` starts one, `fleetUpgrades` follows them, `stopFleetUpgrade` stops one. ADMIN only. */
import { ConflictError, NotFoundError, ValidationError } from "../../server/errors";
import { auditTarget } from "../audit";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { actorOf } from "../tenant-access";
import { ActorTypeEnum } from "./actor-type";
import { FleetUpgradeItemRef } from "./fleet-upgrade-item";
import { FleetUpgradeStatusEnum } from "./fleet-upgrade-status";

export const FleetUpgradeRef = builder.prismaObject("FleetUpgrade", {
  description: "An upgrade of many tenants to one Mautic image, in batches, stopping when too many fail.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The fleet upgrade's id." }),
    mauticImage: t.exposeString("mauticImage", { description: "The image the tenants move to." }),
    batchSize: t.exposeInt("batchSize", { description: "Tenants upgraded at once." }),
    maxFailureRate: t.exposeFloat("maxFailureRate", { description: "It stops when more than this share of the finished upgrades failed (checked after each batch)." }),
    status: t.expose("status", { type: FleetUpgradeStatusEnum, description: "Where it is." }),
    statusReason: t.exposeString("statusReason", { nullable: true, description: "How it ended." }),
    requestedByType: t.expose("actorType", { type: ActorTypeEnum, description: "Who started it." }),
    requestedById: t.exposeID("actorId", { nullable: true, description: "The account or token that started it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it started." }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true, description: "When it ended." }),
    items: t.relation("items", { type: FleetUpgradeItemRef, description: "Its tenants, batch by batch.", query: { orderBy: [{ batch: "asc" }, { id: "asc" }] } }),
    counts: t.field({
      type: FleetUpgradeCountsRef,
      description: "How many tenants are in each state.",
      select: { items: { select: { status: true } } },
      resolve: (campaign) => {
        const of = (status: string) => campaign.items.filter((i) => i.status === status).length;
        return { total: campaign.items.length, pending: of("PENDING"), running: of("RUNNING"), succeeded: of("SUCCEEDED"), failed: of("FAILED"), skipped: of("SKIPPED") };
      },
    }),
  }),
});

interface FleetUpgradeCounts {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  skipped: number;
}

const FleetUpgradeCountsRef = builder.objectRef<FleetUpgradeCounts>("FleetUpgradeCounts").implement({
  description: "A fleet upgrade's tenants by state.",
  fields: (t) => ({
    total: t.exposeInt("total", { description: "All its tenants." }),
    pending: t.exposeInt("pending", { description: "Not started yet." }),
    running: t.exposeInt("running", { description: "Being upgraded." }),
    succeeded: t.exposeInt("succeeded", { description: "Upgraded." }),
    failed: t.exposeInt("failed", { description: "Failed and rolled back." }),
    skipped: t.exposeInt("skipped", { description: "Not attempted." }),
  }),
});

const FleetUpgradeFilter = builder.inputType("FleetUpgradeFilter", {
  description: "Which ACTIVE tenants to upgrade (all of them when empty); tenants already on the image are left out.",
  fields: (t) => ({
    plan: t.string({ required: false, description: "Only tenants on this plan." }),
    fromImage: t.string({ required: false, description: "Only tenants running this image." }),
    tenantIds: t.idList({ required: false, description: "Only these tenants." }),
  }),
});

builder.queryField("fleetUpgrades", (t) =>
  t.withAuth({ admin: true }).prismaConnection(
    {
      type: FleetUpgradeRef,
      cursor: "id",
      description: "Fleet upgrades, newest first. ADMIN only.",
      resolve: (query, _root, _args, context) => context.services.prisma.fleetUpgrade.findMany({ ...query, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
    },
    { description: "A page of fleet upgrades." },
    { description: "One fleet upgrade, with the cursor to page after it." },
  ),
);

builder.mutationField("upgradeTenants", (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: FleetUpgradeRef,
    description:
      "Upgrades many ACTIVE tenants to one image, `batchSize` at a time, each like `upgradeTenant` (backup, new image, rollback on failure). After each batch it stops if more than `maxFailureRate` of the finished upgrades failed. One fleet upgrade at a time. ADMIN only.",
    errors: { types: [ValidationError, ConflictError], ...resultDescriptions("upgradeTenants", "The fleet upgrade, with its first batch started.") },
    args: {
      mauticImage: t.arg.string({ required: true, description: "The image to move to (one of `mauticImages`)." }),
      filter: t.arg({ type: FleetUpgradeFilter, required: false, description: "Which tenants (all ACTIVE ones when absent)." }),
      batchSize: t.arg.int({ required: false, defaultValue: 5, description: "Tenants upgraded at once (1–50, default 5)." }),
      maxFailureRate: t.arg.float({ required: false, defaultValue: 0.2, description: "Stop when more than this share (0–1) of the finished upgrades failed (default 0.2)." }),
    },
    extensions: auditTarget((_args, data) => ({ type: "FleetUpgrade", id: (data as { id?: string } | null)?.id ?? null })),
    resolve: async (query, _root, args, context) => {
      const campaign = await context.services.fleet.start(
        {
          mauticImage: args.mauticImage,
          batchSize: args.batchSize ?? 5,
          maxFailureRate: args.maxFailureRate ?? 0.2,
          filter: { plan: args.filter?.plan ?? null, fromImage: args.filter?.fromImage ?? null, tenantIds: args.filter?.tenantIds?.map(String) ?? null },
        },
        actorOf(context),
      );
      return context.services.prisma.fleetUpgrade.findUniqueOrThrow({ ...query, where: { id: campaign.id } });
    },
  }),
);

builder.mutationField("stopFleetUpgrade", (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: FleetUpgradeRef,
    description: "Stops a running fleet upgrade: upgrades under way finish, the tenants not reached are skipped. ADMIN only.",
    errors: { types: [NotFoundError, ConflictError], ...resultDescriptions("stopFleetUpgrade", "The fleet upgrade, STOPPED.") },
    args: { id: t.arg.id({ required: true, description: "The fleet upgrade's id." }) },
    extensions: auditTarget((args) => ({ type: "FleetUpgrade", id: String(args.id) })),
    resolve: async (query, _root, args, context) => {
      await context.services.fleet.stop(String(args.id), `Stopped by ${context.user.email}.`);
      return context.services.prisma.fleetUpgrade.findUniqueOrThrow({ ...query, where: { id: String(args.id) } });
    },
  }),
);
