import { builder } from "../builder";

export const BackupTriggerEnum = builder.enumType("BackupTrigger", {
  description: "Why a backup was taken.",
  values: {
    MANUAL: { description: "Asked for by a person or an API token (`createBackup`)." },
    SCHEDULE: { description: "Taken by the schedule of the tenant's plan." },
    PRE_UPGRADE: { description: "Taken before an upgrade of the tenant's Mautic image, to roll back to." },
    PRE_DELETE: { description: "Taken before the tenant was deleted with its data; kept for a limited time." },
  } as const,
});
