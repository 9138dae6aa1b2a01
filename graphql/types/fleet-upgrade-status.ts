import { builder } from "../builder";

export const FleetUpgradeStatusEnum = builder.enumType("FleetUpgradeStatus", {
  description: "Where a fleet upgrade is.",
  values: {
    RUNNING: { description: "Batches are being upgraded." },
    COMPLETED: { description: "Every tenant was upgraded, rolled back after a failure, or skipped." },
    STOPPED: { description: "Stopped (the failure rate passed its threshold, or an admin stopped it); the rest were skipped." },
  } as const,
});
