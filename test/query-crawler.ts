/**
 * Builds, from the panel's schema, one query per root Query field that selects everything
 * reachable to a given depth (every member of a union or interface, every scalar), so a test can
 * read all the API shows without keeping a hand-written list in step with the schema.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";

/** Values for required arguments, by argument name (falls back on the argument's type). */
export type ArgumentValues = Record<string, unknown>;

export interface CrawlQuery {
  field: string;
  query: string;
}

function argumentValue(arg: GraphQLArgument, values: ArgumentValues): unknown {
  if (arg.name in values) return values[arg.name];
  const named = getNamedType(arg.type as GraphQLInputType);
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (named.name === "Int") return 10;
  if (named.name === "Boolean") return true;
  if (isInputObjectType(named)) return undefined;
  return "x";
}

/** `(a: 1, b: "x")` for the required arguments and any argument named in `values`. */
function argumentList(field: GraphQLField<unknown, unknown>, values: ArgumentValues): string | null {
  const parts: string[] = [];
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) && !(arg.name in values)) continue;
    const value = argumentValue(arg, values);
    if (value === undefined) return null;
    const enumLike = isEnumType(getNamedType(arg.type as GraphQLInputType));
    parts.push(`${arg.name}: ${enumLike ? String(value) : JSON.stringify(value)}`);
  }
  return parts.length ? `(${parts.join(", ")})` : "";
}

function selection(schema: GraphQLSchema, type: GraphQLNamedType, depth: number, values: ArgumentValues): string | null {
  if (isScalarType(type) || isEnumType(type)) return "";
  if (depth <= 0) return null;
  if (isUnionType(type) || isInterfaceType(type)) {
    const members = isUnionType(type) ? type.getTypes() : schema.getPossibleTypes(type);
    const fragments = members
      .map((member) => [member.name, selection(schema, member, depth, values)] as const)
      .filter((entry): entry is readonly [string, string] => Boolean(entry[1]))
      .map(([name, body]) => `... on ${name} ${body}`);
    return `{ __typename ${fragments.join(" ")} }`;
  }
  if (!isObjectType(type)) return null;
  const fields: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const args = argumentList(field, values);
    if (args === null) continue;
    const inner = selection(schema, getNamedType(field.type), depth - 1, values);
    if (inner === null) continue;
    fields.push(`${field.name}${args}${inner ? ` ${inner}` : ""}`);
  }
  return fields.length ? `{ ${fields.join(" ")} }` : null;
}

/** One query per root Query field, selecting to `depth` levels of objects. */
export function crawlQueries(schema: GraphQLSchema, values: ArgumentValues, depth = 4): CrawlQuery[] {
  const root = schema.getQueryType()!;
  return Object.values(root.getFields()).map((field) => {
    const args = argumentList(field, values) ?? "";
    const inner = selection(schema, getNamedType(field.type), depth, values) ?? "";
    return { field: field.name, query: `query Crawl { ${field.name}${args} ${inner} }` };
  });
}
