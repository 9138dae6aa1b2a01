/**
 * Limits on what one GraphQL operation may ask for, checked at validation time (before any
 * resolver runs): nesting depth, aliases, and field selections in total. A hostile query is
 * refused with a clear message naming the limit, and costs the server almost nothing.
 */
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxFields: 1000 };

function limitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        let aliases = 0;
        let fields = 0;
        let deepest = 0;
        const walk = (set: SelectionSetNode, depth: number, seen: Set<string>, introspecting = false): void => {
          deepest = Math.max(deepest, depth);
          if (depth > limits.maxDepth || fields > limits.maxFields) return;
          for (const selection of set.selections) {
            if (selection.kind === Kind.FIELD) {
              fields++;
              if (selection.alias) aliases++;
              // Introspection (`__schema`, `__type`) nests by the schema's own shape, and GraphiQL's
              // query goes ~15 levels deep: it counts towards fields and aliases, not depth.
              const inside = introspecting || selection.name.value.startsWith("__");
              if (selection.selectionSet) walk(selection.selectionSet, inside ? depth : depth + 1, seen, inside);
            } else if (selection.kind === Kind.INLINE_FRAGMENT) {
              walk(selection.selectionSet, depth, seen, introspecting);
            } else {
              const fragment = fragments.get(selection.name.value);
              // A fragment spread twice in one path is a cycle, reported by GraphQL's own rules.
              if (fragment && !seen.has(fragment.name.value)) walk(fragment.selectionSet, depth, new Set([...seen, fragment.name.value]), introspecting);
            }
          }
        };
        walk(operation.selectionSet, 0, new Set());
        if (deepest > limits.maxDepth) context.reportError(new GraphQLError(`The query is nested deeper than ${limits.maxDepth} levels, the most allowed.`, { extensions: { code: "QUERY_TOO_DEEP" } }));
        if (aliases > limits.maxAliases) context.reportError(new GraphQLError(`The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`, { extensions: { code: "TOO_MANY_ALIASES" } }));
        if (fields > limits.maxFields) context.reportError(new GraphQLError(`The query selects more than ${limits.maxFields} fields; ask for fewer or page.`, { extensions: { code: "QUERY_TOO_LARGE" } }));
      },
    };
  };
}

/** Adds the limits to every operation Yoga validates (HTTP, WebSocket and in-process alike). */
export function useQueryLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(limitsRule(limits));
    },
  };
}
