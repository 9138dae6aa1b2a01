/**
 * Hands a new tenant owner's set-password link from the create-tenant action to the tenant page
 * it redirects to, without putting the link itself in a URL or cookie.
 *
 * The action keeps the link here under a random handle and redirects to
 * `/tenants/<id>?invite=<handle>`. The tenant page shows the link while the handle is valid: only
 * to the ADMIN who created the tenant, only on that tenant's page, for at most HOLD_MS (or until
 * the link expires), and until that ADMIN hides it. Revalidations of the live tenant page keep
 * showing it; a leaked handle is useless to anyone else.
 *
 * NOTE: in the memory of this process on purpose (the panel is one process: SQLite, in-process
 * worker). A restart forgets the handles; the page then says so and the admin issues a new link
 * from Users (createPasswordResetLink), which also invalidates the old one.
 */
import { randomBytes } from "node:crypto";

export interface OwnerInvite {
  tenantId: string;
  email: string;
  url: string;
  expiresAt: string;
}

interface Held extends OwnerInvite {
  viewerId: string;
  until: number;
}

const HOLD_MS = 30 * 60_000;
const MAX_HELD = 500;
const held = new Map<string, Held>();

function prune(now: number): void {
  for (const [handle, entry] of held) if (entry.until <= now) held.delete(handle);
  // Oldest first (a Map keeps insertion order): bounded even if nobody ever opens the pages.
  while (held.size > MAX_HELD) held.delete(held.keys().next().value!);
}

/** Keeps the invite for `viewerId` and returns the handle for the redirect URL. */
export function holdOwnerInvite(viewerId: string, invite: OwnerInvite, now = Date.now()): string {
  prune(now);
  const handle = randomBytes(16).toString("base64url");
  const linkExpiry = new Date(invite.expiresAt).getTime();
  held.set(handle, { ...invite, viewerId, until: Math.min(now + HOLD_MS, Number.isFinite(linkExpiry) ? linkExpiry : now + HOLD_MS) });
  return handle;
}

/** The invite behind `handle` if it is still held for this viewer and tenant, else null. */
export function peekOwnerInvite(handle: string | null, viewerId: string, tenantId: string, now = Date.now()): OwnerInvite | null {
  if (!handle) return null;
  prune(now);
  const entry = held.get(handle);
  if (!entry || entry.viewerId !== viewerId || entry.tenantId !== tenantId) return null;
  return { tenantId: entry.tenantId, email: entry.email, url: entry.url, expiresAt: entry.expiresAt };
}

/** Forgets the invite (the admin has handed it over). */
export function dropOwnerInvite(handle: string | null, viewerId: string): void {
  if (!handle) return;
  const entry = held.get(handle);
  if (entry && entry.viewerId === viewerId) held.delete(handle);
}
