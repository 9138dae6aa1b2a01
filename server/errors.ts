/**
 * Typed application errors. Services throw only AppError subclasses; each layer translates
 * them once (GraphQL exposes them as typed results or unmasked errors with `code`, Remix turns
 * them into thrown Responses, REST into JSON with a status). Messages are written for the
 * person who will read them and never contain secrets.
 */

/** Every stable error code; clients switch on these, so they only ever grow. */
export const APP_ERROR_CODES = [
  "VALIDATION_FAILED",
  "INVALID_CREDENTIALS",
  "TOO_MANY_ATTEMPTS",
  "NOT_AUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "UNAVAILABLE",
  "INTERNAL",
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** HTTP status the REST and Remix layers answer with. */
  readonly status: number;

  constructor(code: AppErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options?.status ?? 500;
  }
}

/**
 * A failure of a maintenance command (database backup and restore, secret rotation) whose message
 * tells the operator what to do: the command prints it and exits 1 (scripts/support/cli.ts).
 */
export class OperatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One problem with one input field; `field` is the input's name (dotted for nested input). */
export interface FieldError {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  readonly fieldErrors: FieldError[];

  constructor(fieldErrors: FieldError[], message?: string) {
    super("VALIDATION_FAILED", message ?? summarize(fieldErrors), { status: 400 });
    this.fieldErrors = fieldErrors;
  }

  /** The first message for a field, for forms that show one message per field. */
  messageFor(field: string): string | undefined {
    return this.fieldErrors.find((e) => e.field === field)?.message;
  }
}

function summarize(fieldErrors: FieldError[]): string {
  if (fieldErrors.length === 0) return "The input is invalid.";
  return fieldErrors.map((e) => `${e.field}: ${e.message}`).join("; ");
}

export class InvalidCredentialsError extends AppError {
  constructor() {
    super("INVALID_CREDENTIALS", "The e-mail address or password is incorrect.", { status: 401 });
  }
}

export class TooManyAttemptsError extends AppError {
  readonly retryAfterSeconds: number;

  /** `what` names what was attempted too often, e.g. "sign-in attempts". */
  constructor(retryAfterSeconds: number, what = "sign-in attempts") {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super("TOO_MANY_ATTEMPTS", `Too many ${what}. Try again in ${seconds} s.`, { status: 429 });
    this.retryAfterSeconds = seconds;
  }
}

export class NotAuthenticatedError extends AppError {
  constructor(message = "You must be signed in.") {
    super("NOT_AUTHENTICATED", message, { status: 401 });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You are not allowed to do this.") {
    super("FORBIDDEN", message, { status: 403 });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super("NOT_FOUND", `${what} was not found.`, { status: 404 });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, readonly field?: string) {
    super("CONFLICT", message, { status: 409 });
  }
}

/**
 * Something the panel depends on (Portainer, a tenant's running services) cannot answer right
 * now. The message says what is missing and what to do about it.
 */
export class UnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNAVAILABLE", message, { status: 503, cause: options?.cause });
  }
}
