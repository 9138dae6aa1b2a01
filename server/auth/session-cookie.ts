/**
 * The session cookie: an opaque random token, signed with a key derived from APP_SECRET, in an
 * HTTP-only, SameSite=Lax cookie (Secure and `__Host-` prefixed when the panel is on https).
 * The signature lets a tampered cookie be dropped without a database lookup; the database row
 * (found by the token's SHA-256) is what makes the session valid.
 */
import { deriveKey, hmac, safeEqual } from "../crypto";

export interface SessionCookieOptions {
  appSecret: string;
  secure: boolean;
  maxAgeMs: number;
}

export class SessionCookie {
  readonly name: string;
  private readonly key: Buffer;
  private readonly secure: boolean;
  private readonly maxAgeSeconds: number;

  constructor(options: SessionCookieOptions) {
    this.name = options.secure ? "__Host-panel_session" : "panel_session";
    this.key = deriveKey(options.appSecret, "session-cookie");
    this.secure = options.secure;
    this.maxAgeSeconds = Math.floor(options.maxAgeMs / 1000);
  }

  /** The token from a Cookie header, or null when absent, malformed or wrongly signed. */
  read(cookieHeader: string | null | undefined): string | null {
    if (!cookieHeader) return null;
    for (const part of cookieHeader.split(";")) {
      const eq = part.indexOf("=");
      if (eq < 0 || part.slice(0, eq).trim() !== this.name) continue;
      const value = part.slice(eq + 1).trim();
      const dot = value.lastIndexOf(".");
      if (dot <= 0) return null;
      const token = value.slice(0, dot);
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
      return safeEqual(value.slice(dot + 1), hmac(this.key, token)) ? token : null;
    }
    return null;
  }

  /** A Set-Cookie header value that stores `token`. */
  serialize(token: string): string {
    return this.attributes(`${this.name}=${token}.${hmac(this.key, token)}`, this.maxAgeSeconds);
  }

  /** A Set-Cookie header value that removes the cookie. */
  clear(): string {
    return this.attributes(`${this.name}=`, 0);
  }

  private attributes(pair: string, maxAge: number): string {
    const parts = [pair, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`];
    if (maxAge === 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
    if (this.secure) parts.push("Secure");
    return parts.join("; ");
  }
}
