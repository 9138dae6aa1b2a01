/**
 * The error types the schema exposes: an `Error` interface every AppError implements, and one
 * object type per AppError subclass that a field may return as a typed result. Only these
 * classes are ever shown to clients; anything else is masked by Yoga.
 */
import {
  APP_ERROR_CODES,
  AppError,
  ConflictError,
  ForbiddenError,
  InvalidCredentialsError,
  NotFoundError,
  TooManyAttemptsError,
  UnavailableError,
  ValidationError,
  type FieldError,
} from "../server/errors";
import { builder } from "./builder";

export const ErrorCode = builder.enumType("ErrorCode", {
  description: "Stable, machine-readable error codes.",
  values: {
    VALIDATION_FAILED: { description: "The input broke a rule; see `fieldErrors`." },
    INVALID_CREDENTIALS: { description: "Wrong e-mail address or password." },
    TOO_MANY_ATTEMPTS: { description: "Too many tries; wait `retryAfterSeconds`." },
    NOT_AUTHENTICATED: { description: "Sign in (or send a valid API token) first." },
    FORBIDDEN: { description: "Signed in, but not allowed to do this." },
    NOT_FOUND: { description: "It does not exist, or is not yours to see." },
    CONFLICT: { description: "It conflicts with existing data or the current state." },
    UNAVAILABLE: { description: "Something the panel depends on (e.g. Portainer) did not answer; try again later." },
    INTERNAL: { description: "An unexpected error; it was logged with the request id." },
  } satisfies Record<(typeof APP_ERROR_CODES)[number], { description: string }>,
});

export const ErrorInterface = builder.interfaceRef<AppError>("Error").implement({
  description: "Something the caller can act on went wrong. `message` is written for people.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What went wrong and what to do, for people." }),
    code: t.field({ type: ErrorCode, description: "What went wrong, for programs.", resolve: (error) => error.code }),
  }),
});

const FieldErrorRef = builder.objectRef<FieldError>("FieldError").implement({
  description: "One problem with one input field.",
  fields: (t) => ({
    field: t.exposeString("field", { description: "The input's name, e.g. `email`." }),
    message: t.exposeString("message", { description: "What is wrong with it." }),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: "The input broke one or more rules; each is named in `fieldErrors`.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldErrorRef], description: "Every broken rule, one per field (a field may appear more than once).", resolve: (error) => error.fieldErrors }),
  }),
});

builder.objectType(InvalidCredentialsError, {
  name: "InvalidCredentialsError",
  description: "The e-mail address or password is incorrect (the two are never told apart).",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidCredentialsError,
});

builder.objectType(TooManyAttemptsError, {
  name: "TooManyAttemptsError",
  description: "Too many attempts (sign-ins, set-password tries, token creations) for this account or address; wait `retryAfterSeconds` before trying again.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof TooManyAttemptsError,
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", { description: "Seconds to wait before trying again." }),
  }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  description: "The change conflicts with existing data (e.g. a duplicate e-mail).",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({
    field: t.exposeString("field", { nullable: true, description: "The input field that conflicts (e.g. `domain`), when there is one." }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  description: "The thing asked for does not exist, or is not yours to see (the two are never told apart).",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  description: "You may not do this.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
});

builder.objectType(UnavailableError, {
  name: "UnavailableError",
  description: "Something the panel depends on (Portainer, the tenant's services) cannot answer right now; `message` says why and what to do.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof UnavailableError,
});
