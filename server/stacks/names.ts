/**
 * Every name the tenant stack creates or references, derived from the tenant slug in one place, so the
 * length rules (Swarm: 63 characters per service name, Docker: 64 per config/secret name) can be checked
 * against the real longest name instead of a guess.
 */

/** Services of a tenant stack (the keys under `services:`). */
export const SERVICE_NAMES = ["db", "mautic_web", "mautic_cron", "mautic_worker", "mautic_install"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Named volumes of a tenant stack (the keys under `volumes:`). */
export const VOLUME_NAMES = [
  "db_data",
  "mautic_config",
  "mautic_logs",
  "mautic_media_files",
  "mautic_media_images",
] as const;
export type VolumeName = (typeof VOLUME_NAMES)[number];

/** The tenant's private overlay network (real name `<stack>_tenant`) and the key of the external Traefik network. */
export const TENANT_NETWORK = "tenant";
export const TRAEFIK_NETWORK_KEY = "traefik";

/** Role label values, one per service, for the reconcile loop. */
export const SERVICE_ROLES = {
  db: "db",
  mautic_web: "web",
  mautic_cron: "cron",
  mautic_worker: "worker",
  mautic_install: "install",
} as const satisfies Record<ServiceName, string>;
export type ServiceRole = (typeof SERVICE_ROLES)[ServiceName];

/** The panel's own labels. Every service (and its tasks, which carry the service labels) has all three. */
export const PANEL_LABELS = {
  managed: "io.mautic-panel.managed",
  tenant: "io.mautic-panel.tenant",
  role: "io.mautic-panel.role",
} as const;

/** Filter a reconcile loop passes to Docker's service and task list calls to get every panel object. */
export const PANEL_MANAGED_FILTER = `${PANEL_LABELS.managed}=true`;

const STACK_PREFIX = "mautic-";

/**
 * The Swarm stack name of a tenant. Docker prefixes every service, volume and network with it
 * (`<stack>_<name>`), and Portainer keeps it unchanged (it only strips characters outside `[-_a-z0-9]`).
 */
export function stackNameFor(slug: string): string {
  return STACK_PREFIX + slug;
}

/**
 * The companion stack that runs a tenant's one-shot operations (backup, restore) next to its stack:
 * one at a time per tenant, removed when the operation ends.
 */
export function opsStackNameFor(slug: string): string {
  return `${stackNameFor(slug)}-ops`;
}

/** The service of the ops stack that runs the operation (`<ops stack>_job`). */
export const OPS_SERVICE = "job";

/** The per-tenant volume backups are written to; a fixed name, so it outlives the ops stacks. */
export function backupVolumeNameFor(slug: string): string {
  return `${stackNameFor(slug)}-backups`;
}

/**
 * The Traefik router and service name of a tenant. It equals the stack name: Traefik drops every router
 * defined twice, and a stack name is already unique on the swarm, so two tenants can never collide.
 */
export function traefikNameFor(slug: string): string {
  return stackNameFor(slug);
}

/** Longest object name Docker derives from the stack name, so validation can bound the slug exactly. */
export function longestScopedNameLength(slug: string): number {
  const scoped = [...SERVICE_NAMES, ...VOLUME_NAMES, TENANT_NETWORK];
  return Math.max(...scoped.map((name) => `${stackNameFor(slug)}_${name}`.length));
}

/** Swarm's limit for service names (`name must be 63 characters or fewer`). */
export const MAX_SCOPED_NAME_LENGTH = 63;

/** Docker's limit for config and secret names. */
export const MAX_OBJECT_NAME_LENGTH = 64;

/** Names of the Docker secrets a tenant needs; the provisioning engine creates them before the deploy. */
export interface TenantSecretNames {
  /** MySQL password of the Mautic database user. */
  readonly dbPassword: string;
  /** MySQL root password. */
  readonly dbRootPassword: string;
  /** Password of the Mautic admin account created by the install job. */
  readonly adminPassword: string;
  /** Mailer DSN, only when the tenant has one. */
  readonly mailerDsn?: string;
}

/**
 * Secret names for a tenant. Swarm secrets are immutable, so rotating one means a new name: bump
 * `version` and redeploy, then remove the old secret. The mailer DSN, which an admin may change,
 * can instead carry its own `mailerDsnRevision` (up to 8 lower-case letters or digits, e.g. derived
 * from the stored value), so a changed DSN gets a new secret on the next deploy.
 */
export function tenantSecretNames(
  slug: string,
  options: { version?: number; mailerDsn: boolean; mailerDsnRevision?: string },
): TenantSecretNames {
  const version = options.version ?? 1;
  if (!Number.isSafeInteger(version) || version < 1 || version > 9999) {
    throw new RangeError("The secret version must be an integer from 1 to 9999.");
  }
  const revision = options.mailerDsnRevision;
  if (revision !== undefined && !/^[a-z0-9]{1,8}$/.test(revision)) {
    throw new RangeError("The mailer DSN revision must be 1 to 8 lower-case letters or digits.");
  }
  const name = (what: string) => `${stackNameFor(slug)}-${what}-v${version}`;
  return {
    dbPassword: name("db-password"),
    dbRootPassword: name("db-root-password"),
    adminPassword: name("admin-password"),
    ...(options.mailerDsn ? { mailerDsn: revision ? `${stackNameFor(slug)}-mailer-dsn-${revision}` : name("mailer-dsn") } : {}),
  };
}
