/** Imports every type file and builds the schema. Nothing else belongs here. */
import { lexicographicSortSchema, printSchema } from "graphql";
import { auditMutations } from "./audit";
import { builder } from "./builder";
import "./errors";
import "./types/roots";
import "./types/date-time";
import "./types/role";
import "./types/user";
import "./types/auth";
import "./types/create-user-input";
import "./types/update-user-input";
import "./types/create-user-payload";
import "./types/password-link";
import "./types/password-link-info";
import "./types/user-mutations";
import "./types/tenant-status";
import "./types/tenant-phase";
import "./types/event-level";
import "./types/tenant-event";
import "./types/service-health";
import "./types/tenant-health";
import "./types/tenant";
import "./types/plan";
import "./types/tenant-events-connection";
import "./types/tenant-credentials";
import "./types/update-tenant-input";
import "./types/log-stream";
import "./types/tenant-stack-service";
import "./types/log-line";
import "./types/portainer-check-name";
import "./types/portainer-check";
import "./types/portainer-status";
import "./types/node";
import "./types/actor-type";
import "./types/api-token";
import "./types/audit-entry";
import "./types/backup-trigger";
import "./types/backup-status";
import "./types/backup";
import "./types/restore-backup";
import "./types/clone-tenant";
import "./types/upgrade-tenant";
import "./types/fleet-upgrade-status";
import "./types/fleet-upgrade-item-status";
import "./types/fleet-upgrade-item";
import "./types/fleet-upgrade";

export const schema = builder.toSchema();
auditMutations(schema);

/** The SDL committed as graphql/schema.graphql (sorted, so diffs stay readable). */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
