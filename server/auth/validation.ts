/**
 * Input rules shared by every surface (GraphQL, REST, forms, CLI): one place decides what an
 * e-mail address or a sign-in attempt must look like, and names the field in each error.
 */
import { ValidationError, type FieldError } from "../errors";
import { PASSWORD_MAX_BYTES, passwordProblem } from "./password";

export const EMAIL_MAX_LENGTH = 254;

// Deliberately plain: one @, no spaces or control characters, a dot in the domain.
const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/** Trimmed and lower-cased: how e-mail addresses are stored and compared. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailProblem(email: string): string | null {
  const value = email.trim();
  if (value === "") return "is required";
  if (value.length > EMAIL_MAX_LENGTH) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  if (!EMAIL_PATTERN.test(value)) return "must be an e-mail address like name@example.com";
  return null;
}

/** Validates a sign-in attempt; returns the normalized e-mail. */
export function parseLoginInput(input: { email: unknown; password: unknown }): { email: string; password: string } {
  const errors: FieldError[] = [];
  const email = typeof input.email === "string" ? input.email : "";
  const password = typeof input.password === "string" ? input.password : "";
  if (typeof input.email !== "string" && input.email !== undefined && input.email !== null) {
    errors.push({ field: "email", message: "E-mail must be a string" });
  } else {
    const problem = emailProblem(email);
    if (problem) errors.push({ field: "email", message: `E-mail ${problem}` });
  }
  if (typeof input.password !== "string" && input.password !== undefined && input.password !== null) {
    errors.push({ field: "password", message: "Password must be a string" });
  } else if (password === "") {
    errors.push({ field: "password", message: "Password is required" });
  } else if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES) {
    errors.push({ field: "password", message: `Password must be at most ${PASSWORD_MAX_BYTES} bytes` });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return { email: normalizeEmail(email), password };
}

/** Validates a new password for `field`; throws a ValidationError naming the field. */
export function assertNewPassword(password: string, field = "password"): void {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError([{ field, message: `Password ${problem}` }]);
}
