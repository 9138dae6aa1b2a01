import { GraphQLError, Kind } from "graphql";
import { builder } from "../builder";

/** ISO 8601 timestamps in UTC, e.g. 2026-11-27T18:00:00.000Z. */
builder.scalarType("DateTime", {
  description: "A point in time, as an ISO 8601 string in UTC (e.g. 2026-11-27T18:00:00.000Z).",
  serialize: (value) => value.toISOString(),
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be an ISO 8601 string");
    return parseDate(ast.value);
  },
});

function parseDate(value: unknown): Date {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new GraphQLError("DateTime must be an ISO 8601 string with a time zone, e.g. 2026-11-27T18:00:00Z");
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new GraphQLError("DateTime is not a valid date");
  return date;
}
