/**
 * Small cryptographic helpers. Every key is derived from APP_SECRET with HKDF and a purpose
 * label, so one secret never serves two purposes (cookie signing vs. encryption at rest).
 */
import crypto from "node:crypto";

/** A 256-bit key for one purpose, derived from APP_SECRET. */
export function deriveKey(appSecret: string, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", appSecret, "mautic-panel", purpose, 32));
}

/** URL-safe random token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString("base64url");
}

export function sha256(value: string): string {
  return crypto.createHash("sha256").update(value).digest("base64url");
}

export function hmac(key: Buffer, value: string): string {
  return crypto.createHmac("sha256", key).update(value).digest("base64url");
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
