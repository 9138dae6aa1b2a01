/**
 * Shared fixtures for the stack builder's tests: a representative tenant with fixed object names (so
 * expected objects do not depend on file hashes), settings, and a runner for `docker stack config`.
 * Imported by tests only.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUILTIN_PLANS } from "./plans";
import type { StackSettings } from "./settings";
import type { TenantStackInput, TenantValidationOptions } from "./tenant-input";

export const ALLOWED_IMAGES = ["mautic/mautic:7.2.0-apache", "mautic/mautic:6.0.9-apache"] as const;

export const VALIDATION_OPTIONS: TenantValidationOptions = { allowedImages: ALLOWED_IMAGES, plans: BUILTIN_PLANS };

export const SETTINGS: StackSettings = {
  traefikNetwork: "traefik-public",
  traefikEntryPoint: "websecure",
  traefikCertResolver: "letsencrypt",
  traefikDialect: "v3.2.2",
  trustedProxies: ["10.200.0.0/16"],
  mysqlImage: "mysql:8.4",
  placement: "pin",
};

/** The representative tenant "acme"; override any field. */
export function acmeInput(overrides: Partial<TenantStackInput> = {}): TenantStackInput {
  return {
    id: "cm3tenantacme0001",
    slug: "acme",
    domain: "mautic.acme.example",
    mauticImage: "mautic/mautic:7.2.0-apache",
    plan: "standard",
    nodeHostname: "swarm-node-1",
    adminEmail: "owner@acme.example",
    adminUsername: "acme-admin",
    adminFirstName: "Ada",
    adminLastName: "Lovelace",
    hasMailerDsn: false,
    secrets: {
      dbPassword: "mautic-acme-db-password-v1",
      dbRootPassword: "mautic-acme-db-root-password-v1",
      adminPassword: "mautic-acme-admin-password-v1",
    },
    configs: {
      crontab: "mautic-acme-crontab-0123456789ab",
      installScript: "mautic-acme-install-0123456789ab",
      entrypoint: "mautic-acme-entrypoint-0123456789ab",
    },
    exposure: "live",
    ...overrides,
  };
}

/** Result of `docker stack config -c FILE` on some YAML. */
export interface StackConfigResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the docker CLI could not be started at all (for example, not installed). */
  readonly error?: Error;
}

/** Where the docker CLI is installed on Debian/Ubuntu machines and CI images. */
const DOCKER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Runs `docker stack config` (works offline, no engine needed) on the YAML written to a temp file. The
 * environment is emptied apart from PATH/HOME so a stray variable cannot satisfy an interpolation.
 */
export function dockerStackConfig(yaml: string): StackConfigResult {
  const dir = mkdtempSync(join(tmpdir(), "stack-config-"));
  try {
    const file = join(dir, "stack.yml");
    writeFileSync(file, yaml);
    const result = spawnSync("docker", ["stack", "config", "-c", file], {
      encoding: "utf8",
      // A fixed PATH instead of the caller's environment; NODE_ENV only because Remix's global
      // typings make it a required key of ProcessEnv.
      env: { NODE_ENV: "test", PATH: DOCKER_PATH, HOME: dir },
      timeout: 30_000,
    });
    return {
      status: result.status,
      stdout: result.stdout ?? "",
      stderr: result.stderr ?? "",
      ...(result.error ? { error: result.error } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
