import { builder } from "../builder";

export const FleetUpgradeItemStatusEnum = builder.enumType("FleetUpgradeItemStatus", {
  description: "Where one tenant of a fleet upgrade is.",
  values: {
    PENDING: { description: "Its batch has not started." },
    RUNNING: { description: "Its backup and upgrade are under way." },
    SUCCEEDED: { description: "It runs the new image." },
    FAILED: { description: "Its upgrade failed; it was rolled back (or is in ERROR if the rollback failed too)." },
    SKIPPED: { description: "Not attempted: the fleet upgrade stopped, or the tenant was busy or no longer ACTIVE." },
  } as const,
});
