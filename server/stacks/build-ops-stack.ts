/**
 * The ops stack: a companion stack (`mautic-<slug>-ops`) with one `replicated-job` service that runs
 * one operation on a tenant's data — a backup (files/backup-tenant.sh) or a restore
 * (files/restore-tenant.sh) — in the tenant's own Mautic image, next to the tenant's stack:
 *
 * - it joins the tenant's overlay network by name, so `mautic-<slug>_db` answers it;
 * - it mounts the tenant's config and media volumes by name, and the tenant's backup volume
 *   (`mautic-<slug>-backups`, a fixed name that outlives every ops stack) at /backups;
 * - with PLACEMENT=pin it runs on the tenant's node, where those node-local volumes are;
 * - restart policy `none`: a failed run is final, and the panel reports it with the script's words.
 *
 * Pure, like {@link buildTenantStack}: see docs/decisions/012-backups-ops-stack.md for why a companion stack.
 */
import type { ComposeDeploy, ComposeFile, ComposeService, StringMap } from "./compose-spec";
import { OPS_SERVICE, PANEL_LABELS, stackNameFor, TENANT_NETWORK, type VolumeName } from "./names";
import type { ServiceResources } from "./plans";
import type { PlacementMode } from "./settings";

/** Where the tenant's S3-compatible storage is, when backups are copied off the node. */
export interface OpsS3Settings {
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** Key prefix, ending with `/` (or empty). */
  readonly prefix: string;
  readonly accessKeyId: string;
  /** The Docker secret that holds the secret access key. */
  readonly secretName: string;
}

export interface OpsStackInput {
  readonly tenantId: string;
  readonly slug: string;
  readonly mauticImage: string;
  readonly nodeHostname: string | null;
  readonly placement: PlacementMode;
  readonly mysqlDatabase: string;
  readonly mysqlUser: string;
  /** The tenant's Docker secret with the database password. */
  readonly dbPasswordSecret: string;
  /** The config holding the operation's script (see opsConfigName). */
  readonly scriptConfig: string;
  /** The backup volume to mount at /backups (a clone reads its source tenant's). */
  readonly backupVolume: string;
  readonly resources: ServiceResources;
  readonly s3: OpsS3Settings | null;
}

export type OpsJob =
  | { readonly kind: "backup"; readonly backupName: string; readonly expire: readonly string[] }
  /** A deleted tenant's expired archives: no database, no data volumes, only the backup volume. */
  | { readonly kind: "purge"; readonly expire: readonly string[] }
  | {
      readonly kind: "restore";
      readonly backupName: string;
      readonly sha256: string;
      /** A clone: point the restored local.php at this tenant's database and URL. */
      readonly rewriteFor: { readonly siteUrl: string } | null;
    };

/** The network of a purge job (the tenant's own is gone by then). */
const OPS_NETWORK = "ops";

/** Where the ops job finds its files. */
export const OPS_TARGETS = {
  script: "/opt/mautic-panel/ops.sh",
  backups: "/backups",
  dbPassword: "db_password",
  s3SecretKey: "s3_secret_key",
} as const;

/** The tenant volumes an operation reads or replaces (the logs volume is not part of a backup). */
const DATA_VOLUMES: Readonly<Partial<Record<VolumeName, string>>> = {
  mautic_config: "/var/www/html/config",
  mautic_media_files: "/var/www/html/docroot/media/files",
  mautic_media_images: "/var/www/html/docroot/media/images",
};

const cpus = (n: number) => String(Math.round(n * 100) / 100);

