import { builder } from "../builder";

export const BackupStatusEnum = builder.enumType("BackupStatus", {
  description: "Where a backup is.",
  values: {
    QUEUED: { description: "Waiting for the tenant's earlier work to finish." },
    RUNNING: { description: "The backup job is dumping the database and archiving the volumes." },
    SUCCEEDED: { description: "The archive exists; `sha256`, `sizeBytes` and `location` describe it." },
    FAILED: { description: "The job failed; `error` says why. Nothing was kept." },
    EXPIRED: { description: "Removed by retention (or its keep time ran out); the record stays as history." },
  } as const,
});
