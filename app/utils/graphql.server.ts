/**
 * Running the UI's GraphQL operations in-process (see docs/decisions/002). Expected failures
 * come back as typed union members for the route to show; GraphQL errors become Responses the
 * error boundaries understand (400, 401, 403, 503), anything else is thrown as is (500).
 */
import { data as dataResponse, type AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";

/** An error member of a result union, as the UI's operations select it (see failureFields). */
export interface Failure {
  __typename: string;
  code?: string;
  message: string;
  fieldErrors?: { field: string; message: string }[];
  field?: string | null;
  retryAfterSeconds?: number;
}

const ERROR_DETAILS = {
  ValidationError: "... on ValidationError { fieldErrors { field message } }",
  ConflictError: "... on ConflictError { field }",
  TooManyAttemptsError: "... on TooManyAttemptsError { retryAfterSeconds }",
} as const;

/**
 * Selects what the UI shows of the error members of a result union: every error's code and
 * message, plus the details of the listed types (only types in the union may be named, or the
 * document does not validate).
 */
export function failureFields(...types: (keyof typeof ERROR_DETAILS)[]): string {
  return ["... on Error { code message }", ...types.map((t) => ERROR_DETAILS[t])].join("\n");
}

export async function run<TData, TVariables extends Record<string, unknown>>(
  context: AppLoadContext,
  operation: Operation<TData, TVariables>,
  variables?: TVariables,
): Promise<TData> {
  const outcome = await context.graphql.execute(operation, variables);
  const error = outcome.errors[0];
  if (error) {
    const code = error.extensions?.code;
    if (code === "FORBIDDEN") throw dataResponse(error.message, { status: 403 });
    if (code === "NOT_AUTHENTICATED") throw dataResponse(error.message, { status: 401 });
    // The request itself is malformed (e.g. an unreadable page cursor in the address).
    if (code === "VALIDATION_FAILED") throw dataResponse(error.message, { status: 400 });
    // Portainer (or a tenant's services) did not answer: the message says what to do.
    if (code === "UNAVAILABLE") throw dataResponse(error.message, { status: 503 });
    throw error;
  }
  return outcome.data!;
}

/** Whether a result is its union's success member (`Mutation…Success` / `Query…Success`). */
export function isSuccess<T extends { __typename: string }>(result: T | Failure): result is T {
  return result.__typename.endsWith("Success");
}

/**
 * A failure as the form shows it: one message per field (first wins; `rename` maps API field
 * names to form field names) and a form-level message when no field is named.
 */
export function formErrors(failure: Failure, rename: Record<string, string> = {}): { fieldErrors: Record<string, string>; formError: string | null } {
  const fieldErrors: Record<string, string> = {};
  for (const e of failure.fieldErrors ?? []) fieldErrors[rename[e.field] ?? e.field] ??= e.message;
  if (failure.__typename === "ConflictError" && failure.field) fieldErrors[rename[failure.field] ?? failure.field] ??= failure.message;
  return { fieldErrors, formError: Object.keys(fieldErrors).length > 0 ? null : failure.message };
}

/** The HTTP status a failure answers a form post with. */
export function failureStatus(failure: Failure): number {
  switch (failure.__typename) {
    case "ValidationError":
      return 400;
    case "ConflictError":
      return 409;
    case "NotFoundError":
      return 404;
    case "ForbiddenError":
      return 403;
    case "TooManyAttemptsError":
      return 429;
    default:
      return 400;
  }
}

/** A string from a form, trimmed; "" when absent. */
export function formString(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}