export function buildOpsStack(input: OpsStackInput, job: OpsJob): ComposeFile {
  const tenantStack = stackNameFor(input.slug);
  if (input.placement === "pin" && input.nodeHostname === null) {
    throw new Error(`Tenant ${input.tenantId} has no node: its volumes are local to one node, so an operation must run there.`);
  }
  const labels: StringMap = {
    [PANEL_LABELS.managed]: "true",
    [PANEL_LABELS.tenant]: input.tenantId,
    [PANEL_LABELS.role]: `ops-${job.kind}`,
  };
  const purge = job.kind === "purge";
  const s3Environment: StringMap = input.s3
    ? {
        PANEL_S3_ENDPOINT: input.s3.endpoint,
        PANEL_S3_BUCKET: input.s3.bucket,
        PANEL_S3_REGION: input.s3.region,
        PANEL_S3_PREFIX: input.s3.prefix,
        PANEL_S3_ACCESS_KEY_ID: input.s3.accessKeyId,
        PANEL_S3_SECRET_ACCESS_KEY_FILE: `/run/secrets/${OPS_TARGETS.s3SecretKey}`,
      }
    : {};
  const jobEnvironment: StringMap =
    job.kind === "purge"
      ? { PANEL_BACKUP_MODE: "purge", PANEL_BACKUP_DELETE: job.expire.join(" ") }
      : job.kind === "backup"
      ? { PANEL_BACKUP_NAME: job.backupName, PANEL_BACKUP_DELETE: job.expire.join(" ") }
      : {
          PANEL_BACKUP_NAME: job.backupName,
          PANEL_BACKUP_SHA256: job.sha256,
          ...(job.rewriteFor ? { PANEL_REWRITE_CONFIG: "1", PANEL_SITE_URL: job.rewriteFor.siteUrl } : {}),
        };
  const resources = (spec: ServiceResources["limits"]) => ({
    ...(spec.cpus > 0 ? { cpus: cpus(spec.cpus) } : {}),
    ...(spec.memoryMiB > 0 ? { memory: `${spec.memoryMiB}M` } : {}),
  });
  const deploy: ComposeDeploy = {
    mode: "replicated-job",
    replicas: 1,
    ...(input.placement === "pin" ? { placement: { constraints: [`node.hostname == ${input.nodeHostname}`] } } : {}),
    resources: { limits: resources(input.resources.limits), reservations: resources(input.resources.reservations) },
    restart_policy: { condition: "none", delay: "5s" },
    labels,
  };
  const service: ComposeService = {
    image: input.mauticImage,
    entrypoint: ["/bin/bash", OPS_TARGETS.script],
    environment: {
      ...(purge
        ? {}
        : {
            MAUTIC_DB_HOST: `${tenantStack}_db`,
            MAUTIC_DB_PORT: "3306",
            MAUTIC_DB_DATABASE: input.mysqlDatabase,
            MAUTIC_DB_USER: input.mysqlUser,
            PANEL_DB_PASSWORD_FILE: `/run/secrets/${OPS_TARGETS.dbPassword}`,
          }),
      PANEL_BACKUP_DIR: OPS_TARGETS.backups,
      PANEL_TENANT_ID: input.tenantId,
      PANEL_MAUTIC_IMAGE: input.mauticImage,
      ...jobEnvironment,
      ...s3Environment,
    },
    volumes: [
      ...(purge ? [] : Object.entries(DATA_VOLUMES).map(([source, target]) => ({ type: "volume" as const, source, target }))),
      { type: "volume", source: "backups", target: OPS_TARGETS.backups },
    ],
    // A purge runs after the tenant's stack (and its network) is gone: it gets a network of its own.
    networks: [purge ? OPS_NETWORK : TENANT_NETWORK],
    configs: [{ source: "script", target: OPS_TARGETS.script, mode: 0o444 }],
    secrets: [
      ...(purge ? [] : [{ source: "db_password", target: OPS_TARGETS.dbPassword, mode: 0o400 }]),
      ...(input.s3 ? [{ source: "s3_secret_key", target: OPS_TARGETS.s3SecretKey, mode: 0o400 }] : []),
    ],
    labels,
    logging: { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } },
    deploy,
  };
  return {
    version: "3.8",
    services: { [OPS_SERVICE]: service },
    networks: purge
      ? { [OPS_NETWORK]: { driver: "overlay", labels: { [PANEL_LABELS.managed]: "true", [PANEL_LABELS.tenant]: input.tenantId } } }
      : { [TENANT_NETWORK]: { external: true, name: `${tenantStack}_${TENANT_NETWORK}` } },
    volumes: {
      ...(purge ? {} : Object.fromEntries(Object.keys(DATA_VOLUMES).map((key) => [key, { external: true as const, name: `${tenantStack}_${key}` }]))),
      backups: { name: input.backupVolume, labels: { [PANEL_LABELS.managed]: "true", [PANEL_LABELS.tenant]: input.tenantId } },
    },
    configs: { script: { external: true, name: input.scriptConfig } },
    secrets: {
      ...(purge ? {} : { db_password: { external: true as const, name: input.dbPasswordSecret } }),
      ...(input.s3 ? { s3_secret_key: { external: true, name: input.s3.secretName } } : {}),
    },
  };
}
