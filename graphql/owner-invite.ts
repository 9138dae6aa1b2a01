/**
 * createTenant's success result carries the set-password link of an owner account it created.
 * The result's fields receive the returned tenant row, so the link rides along on that row
 * under a symbol: invisible to everything else (JSON, Prisma, the `data` field).
 */
import type { IssuedPasswordLink } from "../server/auth/password-links";

const OWNER_INVITE = Symbol("ownerInvite");

type WithInvite = { [OWNER_INVITE]?: IssuedPasswordLink | null };

/** Returns `row` carrying `invite` for the result fields (see ownerInviteOf). */
export function withOwnerInvite<T extends object>(row: T, invite: IssuedPasswordLink | null): T {
  Object.defineProperty(row, OWNER_INVITE, { value: invite, enumerable: false });
  return row;
}

/** The link `withOwnerInvite` attached to `row`, or null. */
export function ownerInviteOf(row: unknown): IssuedPasswordLink | null {
  return (row as WithInvite | null)?.[OWNER_INVITE] ?? null;
}

export const OWNER_INVITE_DESCRIPTIONS = {
  url: "When `ownerEmail` named nobody yet, a CLIENT account was created without a password: this one-time link lets its owner choose one (shown only now: hand it over). Null otherwise.",
  expiresAt: "When `ownerSetPasswordUrl` stops working; null when there is no link.",
} as const;
