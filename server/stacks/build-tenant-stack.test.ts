import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors";
import { buildTenantStack } from "./build-tenant-stack";
import type { ComposeFile } from "./compose-spec";
import type { TraefikDialect } from "./settings";
import { acmeInput, SETTINGS, VALIDATION_OPTIONS } from "./stack-test-fixtures";
import { parseTenantStackInput, type Exposure, type TenantStackInput } from "./tenant-input";

// Expected numbers per plan, written out by hand (not read from plans.ts) so a changed preset is noticed:
// [limit cpus, limit memory, reservation cpus, reservation memory]
type Row = readonly [string, string, string | null, string];
const PLAN_TABLE: Record<string, { db: Row; web: Row; cron: Row; worker: Row; install: Row; workers: [string, string, string] }> = {
  small: {
    db: ["1", "1024M", "0.25", "512M"],
    web: ["1", "1024M", "0.25", "384M"],
    cron: ["0.5", "512M", "0.05", "128M"],
    worker: ["0.5", "768M", "0.05", "192M"],
    install: ["1", "768M", null, "256M"],
    workers: ["1", "1", "1"],
  },
  standard: {
    db: ["2", "2048M", "0.5", "1024M"],
    web: ["2", "2048M", "0.5", "768M"],
    cron: ["1", "768M", "0.1", "192M"],
    worker: ["1", "1536M", "0.1", "384M"],
    install: ["1", "1024M", null, "256M"],
    workers: ["2", "1", "1"],
  },
  large: {
    db: ["4", "4096M", "1", "2048M"],
    web: ["4", "4096M", "1", "1536M"],
    cron: ["1", "1024M", "0.25", "256M"],
    worker: ["2", "3072M", "0.25", "768M"],
    install: ["2", "1536M", null, "512M"],
    workers: ["3", "2", "1"],
  },
};

const res = ([cpus, memory, rCpus, rMemory]: Row) => ({
  limits: { cpus, memory },
  reservations: rCpus === null ? { memory: rMemory } : { cpus: rCpus, memory: rMemory },
});

interface Expectation {
  plan: keyof typeof PLAN_TABLE;
  dialect: TraefikDialect;
  exposure: Exposure;
  pinned?: boolean;
  mailer?: boolean;
}

