import type { Plan } from "../../server/stacks/plans";
import { PLAN_SERVICES } from "../../server/stacks/plans";
import { builder } from "../builder";

const mib = (plan: Plan, kind: "limits" | "reservations") =>
  PLAN_SERVICES.filter((s) => s !== "install").reduce((sum, s) => sum + plan.services[s][kind].memoryMiB, 0);

export const PlanRef = builder.objectRef<Plan & { isDefault: boolean }>("Plan").implement({
  description: "A resource preset for tenants (built in, or from PLANS_FILE).",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The plan's key, passed as `plan` when creating or updating a tenant." }),
    label: t.exposeString("label", { description: "The plan's name for people." }),
    isDefault: t.exposeBoolean("isDefault", { description: "Whether tenants created without a plan get this one." }),
    memoryLimitMiB: t.int({ description: "Memory limit of all long-running services together.", resolve: (p) => mib(p, "limits") }),
    memoryReservedMiB: t.int({ description: "Memory reserved on the tenant's node.", resolve: (p) => mib(p, "reservations") }),
    backupEveryHours: t.int({ description: "Hours between the scheduled backups of a tenant on this plan; 0: no schedule.", resolve: (p) => p.backups.everyHours }),
    backupsKept: t.int({ description: "Scheduled backups kept per tenant (the newest); older ones are removed.", resolve: (p) => p.backups.keep }),
  }),
});

builder.queryField("plans", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: [PlanRef],
    description: "The plans a tenant may have.",
    resolve: (_root, _args, context) => {
      const catalog = context.services.config.stacks.plans;
      return Object.values(catalog.plans).map((plan) => ({ ...plan, isDefault: plan.name === catalog.defaultPlan }));
    },
  }),
);

builder.queryField("mauticImages", (t) =>
  t.withAuth({ loggedIn: true }).stringList({
    description: "The Mautic images an admin may choose (pinned tags; the first is the default).",
    resolve: (_root, _args, context) => context.services.config.stacks.mauticImages,
  }),
);
