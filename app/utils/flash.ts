/**
 * Messages after an action ("toasts"), carried by the redirect as `?done=<key>`: the key picks
 * one of these fixed texts, so a link can neither inject text nor carry anything secret, and it
 * works without JavaScript. Anything one-time and secret (a set-password link, an API token) is
 * rendered by the action's own response instead, never put in a URL or cookie.
 */
export const FLASH_MESSAGES = {
  "password-set": "Password set; sign in.",
  "password-changed": "Your password was changed. Your other sessions were signed out.",
  "user-created": "Account created. It can sign in with the password you gave.",
  "user-updated": "Account changed.",
  "user-deleted": "Account deleted.",
  "token-revoked": "API token revoked. It stops working at once.",
  "tenant-created": "Tenant created; provisioning has started.",
  "invite-hidden": "The set-password link was hidden. Make a new one from Users if it is lost.",
  "tenant-updated": "Tenant saved. A new plan or mailer DSN is applied by a redeploy (queued at once for an ACTIVE tenant).",
  "tenant-retry": "Retry requested: provisioning continues from the step that failed.",
  "tenant-suspend": "Suspend requested: the stack stops shortly; its data is kept.",
  "tenant-resume": "Resume requested: the stack starts again shortly.",
  "tenant-redeploy": "Redeploy requested: the current settings and plan are being applied.",
  "tenant-delete": "Deletion requested: the tenant's stack is being removed.",
  "restore-requested": "Restore requested: Mautic stops while the backup's data goes back, then starts again. Follow it in the event log.",
  "upgrade-requested": "Upgrade requested: a backup first, then the new version; a failure rolls back to the current one.",
  "fleet-upgrade-started": "Fleet upgrade started with its first batch.",
  "fleet-upgrade-stopped": "Fleet upgrade stopped: upgrades under way finish, the rest are skipped.",
  "tenant-cloned": "Tenant created from the backup: it is provisioned, then the backup's data is copied into it.",
  "backup-requested": "Backup requested: it starts once the tenant's other work is done. Follow it under Backups.",
} as const;

export type FlashKey = keyof typeof FLASH_MESSAGES;

export const FLASH_PARAM = "done";

export function flashMessage(key: string | null | undefined): string | null {
  return key && Object.hasOwn(FLASH_MESSAGES, key) ? FLASH_MESSAGES[key as FlashKey] : null;
}

/** `path` with `?done=<key>` added (keeping its other query parameters). */
export function withFlash(path: string, key: FlashKey): string {
  const [pathname, query = ""] = path.split("?", 2);
  const params = new URLSearchParams(query);
  params.set(FLASH_PARAM, key);
  return `${pathname}?${params}`;
}