/** The complete stack we expect for tenant "acme", spelled out. */
function expectedStack({ plan, dialect, exposure, pinned = true, mailer = false }: Expectation): ComposeFile {
  const p = PLAN_TABLE[plan]!;
  const placement = pinned ? { placement: { constraints: ["node.hostname == swarm-node-1"] } } : {};
  const panel = (role: string) => ({
    "io.mautic-panel.managed": "true",
    "io.mautic-panel.tenant": "cm3tenantacme0001",
    "io.mautic-panel.role": role,
  });
  const logging = { driver: "json-file", options: { "max-size": "10m", "max-file": "3" } } as const;
  const restart = { condition: "any", delay: "10s", window: "120s" } as const;
  const update = { parallelism: 1, order: "stop-first", failure_action: "pause" } as const;
  const mauticVolumes = [
    { type: "volume", source: "mautic_config", target: "/var/www/html/config" },
    { type: "volume", source: "mautic_logs", target: "/var/www/html/var/logs" },
    { type: "volume", source: "mautic_media_files", target: "/var/www/html/docroot/media/files" },
    { type: "volume", source: "mautic_media_images", target: "/var/www/html/docroot/media/images" },
  ] as const;
  const mauticEnv = {
    MAUTIC_DB_HOST: "mautic-acme_db",
    MAUTIC_DB_PORT: "3306",
    MAUTIC_DB_DATABASE: "mautic",
    MAUTIC_DB_USER: "mautic",
    PANEL_DB_PASSWORD_FILE: "/run/secrets/db_password",
    MAUTIC_MESSENGER_DSN_EMAIL: "doctrine://default",
    MAUTIC_MESSENGER_DSN_HIT: "doctrine://default",
    DOCKER_MAUTIC_LOAD_TEST_DATA: "false",
  };
  const mailerEnv: Record<string, string> = mailer ? { PANEL_MAILER_DSN_FILE: "/run/secrets/mailer_dsn" } : {};
  const roleSecrets = [
    { source: "db_password", target: "db_password", mode: 256 },
    ...(mailer ? [{ source: "mailer_dsn", target: "mailer_dsn", mode: 256 }] : []),
  ];
  const entrypoint = { source: "entrypoint", target: "/opt/mautic-panel/entrypoint.sh", mode: 292 };
  const networkLabel = dialect === "v3.2.2" ? "traefik.swarm.network" : "traefik.docker.network";
  const traefik: Record<string, string> =
    exposure === "install"
      ? { "traefik.enable": "false" }
      : {
          "traefik.enable": "true",
          [networkLabel]: "traefik-public",
          "traefik.http.routers.mautic-acme.rule": "Host(`mautic.acme.example`)",
          "traefik.http.routers.mautic-acme.entrypoints": "websecure",
          "traefik.http.routers.mautic-acme.tls": "true",
          "traefik.http.routers.mautic-acme.tls.certresolver": "letsencrypt",
          "traefik.http.routers.mautic-acme.service": "mautic-acme",
          "traefik.http.services.mautic-acme.loadbalancer.server.port": "80",
        };
  const tenantLabels = { "io.mautic-panel.managed": "true", "io.mautic-panel.tenant": "cm3tenantacme0001" };
  return {
    version: "3.8",
    services: {
      db: {
        image: "mysql:8.4",
        environment: {
          MYSQL_DATABASE: "mautic",
          MYSQL_USER: "mautic",
          MYSQL_PASSWORD_FILE: "/run/secrets/db_password",
          MYSQL_ROOT_PASSWORD_FILE: "/run/secrets/db_root_password",
        },
        volumes: [{ type: "volume", source: "db_data", target: "/var/lib/mysql" }],
        networks: ["tenant"],
        secrets: [
          { source: "db_password", target: "db_password" },
          { source: "db_root_password", target: "db_root_password" },
        ],
        healthcheck: {
          test: ["CMD", "mysqladmin", "ping", "--host=127.0.0.1", "--port=3306", "--silent"],
          interval: "10s",
          timeout: "5s",
          retries: 10,
          start_period: "90s",
        },
        stop_grace_period: "60s",
        labels: panel("db"),
        logging,
        deploy: {
          mode: "replicated",
          replicas: 1,
          ...placement,
          resources: res(p.db),
          restart_policy: restart,
          update_config: update,
          labels: panel("db"),
        },
      },
      mautic_web: {
        image: "mautic/mautic:7.2.0-apache",
        entrypoint: ["/bin/bash", "/opt/mautic-panel/entrypoint.sh"],
        environment: { ...mauticEnv, DOCKER_MAUTIC_ROLE: "mautic_web", ...mailerEnv },
        volumes: mauticVolumes,
        networks: ["tenant", "traefik"],
        configs: [entrypoint],
        secrets: roleSecrets,
        healthcheck: {
          test: ["CMD", "curl", "--silent", "--output", "/dev/null", "http://localhost/"],
          interval: "15s",
          timeout: "5s",
          retries: 5,
          start_period: "300s",
        },
        stop_grace_period: "30s",
        labels: panel("web"),
        logging,
        deploy: {
          mode: "replicated",
          replicas: 1,
          ...placement,
          resources: res(p.web),
          restart_policy: restart,
          update_config: { ...update, monitor: "60s" },
          labels: { ...panel("web"), ...traefik },
        },
      },
      mautic_cron: {
        image: "mautic/mautic:7.2.0-apache",
        entrypoint: ["/bin/bash", "/opt/mautic-panel/entrypoint.sh"],
        environment: { ...mauticEnv, DOCKER_MAUTIC_ROLE: "mautic_cron", ...mailerEnv },
        volumes: mauticVolumes,
        networks: ["tenant"],
        configs: [entrypoint, { source: "crontab", target: "/opt/mautic/cron/mautic", mode: 292 }],
        secrets: roleSecrets,
        labels: panel("cron"),
        logging,
        deploy: {
          mode: "replicated",
          replicas: 1,
          ...placement,
          resources: res(p.cron),
          restart_policy: restart,
          update_config: update,
          labels: panel("cron"),
        },
      },
      mautic_worker: {
        image: "mautic/mautic:7.2.0-apache",
        entrypoint: ["/bin/bash", "/opt/mautic-panel/entrypoint.sh"],
        environment: {
          ...mauticEnv,
          DOCKER_MAUTIC_ROLE: "mautic_worker",
          ...mailerEnv,
          DOCKER_MAUTIC_WORKERS_CONSUME_EMAIL: p.workers[0],
          DOCKER_MAUTIC_WORKERS_CONSUME_HIT: p.workers[1],
          DOCKER_MAUTIC_WORKERS_CONSUME_FAILED: p.workers[2],
        },
        volumes: mauticVolumes,
        networks: ["tenant"],
        configs: [entrypoint],
        secrets: roleSecrets,
        stop_grace_period: "60s",
        labels: panel("worker"),
        logging,
        deploy: {
          mode: "replicated",
          replicas: 1,
          ...placement,
          resources: res(p.worker),
          restart_policy: restart,
          update_config: update,
          labels: panel("worker"),
        },
      },
      mautic_install: {
        image: "mautic/mautic:7.2.0-apache",
        entrypoint: ["/bin/bash", "/opt/mautic-panel/install-mautic.sh"],
        environment: {
          ...mauticEnv,
          PANEL_SITE_URL: "https://mautic.acme.example",
          PANEL_ADMIN_EMAIL: "owner@acme.example",
          PANEL_ADMIN_USERNAME: "acme-admin",
          PANEL_ADMIN_FIRSTNAME: "Ada",
          PANEL_ADMIN_LASTNAME: "Lovelace",
          PANEL_ADMIN_PASSWORD_FILE: "/run/secrets/admin_password",
          PANEL_TRUSTED_PROXIES: "10.200.0.0/16",
        },
        volumes: mauticVolumes,
        networks: ["tenant"],
        configs: [{ source: "install_script", target: "/opt/mautic-panel/install-mautic.sh", mode: 292 }],
        secrets: [
          { source: "db_password", target: "db_password", mode: 256 },
          { source: "admin_password", target: "admin_password", mode: 256 },
        ],
        labels: panel("install"),
        logging,
        deploy: {
          mode: "replicated-job",
          replicas: 1,
          ...placement,
          resources: res(p.install),
          restart_policy: { condition: "on-failure", delay: "30s", max_attempts: 5 },
          labels: panel("install"),
        },
      },
    },
    networks: {
      tenant: { driver: "overlay", labels: tenantLabels },
      traefik: { external: true, name: "traefik-public" },
    },
    volumes: {
      db_data: { labels: tenantLabels },
      mautic_config: { labels: tenantLabels },
      mautic_logs: { labels: tenantLabels },
      mautic_media_files: { labels: tenantLabels },
      mautic_media_images: { labels: tenantLabels },
    },
    configs: {
      crontab: { external: true, name: "mautic-acme-crontab-0123456789ab" },
      install_script: { external: true, name: "mautic-acme-install-0123456789ab" },
      entrypoint: { external: true, name: "mautic-acme-entrypoint-0123456789ab" },
    },
    secrets: {
      db_password: { external: true, name: "mautic-acme-db-password-v1" },
      db_root_password: { external: true, name: "mautic-acme-db-root-password-v1" },
      admin_password: { external: true, name: "mautic-acme-admin-password-v1" },
      ...(mailer ? { mailer_dsn: { external: true, name: "mautic-acme-mailer-dsn-v1" } } : {}),
    },
  };
}

