/**
 * The tenant stack builder: a pure function from a validated tenant and the deployment settings to the
 * typed stack file object. No I/O, no environment, no string templates: every value is a validated
 * field or a constant, and {@link renderStackYaml} serializes the object once.
 *
 * Layout (see docs/decisions/007-tenant-stack.md):
 * - `db`: MySQL (default 8.4) with its own volume and a TCP health check;
 * - `mautic_web`, `mautic_cron`, `mautic_worker`: one pinned Mautic image, the four persistent paths
 *   shared, each role chosen by `DOCKER_MAUTIC_ROLE`;
 * - `mautic_install`: a replicated-job that installs Mautic unattended (files/install-mautic.sh);
 * - a private overlay network per tenant, and the external Traefik network joined by `mautic_web` only.
 */
import { ValidationError } from "../errors";
import type {
  ComposeDeploy,
  ComposeFile,
  ComposeFileMount,
  ComposeLogging,
  ComposeResourceSpec,
  ComposeService,
  ComposeVolumeMount,
  StringMap,
} from "./compose-spec";
import {
  PANEL_LABELS,
  SERVICE_ROLES,
  TENANT_NETWORK,
  TRAEFIK_NETWORK_KEY,
  VOLUME_NAMES,
  type ServiceName,
} from "./names";
import type { PlanService, ResourceSpec, ServiceResources } from "./plans";
import { validateStackSettings, type StackSettings } from "./settings";
import type { ValidTenant } from "./tenant-input";
import { traefikLabels } from "./traefik-labels";

/** Where the Mautic image keeps the data that must survive a task (its `VOLUME` lines). */
const MAUTIC_PATHS = {
  mautic_config: "/var/www/html/config",
  mautic_logs: "/var/www/html/var/logs",
  mautic_media_files: "/var/www/html/docroot/media/files",
  mautic_media_images: "/var/www/html/docroot/media/images",
} as const;

/** Mount points of the panel's configs inside the containers. */
export const CONFIG_TARGETS = {
  crontab: "/opt/mautic/cron/mautic",
  installScript: "/opt/mautic-panel/install-mautic.sh",
  entrypoint: "/opt/mautic-panel/entrypoint.sh",
} as const;

/** File names of the secrets under /run/secrets/. */
const SECRET_TARGETS = {
  dbPassword: "db_password",
  dbRootPassword: "db_root_password",
  adminPassword: "admin_password",
  mailerDsn: "mailer_dsn",
} as const;
const secretPath = (key: keyof typeof SECRET_TARGETS) => "/run/secrets/" + SECRET_TARGETS[key];

/** Decimal forms of octal file modes: 0444 (configs, read by www-data or mysql) and 0400 (root-only secrets). */
const MODE_READ_ALL = 0o444;
const MODE_ROOT_ONLY = 0o400;

const LOGGING: ComposeLogging = { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } };

/** Long-running services restart forever: each Mautic role exits when the DB is not up yet (~30 s). */
const RESTART_ALWAYS = { condition: "any", delay: "10s", window: "120s" } as const;

/**
 * stop-first everywhere: mautic_web runs Doctrine migrations on start, two cron daemons would run every
 * job twice, and two mysqld cannot share a data directory. `pause`, not `rollback`: a failed new web
 * task may already have migrated the schema.
 */
const UPDATE_STOP_FIRST = { parallelism: 1, order: "stop-first", failure_action: "pause" } as const;

function formatCpus(cpus: number): string {
  return String(Math.round(cpus * 100) / 100);
}

function resourceSpec(spec: ResourceSpec): ComposeResourceSpec {
  return {
    ...(spec.cpus > 0 ? { cpus: formatCpus(spec.cpus) } : {}),
    ...(spec.memoryMiB > 0 ? { memory: String(spec.memoryMiB) + "M" } : {}),
  };
}

function resources(plan: ServiceResources): ComposeDeploy["resources"] {
  return { limits: resourceSpec(plan.limits), reservations: resourceSpec(plan.reservations) };
}

function panelLabels(tenant: ValidTenant, service: ServiceName): StringMap {
  return {
    [PANEL_LABELS.managed]: "true",
    [PANEL_LABELS.tenant]: tenant.id,
    [PANEL_LABELS.role]: SERVICE_ROLES[service],
  };
}

const MAUTIC_VOLUMES: readonly ComposeVolumeMount[] = (Object.keys(MAUTIC_PATHS) as (keyof typeof MAUTIC_PATHS)[]).map(
  (source) => ({ type: "volume", source, target: MAUTIC_PATHS[source] }),
);

