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

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A random alphanumeric password (no symbols: it travels through shell scripts, YAML and SQL
 * tools unharmed). 32 characters carry about 190 bits. Rejection sampling keeps it unbiased.
 */
export function generatePassword(length = 32): string {
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.randomBytes(length * 2)) {
      if (byte < 248) out += ALPHANUMERIC[byte % 62]; // 248 = 4 × 62: no modulo bias
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * Encrypts a secret for storage (AES-256-GCM, random 96-bit nonce). The output names its
 * format version, so keys or algorithms can change later: `v1.<nonce>.<tag>.<ciphertext>`.
 * `context` (e.g. the tenant id) is bound as associated data: a value copied to another row
 * does not decrypt there.
 */
export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", nonce.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export class SecretDecryptionError extends Error {
  constructor() {
    super("A stored secret cannot be decrypted: was APP_SECRET changed?");
    this.name = "SecretDecryptionError";
  }
}

export function decryptSecret(key: Buffer, sealed: string, context: string): string {
  const [version, nonce, tag, ciphertext] = sealed.split(".");
  if (version !== "v1" || !nonce || !tag || ciphertext === undefined) throw new SecretDecryptionError();
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError();
  }
}