function build(input: Partial<TenantStackInput>, settings: Partial<typeof SETTINGS> = {}): ComposeFile {
  return buildTenantStack(parseTenantStackInput(acmeInput(input), VALIDATION_OPTIONS), { ...SETTINGS, ...settings });
}

describe("buildTenantStack: exact stacks", () => {
  const plans = ["small", "standard", "large"] as const;
  const dialects = ["v2", "v3.0", "v3.2.2"] as const;
  const exposures = ["install", "live"] as const;
  for (const plan of plans) {
    for (const dialect of dialects) {
      for (const exposure of exposures) {
        it(`plan ${plan}, Traefik ${dialect}, exposure ${exposure}`, () => {
          expect(build({ plan, exposure }, { traefikDialect: dialect })).toStrictEqual(
            expectedStack({ plan, dialect, exposure }),
          );
        });
      }
    }
  }

  it("adds the mailer DSN secret to web, cron and worker only", () => {
    const stack = build(
      { hasMailerDsn: true, secrets: { ...acmeInput().secrets, mailerDsn: "mautic-acme-mailer-dsn-v1" } },
      {},
    );
    expect(stack).toStrictEqual(expectedStack({ plan: "standard", dialect: "v3.2.2", exposure: "live", mailer: true }));
  });

  it("leaves out placement constraints with placement none, even without a node", () => {
    const stack = build({ nodeHostname: null, exposure: "install" }, { placement: "none", traefikDialect: "v2" });
    expect(stack).toStrictEqual(
      expectedStack({ plan: "standard", dialect: "v2", exposure: "install", pinned: false }),
    );
  });

  it("uses the normalized domain, custom names and settings where they belong", () => {
    const stack = build(
      {
        slug: "b2b-shop",
        domain: "Marketing.Bücher.example",
        adminEmail: "ops@Bücher.example",
        mysqlDatabase: "shop",
        mysqlUser: "shop_app",
        mauticImage: "mautic/mautic:6.0.9-apache",
      },
      {
        traefikNetwork: "edge",
        traefikEntryPoint: "https",
        traefikCertResolver: "le-dns",
        trustedProxies: ["10.0.9.0/24", "fd00::/8"],
        mysqlImage: "mysql:8.4.6",
      },
    );
    const web = stack.services["mautic_web"]!;
    expect(web.image).toBe("mautic/mautic:6.0.9-apache");
    expect(web.deploy.labels).toStrictEqual({
      "io.mautic-panel.managed": "true",
      "io.mautic-panel.tenant": "cm3tenantacme0001",
      "io.mautic-panel.role": "web",
      "traefik.enable": "true",
      "traefik.swarm.network": "edge",
      "traefik.http.routers.mautic-b2b-shop.rule": "Host(`marketing.xn--bcher-kva.example`)",
      "traefik.http.routers.mautic-b2b-shop.entrypoints": "https",
      "traefik.http.routers.mautic-b2b-shop.tls": "true",
      "traefik.http.routers.mautic-b2b-shop.tls.certresolver": "le-dns",
      "traefik.http.routers.mautic-b2b-shop.service": "mautic-b2b-shop",
      "traefik.http.services.mautic-b2b-shop.loadbalancer.server.port": "80",
    });
    expect(stack.networks["traefik"]).toStrictEqual({ external: true, name: "edge" });
    expect(stack.services["db"]!.image).toBe("mysql:8.4.6");
    expect(stack.services["db"]!.environment).toStrictEqual({
      MYSQL_DATABASE: "shop",
      MYSQL_USER: "shop_app",
      MYSQL_PASSWORD_FILE: "/run/secrets/db_password",
      MYSQL_ROOT_PASSWORD_FILE: "/run/secrets/db_root_password",
    });
    const install = stack.services["mautic_install"]!.environment;
    expect(install["MAUTIC_DB_HOST"]).toBe("mautic-b2b-shop_db");
    expect(install["MAUTIC_DB_DATABASE"]).toBe("shop");
    expect(install["PANEL_SITE_URL"]).toBe("https://marketing.xn--bcher-kva.example");
    expect(install["PANEL_ADMIN_EMAIL"]).toBe("ops@xn--bcher-kva.example");
    expect(install["PANEL_TRUSTED_PROXIES"]).toBe("10.0.9.0/24,fd00::/8");
  });

  it("switches only the web service's Traefik labels between the two exposures", () => {
    const installStack = build({ exposure: "install" });
    const liveStack = build({ exposure: "live" });
    for (const name of ["db", "mautic_cron", "mautic_worker", "mautic_install"]) {
      expect(installStack.services[name]).toStrictEqual(liveStack.services[name]);
    }
    const { deploy: installDeploy, ...installWeb } = installStack.services["mautic_web"]!;
    const { deploy: liveDeploy, ...liveWeb } = liveStack.services["mautic_web"]!;
    // Same networks and task template, so the switch changes service labels and restarts no task.
    expect(installWeb).toStrictEqual(liveWeb);
    expect({ ...installDeploy, labels: {} }).toStrictEqual({ ...liveDeploy, labels: {} });
  });

  it("gives every service the panel's three labels on the service and its containers", () => {
    const stack = build({});
    const roles: Record<string, string> = {
      db: "db",
      mautic_web: "web",
      mautic_cron: "cron",
      mautic_worker: "worker",
      mautic_install: "install",
    };
    expect(Object.keys(stack.services)).toStrictEqual(Object.keys(roles));
    for (const [name, service] of Object.entries(stack.services)) {
      const expected = {
        "io.mautic-panel.managed": "true",
        "io.mautic-panel.tenant": "cm3tenantacme0001",
        "io.mautic-panel.role": roles[name],
      };
      expect(service.labels).toStrictEqual(expected);
      expect(service.deploy.labels).toMatchObject(expected);
    }
  });

  it("attaches only mautic_web to the Traefik network and never uses latest", () => {
    const stack = build({});
    for (const [name, service] of Object.entries(stack.services)) {
      expect(service.networks.includes("traefik")).toBe(name === "mautic_web");
      expect(service.networks.includes("tenant")).toBe(true);
      expect(service.image.endsWith(":latest")).toBe(false);
    }
  });

  it("never mixes traefik.docker.* and traefik.swarm.* labels on one service", () => {
    for (const traefikDialect of ["v2", "v3.0", "v3.2.2"] as const) {
      for (const service of Object.values(build({}, { traefikDialect }).services)) {
        const keys = Object.keys(service.deploy.labels);
        const docker = keys.filter((k) => k.startsWith("traefik.docker."));
        const swarm = keys.filter((k) => k.startsWith("traefik.swarm."));
        expect(docker.length === 0 || swarm.length === 0).toBe(true);
      }
    }
  });

  it("requires a node when placement is pin", () => {
    const tenant = parseTenantStackInput(acmeInput({ nodeHostname: null }), VALIDATION_OPTIONS);
    try {
      buildTenantStack(tenant, SETTINGS);
      expect.unreachable("expected a ValidationError");
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors).toStrictEqual([
        { field: "nodeHostname", message: "Choose the node for this tenant: its volumes are local to one node." },
      ]);
    }
  });

  it("rejects unusable settings with one error per field", () => {
    const tenant = parseTenantStackInput(acmeInput(), VALIDATION_OPTIONS);
    try {
      buildTenantStack(tenant, {
        traefikNetwork: "traefik public",
        traefikEntryPoint: "web secure",
        traefikCertResolver: "le`x",
        traefikDialect: "v4" as TraefikDialect,
        trustedProxies: ["10.0.0.0/8", "10.0.0.0/8'];"],
        mysqlImage: "mysql:latest",
        placement: "spread" as "pin",
      });
      expect.unreachable("expected a ValidationError");
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fieldErrors.map((e) => e.field)).toStrictEqual([
        "settings.traefikNetwork",
        "settings.traefikEntryPoint",
        "settings.traefikCertResolver",
        "settings.traefikDialect",
        "settings.placement",
        "settings.mysqlImage",
        "settings.trustedProxies",
      ]);
    }
  });

  it("is pure: the same input gives equal output and the input is not changed", () => {
    const input = acmeInput();
    const snapshot = structuredClone(input);
    const tenant = parseTenantStackInput(input, VALIDATION_OPTIONS);
    expect(buildTenantStack(tenant, SETTINGS)).toStrictEqual(buildTenantStack(tenant, SETTINGS));
    expect(input).toStrictEqual(snapshot);
  });
});
