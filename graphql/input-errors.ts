/**
 * Two kinds of caller mistakes that used to end as "Unexpected error." (INTERNAL, logged as a
 * server fault) become VALIDATION_FAILED errors with a message for people, on every transport
 * (HTTP, WebSocket, in-process for Remix and REST):
 *
 *  - Text that is not well-formed Unicode: a lone UTF-16 surrogate, which JSON allows as an
 *    escape (`"\ud800"`). Prisma's query engine refuses such a string ("lone leading surrogate in
 *    hex escape"), so any argument carrying one (a search, an id, a name) failed inside the
 *    database layer. It is refused before anything runs, wherever it sits in the variables.
 *  - Pothos's own argument checks: an unreadable connection cursor (`after: "abc"`) or a
 *    negative `first`/`last`.
 */
import { GraphQLError, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";

/** A code point that is a surrogate on its own (a well-formed pair is one astral code point). */
const LONE_SURROGATE = /\p{Cs}/u;
/** Deeper input than this is not walked (GraphQL's coercion has already bounded it). */
const MAX_DEPTH = 32;

/** The path of the first string in `value` that holds a lone surrogate, or null. */
export function loneSurrogatePath(value: unknown, path = "", depth = 0): string | null {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? path : null;
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return null;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    const found = LONE_SURROGATE.test(key) ? `${path}.${key}` : loneSurrogatePath(inner, path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** One error per variable holding malformed text (like GraphQL's own coercion errors), or null. */
function malformedText(variables: unknown): ExecutionResult | null {
  const errors: GraphQLError[] = [];
  for (const [name, value] of Object.entries((variables ?? {}) as Record<string, unknown>)) {
    const path = loneSurrogatePath(value, name);
    if (path === null) continue;
    errors.push(new GraphQLError(`Variable "$${path}" is not valid Unicode text (it holds a lone surrogate).`, { extensions: { code: "VALIDATION_FAILED" } }));
  }
  return errors.length > 0 ? { errors } : null;
}

function isPothosValidationError(error: GraphQLError): boolean {
  return error.originalError?.name === "PothosValidationError";
}

function clientErrors(result: ExecutionResult): ExecutionResult | null {
  if (!result.errors?.some(isPothosValidationError)) return null;
  return {
    ...result,
    errors: result.errors.map((error) =>
      isPothosValidationError(error)
        ? new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions: { code: "VALIDATION_FAILED" } })
        : error,
    ),
  };
}

export function useInputErrors(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = malformedText(args.variableValues);
      if (refused) {
        setResultAndStopExecution(refused);
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const mapped = clientErrors(result);
          if (mapped) setResult(mapped);
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = malformedText(args.variableValues);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
