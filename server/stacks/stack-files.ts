/**
 * The files a tenant stack mounts as Swarm configs (crontab, install script, entrypoint wrapper), and the
 * names of the configs and secrets the provisioning engine creates before it deploys the stack.
 * The only module of the stack builder that reads files; it reads each directory once.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stackNameFor, tenantSecretNames, type TenantSecretNames } from "./names";
import type { TenantConfigNames } from "./tenant-input";

/** One file delivered as a Swarm config. */
export interface StackFile {
  readonly fileName: string;
  readonly content: string;
  /** Hex SHA-256 of the content; its first 12 characters go into the config name. */
  readonly sha256: string;
}

/** The three files, keyed like {@link TenantConfigNames}. */
export type StackFiles = Readonly<Record<keyof TenantConfigNames, StackFile>>;

const FILE_NAMES: Readonly<Record<keyof TenantConfigNames, string>> = {
  crontab: "crontab",
  installScript: "install-mautic.sh",
  entrypoint: "mautic-entrypoint.sh",
};

/** Config name part per file, kept short so `mautic-<31-char slug>-<part>-<12 hex>` stays within 64. */
const NAME_PARTS: Readonly<Record<keyof TenantConfigNames, string>> = {
  crontab: "crontab",
  installScript: "install",
  entrypoint: "entrypoint",
};

/** Directory of the files in the source tree. A bundled server must copy it and pass its new location. */
export const DEFAULT_STACK_FILES_DIR = fileURLToPath(new URL("./files/", import.meta.url));

const cache = new Map<string, StackFiles>();

/** Reads the crontab, install script and entrypoint wrapper (once per directory) with their hashes. */
export function loadStackFiles(dir: string = DEFAULT_STACK_FILES_DIR): StackFiles {
  const cached = cache.get(dir);
  if (cached) return cached;
  const read = (key: keyof TenantConfigNames): StackFile => {
    const content = readFileSync(join(dir, FILE_NAMES[key]), "utf8");
    return { fileName: FILE_NAMES[key], content, sha256: createHash("sha256").update(content).digest("hex") };
  };
  const files: StackFiles = { crontab: read("crontab"), installScript: read("installScript"), entrypoint: read("entrypoint") };
  cache.set(dir, files);
  return files;
}

/**
 * Config names for a tenant: slug plus content hash. Swarm configs are immutable, so a changed file gets
 * a new name; the next deploy switches the services to it and the old config can then be removed.
 */
export function tenantConfigNames(slug: string, files: StackFiles): TenantConfigNames {
  const name = (key: keyof TenantConfigNames) =>
    `${stackNameFor(slug)}-${NAME_PARTS[key]}-${files[key].sha256.slice(0, 12)}`;
  return { crontab: name("crontab"), installScript: name("installScript"), entrypoint: name("entrypoint") };
}

/** Everything the provisioning engine creates in Docker before deploying a tenant's stack. */
export interface TenantStackAssets {
  /** Configs to create (name and content), keyed like {@link TenantConfigNames}. */
  readonly configs: Readonly<Record<keyof TenantConfigNames, { readonly name: string; readonly content: string }>>;
  /** Secret names; the engine fills them with the tenant's decrypted passwords and mailer DSN. */
  readonly secrets: TenantSecretNames;
}

/** Config names and contents plus secret names for one tenant. */
export function tenantStackAssets(
  slug: string,
  files: StackFiles,
  options: { mailerDsn: boolean; secretVersion?: number; mailerDsnRevision?: string },
): TenantStackAssets {
  const names = tenantConfigNames(slug, files);
  const config = (key: keyof TenantConfigNames) => ({ name: names[key], content: files[key].content });
  return {
    configs: { crontab: config("crontab"), installScript: config("installScript"), entrypoint: config("entrypoint") },
    secrets: tenantSecretNames(slug, {
      mailerDsn: options.mailerDsn,
      ...(options.secretVersion !== undefined ? { version: options.secretVersion } : {}),
      ...(options.mailerDsnRevision !== undefined ? { mailerDsnRevision: options.mailerDsnRevision } : {}),
    }),
  };
}

/** The scripts of the one-shot operations the ops stack runs (files/backup-tenant.sh, files/restore-tenant.sh). */
export type OpsKind = "backup" | "restore";

const OPS_FILE_NAMES: Readonly<Record<OpsKind, string>> = { backup: "backup-tenant.sh", restore: "restore-tenant.sh" };
const opsCache = new Map<string, Readonly<Record<OpsKind, StackFile>>>();

/** Reads the backup and restore scripts (once per directory) with their hashes. */
export function loadOpsScripts(dir: string = DEFAULT_STACK_FILES_DIR): Readonly<Record<OpsKind, StackFile>> {
  const cached = opsCache.get(dir);
  if (cached) return cached;
  const read = (kind: OpsKind): StackFile => {
    const content = readFileSync(join(dir, OPS_FILE_NAMES[kind]), "utf8");
    return { fileName: OPS_FILE_NAMES[kind], content, sha256: createHash("sha256").update(content).digest("hex") };
  };
  const scripts = { backup: read("backup"), restore: read("restore") };
  opsCache.set(dir, scripts);
  return scripts;
}

/** The config holding an ops script for one tenant: `mautic-<slug>-<kind>-<12 hex>` (at most 60 characters). */
export function opsConfigName(slug: string, kind: OpsKind, file: StackFile): string {
  return `${stackNameFor(slug)}-${kind}-${file.sha256.slice(0, 12)}`;
}
