/**
 * Password hashing with bcrypt (cost 10, as the original description asks). bcrypt reads only
 * the first 72 bytes of a password, so longer passwords are refused rather than silently cut.
 */
import bcrypt from "bcrypt";

export const BCRYPT_COST = 10;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_BYTES = 72;

/** A hash of a random value, compared against when the account does not exist, so an unknown
 * e-mail costs the same time as a wrong password and cannot be told apart by timing. */
const DUMMY_HASH = bcrypt.hashSync("not-a-password-anyone-has", BCRYPT_COST);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

/** True when `password` matches `hash`; with a null hash it still spends a bcrypt comparison. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return ok && hash !== null;
}

/** Rules for a new password; returns the problem in words, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (Buffer.byteLength(password, "utf8") > PASSWORD_MAX_BYTES) return `must be at most ${PASSWORD_MAX_BYTES} bytes`;
  if (password.includes("\0")) return "must not contain a null character";
  if (password.trim() === "") return "must not be only spaces";
  return null;
}
