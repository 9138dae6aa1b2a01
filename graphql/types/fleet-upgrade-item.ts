import { builder } from "../builder";
import { FleetUpgradeItemStatusEnum } from "./fleet-upgrade-item-status";
import { TenantRef } from "./tenant";

export const FleetUpgradeItemRef = builder.prismaObject("FleetUpgradeItem", {
  description: "One tenant of a fleet upgrade.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The item's id." }),
    tenant: t.relation("tenant", { type: TenantRef, description: "The tenant." }),
    batch: t.exposeInt("batch", { description: "Its batch (0 for the first)." }),
    status: t.expose("status", { type: FleetUpgradeItemStatusEnum, description: "Where it is." }),
    fromImage: t.exposeString("fromImage", { description: "The image it ran before." }),
    detail: t.exposeString("detail", { nullable: true, description: "How it ended, or why it was skipped." }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true, description: "When its upgrade was queued." }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true, description: "When it ended." }),
  }),
});
