/**
 * The schema is the integrators' manual (GraphiQL, code generators), so signed-in callers may
 * introspect it; a stranger may not map the API first. Only `__schema` and `__type` at the
 * root are refused when signed out; `__typename` is always fine.
 */
import { GraphQLError, Kind, type DocumentNode, type SelectionSetNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GraphQLContext } from "./context";

function asksForSchema(document: DocumentNode): boolean {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const visit = (set: SelectionSetNode, seen: Set<string>): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === "__schema" || selection.name.value === "__type";
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet, seen);
      const name = selection.name.value;
      if (seen.has(name) || !fragments.has(name)) return false;
      return visit(fragments.get(name)!, new Set([...seen, name]));
    });
  return document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && visit(d.selectionSet, new Set()));
}

export function useSignedInIntrospection(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as GraphQLContext;
      if (context.principal || !asksForSchema(args.document)) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(context.authProblem ?? "Sign in, or send an API token, to explore the schema.", {
            extensions: { code: "NOT_AUTHENTICATED" },
          }),
        ],
      });
    },
  };
}
