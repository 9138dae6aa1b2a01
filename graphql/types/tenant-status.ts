import { builder } from "../builder";

export const TenantStatusEnum = builder.enumType("TenantStatus", {
  description: "Where a tenant is in its life.",
  values: {
    PENDING: { description: "Created; provisioning is queued." },
    PROVISIONING: { description: "Being set up; `phase` says which step." },
    ACTIVE: { description: "Installed and reachable at its domain." },
    ERROR: { description: "A step failed; `lastError` says why. It can be retried." },
    SUSPENDED: { description: "Stopped: services removed, data kept. It can be resumed." },
    MAINTENANCE: { description: "A restore or an upgrade is under way (`lastError` says which): Mautic is stopped or being checked." },
    DELETING: { description: "Being removed." },
    DELETED: { description: "Removed." },
  } as const,
});