/** Builds the typed stack file for one tenant. Throws {@link ValidationError} for unusable settings. */
export function buildTenantStack(tenant: ValidTenant, settings: StackSettings): ComposeFile {
  const config = validateStackSettings(settings);
  if (config.placement === "pin" && tenant.nodeHostname === null) {
    throw new ValidationError([
      { field: "nodeHostname", message: "Choose the node for this tenant: its volumes are local to one node." },
    ]);
  }
  const placement =
    config.placement === "pin" ? { placement: { constraints: ["node.hostname == " + tenant.nodeHostname] } } : {};

  const deploy = (
    service: ServiceName,
    planService: PlanService,
    extra: { labels?: StringMap; monitor?: string } = {},
  ): ComposeDeploy => ({
    mode: "replicated",
    // One replica each: web runs migrations on start, cron must never run twice, MySQL owns its datadir.
    replicas: 1,
    ...placement,
    resources: resources(tenant.plan.services[planService]),
    restart_policy: RESTART_ALWAYS,
    update_config: { ...UPDATE_STOP_FIRST, ...(extra.monitor ? { monitor: extra.monitor } : {}) },
    labels: { ...panelLabels(tenant, service), ...extra.labels },
  });

  // The Mautic image reads MAUTIC_DB_PASSWORD / MAUTIC_MAILER_DSN only from the environment
  // (docker-mautic#306), so the panel's entrypoint wrapper exports them from the secret files named here
  // before it hands over to the image's entrypoint: the values never appear in the stack file or the
  // service spec. PANEL_* rather than MAUTIC_*_FILE, which some image versions treat as an alternative
  // that must not be combined with the plain variable.
  const mauticEnvironment: StringMap = {
    // The full service name, not the alias `db`: mautic_web also sits on the shared Traefik network, where
    // another stack's `db` would answer too. This ties the file to being deployed as `tenant.stackName`.
    MAUTIC_DB_HOST: tenant.stackName + "_db",
    MAUTIC_DB_PORT: "3306",
    MAUTIC_DB_DATABASE: tenant.mysqlDatabase,
    MAUTIC_DB_USER: tenant.mysqlUser,
    PANEL_DB_PASSWORD_FILE: secretPath("dbPassword"),
    MAUTIC_MESSENGER_DSN_EMAIL: "doctrine://default",
    MAUTIC_MESSENGER_DSN_HIT: "doctrine://default",
    // Never load demo fixtures: the web entrypoint would purge the database on every start.
    DOCKER_MAUTIC_LOAD_TEST_DATA: "false",
  };
  const mailerEnvironment: StringMap =
    tenant.secrets.mailerDsn !== undefined ? { PANEL_MAILER_DSN_FILE: secretPath("mailerDsn") } : {};
  const roleSecrets: ComposeFileMount[] = [
    { source: "db_password", target: SECRET_TARGETS.dbPassword, mode: MODE_ROOT_ONLY },
    ...(tenant.secrets.mailerDsn !== undefined
      ? [{ source: "mailer_dsn", target: SECRET_TARGETS.mailerDsn, mode: MODE_ROOT_ONLY }]
      : []),
  ];
  const entrypointMount: ComposeFileMount = {
    source: "entrypoint",
    target: CONFIG_TARGETS.entrypoint,
    mode: MODE_READ_ALL,
  };

  const mauticRole = (
    service: "mautic_web" | "mautic_cron" | "mautic_worker",
    planService: PlanService,
    parts: {
      environment?: StringMap;
      configs?: ComposeFileMount[];
      networks?: string[];
      healthcheck?: ComposeService["healthcheck"];
      stopGrace?: string;
      deployLabels?: StringMap;
      monitor?: string;
    },
  ): ComposeService => ({
    image: tenant.mauticImage,
    entrypoint: ["/bin/bash", CONFIG_TARGETS.entrypoint],
    environment: { ...mauticEnvironment, DOCKER_MAUTIC_ROLE: service, ...mailerEnvironment, ...parts.environment },
    volumes: MAUTIC_VOLUMES,
    networks: parts.networks ?? [TENANT_NETWORK],
    configs: [entrypointMount, ...(parts.configs ?? [])],
    secrets: roleSecrets,
    ...(parts.healthcheck ? { healthcheck: parts.healthcheck } : {}),
    ...(parts.stopGrace ? { stop_grace_period: parts.stopGrace } : {}),
    labels: panelLabels(tenant, service),
    logging: LOGGING,
    deploy: deploy(service, planService, {
      ...(parts.deployLabels ? { labels: parts.deployLabels } : {}),
      ...(parts.monitor ? { monitor: parts.monitor } : {}),
    }),
  });

  const db: ComposeService = {
    image: config.mysqlImage,
    environment: {
      MYSQL_DATABASE: tenant.mysqlDatabase,
      MYSQL_USER: tenant.mysqlUser,
      MYSQL_PASSWORD_FILE: secretPath("dbPassword"),
      MYSQL_ROOT_PASSWORD_FILE: secretPath("dbRootPassword"),
    },
    volumes: [{ type: "volume", source: "db_data", target: "/var/lib/mysql" }],
    networks: [TENANT_NETWORK],
    // Default mode 0444: the MySQL entrypoint reads the files after dropping to the mysql user.
    secrets: [
      { source: "db_password", target: SECRET_TARGETS.dbPassword },
      { source: "db_root_password", target: SECRET_TARGETS.dbRootPassword },
    ],
    healthcheck: {
      // TCP on purpose: the image's first-boot temporary server listens on the socket only. `ping` exits 0
      // whenever the server answers (even "access denied"), so no password is needed here.
      test: ["CMD", "mysqladmin", "ping", "--host=127.0.0.1", "--port=3306", "--silent"],
      interval: "10s",
      timeout: "5s",
      retries: 10,
      start_period: "90s",
    },
    stop_grace_period: "60s",
    labels: panelLabels(tenant, "db"),
    logging: LOGGING,
    deploy: deploy("db", "db"),
  };

  const web = mauticRole("mautic_web", "web", {
    networks: [TENANT_NETWORK, TRAEFIK_NETWORK_KEY],
    healthcheck: {
      // "Apache answers", as upstream: no -f, so a redirect to the installer or a trusted_hosts 400 is healthy.
      test: ["CMD", "curl", "--silent", "--output", "/dev/null", "http://localhost/"],
      interval: "15s",
      timeout: "5s",
      retries: 5,
      // The entrypoint runs Doctrine migrations before Apache starts.
      start_period: "300s",
    },
    stopGrace: "30s",
    deployLabels: traefikLabels(tenant, config),
    monitor: "60s",
  });

  const cron = mauticRole("mautic_cron", "cron", {
    // A mounted crontab wins over the image's template, which lacks mautic:broadcasts:send.
    configs: [{ source: "crontab", target: CONFIG_TARGETS.crontab, mode: MODE_READ_ALL }],
  });

  const worker = mauticRole("mautic_worker", "worker", {
    environment: {
      DOCKER_MAUTIC_WORKERS_CONSUME_EMAIL: String(tenant.plan.workers.email),
      DOCKER_MAUTIC_WORKERS_CONSUME_HIT: String(tenant.plan.workers.hit),
      DOCKER_MAUTIC_WORKERS_CONSUME_FAILED: String(tenant.plan.workers.failed),
    },
    stopGrace: "60s",
  });

  const install: ComposeService = {
    image: tenant.mauticImage,
    // The job replaces the image's entrypoint: it must not start Apache, only install and exit.
    entrypoint: ["/bin/bash", CONFIG_TARGETS.installScript],
    environment: {
      ...mauticEnvironment,
      // PANEL_* and not MAUTIC_*: Mautic maps every MAUTIC_<KEY> variable onto its own parameters.
      PANEL_SITE_URL: "https://" + tenant.domain,
      PANEL_ADMIN_EMAIL: tenant.adminEmail,
      PANEL_ADMIN_USERNAME: tenant.adminUsername,
      PANEL_ADMIN_FIRSTNAME: tenant.adminFirstName,
      PANEL_ADMIN_LASTNAME: tenant.adminLastName,
      PANEL_ADMIN_PASSWORD_FILE: secretPath("adminPassword"),
      PANEL_TRUSTED_PROXIES: config.trustedProxies.join(","),
    },
    volumes: MAUTIC_VOLUMES,
    networks: [TENANT_NETWORK],
    configs: [{ source: "install_script", target: CONFIG_TARGETS.installScript, mode: MODE_READ_ALL }],
    secrets: [
      { source: "db_password", target: SECRET_TARGETS.dbPassword, mode: MODE_ROOT_ONLY },
      { source: "admin_password", target: SECRET_TARGETS.adminPassword, mode: MODE_ROOT_ONLY },
    ],
    labels: panelLabels(tenant, "mautic_install"),
    logging: LOGGING,
    deploy: {
      mode: "replicated-job",
      replicas: 1,
      ...placement,
      resources: resources(tenant.plan.services.install),
      // The script waits for the DB and for local.php itself; restarts are for real failures only.
      restart_policy: { condition: "on-failure", delay: "30s", max_attempts: 5 },
      labels: panelLabels(tenant, "mautic_install"),
    },
  };

  const volumeLabels: StringMap = { [PANEL_LABELS.managed]: "true", [PANEL_LABELS.tenant]: tenant.id };
  return {
    version: "3.8",
    services: { db, mautic_web: web, mautic_cron: cron, mautic_worker: worker, mautic_install: install },
    networks: {
      [TENANT_NETWORK]: { driver: "overlay", labels: volumeLabels },
      [TRAEFIK_NETWORK_KEY]: { external: true, name: config.traefikNetwork },
    },
    volumes: Object.fromEntries(VOLUME_NAMES.map((name) => [name, { labels: volumeLabels }])),
    configs: {
      crontab: { external: true, name: tenant.configs.crontab },
      install_script: { external: true, name: tenant.configs.installScript },
      entrypoint: { external: true, name: tenant.configs.entrypoint },
    },
    secrets: {
      db_password: { external: true, name: tenant.secrets.dbPassword },
      db_root_password: { external: true, name: tenant.secrets.dbRootPassword },
      admin_password: { external: true, name: tenant.secrets.adminPassword },
      ...(tenant.secrets.mailerDsn !== undefined
        ? { mailer_dsn: { external: true, name: tenant.secrets.mailerDsn } }
        : {}),
    },
  };
}
