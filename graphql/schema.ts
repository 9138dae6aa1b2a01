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
import "./types/tenant-status";
import "./types/tenant-phase";
import "./types/event-level";
import "./types/tenant-event";
import "./types/service-health";
import "./types/tenant-health";
import "./types/tenant";
import "./types/plan";
import "./types/actor-type";
import "./types/api-token";
import "./types/audit-entry";

export const schema = builder.toSchema();
auditMutations(schema);

/** The SDL committed as graphql/schema.graphql (sorted, so diffs stay readable). */
export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
