/**
 * The panel's configuration: parsed once, at start, from the environment (plus `.env` outside
 * production) by one schema. A bad value stops the process with one message that lists every
 * bad key and why. Nothing else in the code base reads `process.env` (a lint rule enforces it).
 *
 * Secrets may come from files (`APP_SECRET_FILE`, `PORTAINER_API_TOKEN_FILE`,
 * `ADMIN_PASSWORD_FILE`) so Docker secrets work without putting values in the environment.
 */
import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { loadPlans, PlansFileError, type PlanCatalog } from "../stacks/plans";
import { PLACEMENT_MODES, TRAEFIK_DIALECTS, type PlacementMode, type TraefikDialect } from "../stacks/settings";
import { parseCidr, parseImageReference, parseNetworkName, parseTraefikName, type Check } from "../stacks/validators";

export type NodeEnv = "development" | "production" | "test";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export type PortainerConfig =
  | { mode: "remote"; url: string; apiToken: string; endpointId: number }
  /** No Portainer configured: the built-in emulator stands in (demo, development, tests). */
  | { mode: "emulator"; endpointId: number };

export interface Config {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  /** The public URL of the panel, without a trailing slash. */
  appUrl: string;
  /** `scheme://host[:port]` of appUrl: the origin browsers send. */
  appOrigin: string;
  /** Cookies get `Secure` (and the `__Host-` prefix) when the panel is served over https. */
  secureCookies: boolean;
  /** Absolute path of the SQLite file. */
  databasePath: string;
  /** `file:` URL of the SQLite file, as Prisma's CLI wants it. */
  databaseUrl: string;
  appSecret: string;
  portainer: PortainerConfig;
  traefik: {
    networkName: string;
    tlsResolverName: string;
    entryPoint: string;
    labelDialect: TraefikDialect;
    /** Addresses Mautic trusts for X-Forwarded-*; null = the Traefik network's subnet, read from Swarm. */
    trustedProxies: string[] | null;
  };
  /** What shapes tenant stacks: the images an admin may choose (first = default), MySQL, plans, placement. */
  stacks: { mauticImages: string[]; mysqlImage: string; plans: PlanCatalog; placement: PlacementMode };
  /** Proxies whose X-Forwarded-For is believed (addresses, CIDRs, or loopback/linklocal/uniquelocal). */
  trustProxy: string[];
  log: { level: LogLevel; format: "json" | "pretty" };
  /** Created at start when no ADMIN exists yet. */
  bootstrapAdmin: { email: string; password: string } | null;
  session: { idleMs: number; maxAgeMs: number };
  /** How long a one-time set-password link (invitation or reset) stays valid. */
  passwordLinkTtlMs: number;
  loginThrottle: { windowMs: number; maxFailuresPerAccount: number; maxFailuresPerIp: number };
  shutdownTimeoutMs: number;
  provisioning: {
    /** Jobs the worker runs at once (each tenant has at most one). */
    concurrency: number;
    /** How often a waiting phase looks at Swarm again, and the worker's idle poll. */
    pollIntervalMs: number;
    /** First retry delay of a failed step; doubles per attempt up to retryMaxMs. */
    retryBaseMs: number;
    retryMaxMs: number;
    /** A phase that has not finished after this long fails the tenant (ERROR, with the reason). */
    phaseTimeoutMs: number;
    /** Seconds between reconcile cycles (0 turns the loop off). */
    reconcileIntervalMs: number;
    /** What to do when a tenant's domain does not resolve to TENANT_DNS_TARGETS before routing. */
    dnsCheck: "warn" | "strict" | "off";
    dnsTargets: string[];
  };
  backups: {
    /** A backup job that has not finished after this long is failed (and its ops stack removed). */
    timeoutMs: number;
    /** How long the backup taken before a delete with data is kept. */
    preDeleteKeepMs: number;
    /** Pre-upgrade backups kept per tenant (the newest). */
    preUpgradeKeep: number;
    /** S3-compatible storage every backup is also uploaded to; null keeps backups on the node only. */
    s3: BackupS3Config | null;
  };
}

export interface BackupS3Config {
  endpoint: string;
  bucket: string;
  region: string;
  /** Key prefix: empty, or ending with `/`. */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The APP_SECRET shipped in .env.example; refused in production. */
export const EXAMPLE_APP_SECRET = "replace-me-with-at-least-32-random-characters";

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const FILE_SECRETS = ["APP_SECRET", "PORTAINER_API_TOKEN", "ADMIN_PASSWORD", "BACKUP_S3_SECRET_ACCESS_KEY"] as const;

const integer = (key: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${key} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${key} must be between ${min} and ${max}`);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** A string checked by one of the stack builder's validators, so both agree on every rule. */
const checked = (key: string, check: (value: string) => Check<unknown>) =>
  z.string().superRefine((value, ctx) => {
    const result = check(value);
    if (!result.ok) ctx.addIssue({ code: "custom", message: `${key}: ${result.message}` });
  });

const list = (key: string, check: (value: string) => Check<unknown>) =>
  z
    .string()
    .transform((value) => value.split(",").map((s) => s.trim()).filter(Boolean))
    .superRefine((values, ctx) => {
      if (values.length === 0) ctx.addIssue({ code: "custom", message: `${key} must list at least one value` });
      for (const value of values) {
        const result = check(value);
        if (!result.ok) ctx.addIssue({ code: "custom", message: `${key} entry ${JSON.stringify(value.slice(0, 80))}: ${result.message}` });
      }
    });

const httpUrl = (key: string) =>
  z.string().refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === "";
    } catch {
      return false;
    }
  }, `${key} must be an http:// or https:// URL without credentials`);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"], {
    error: "NODE_ENV must be one of development, production, test",
  }),
  HOST: z.string().min(1, "HOST must not be empty"),
  PORT: integer("PORT", 0, 65535),
  APP_URL: optionalString.pipe(httpUrl("APP_URL").optional()),
  DATABASE_URL: z
    .string()
    .regex(/^file:.+/, 'DATABASE_URL must be a SQLite file URL such as "file:./data/panel.db"'),
  APP_SECRET: z
    .string({ error: "APP_SECRET is required (or APP_SECRET_FILE)" })
    .min(32, "APP_SECRET must be at least 32 characters"),
  PORTAINER_URL: optionalString.pipe(httpUrl("PORTAINER_URL").optional()),
  PORTAINER_API_TOKEN: optionalString,
  PORTAINER_ENDPOINT_ID: optionalString.pipe(integer("PORTAINER_ENDPOINT_ID", 1, 2_147_483_647).optional()),
  PORTAINER_EMULATOR: optionalString.pipe(
    z.enum(["true", "false", "1", "0"], { error: "PORTAINER_EMULATOR must be true or false" }).optional(),
  ),
  TRAEFIK_NETWORK_NAME: checked("TRAEFIK_NETWORK_NAME", parseNetworkName),
  TRAEFIK_TLS_RESOLVER_NAME: checked("TRAEFIK_TLS_RESOLVER_NAME", parseTraefikName),
  TRAEFIK_ENTRYPOINT: checked("TRAEFIK_ENTRYPOINT", parseTraefikName),
  TRAEFIK_LABEL_DIALECT: z.enum(TRAEFIK_DIALECTS, { error: `TRAEFIK_LABEL_DIALECT must be one of ${TRAEFIK_DIALECTS.join(", ")}` }),
  TRAEFIK_TRUSTED_PROXIES: optionalString.pipe(list("TRAEFIK_TRUSTED_PROXIES", parseCidr).optional()),
  MAUTIC_IMAGES: list("MAUTIC_IMAGES", parseImageReference),
  MYSQL_IMAGE: checked("MYSQL_IMAGE", parseImageReference),
  PLANS_FILE: optionalString,
  PLACEMENT: z.enum(PLACEMENT_MODES, { error: `PLACEMENT must be one of ${PLACEMENT_MODES.join(", ")}` }),
  TRUST_PROXY: z.string(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    error: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
  }),
  LOG_FORMAT: optionalString.pipe(
    z.enum(["json", "pretty"], { error: "LOG_FORMAT must be json or pretty" }).optional(),
  ),
  ADMIN_EMAIL: optionalString.pipe(
    z.email({ error: "ADMIN_EMAIL must be an e-mail address" }).optional(),
  ),
  ADMIN_PASSWORD: optionalString,
  SESSION_IDLE_HOURS: integer("SESSION_IDLE_HOURS", 1, 24 * 90),
  SESSION_MAX_DAYS: integer("SESSION_MAX_DAYS", 1, 365),
  PASSWORD_LINK_TTL_HOURS: integer("PASSWORD_LINK_TTL_HOURS", 1, 720),
  LOGIN_THROTTLE_WINDOW_SECONDS: integer("LOGIN_THROTTLE_WINDOW_SECONDS", 1, 86_400),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: integer("LOGIN_MAX_FAILURES_PER_ACCOUNT", 1, 1000),
  LOGIN_MAX_FAILURES_PER_IP: integer("LOGIN_MAX_FAILURES_PER_IP", 1, 100_000),
  SHUTDOWN_TIMEOUT_MS: integer("SHUTDOWN_TIMEOUT_MS", 0, 600_000),
  PROVISIONING_CONCURRENCY: integer("PROVISIONING_CONCURRENCY", 1, 64),
  PROVISIONING_POLL_INTERVAL_MS: integer("PROVISIONING_POLL_INTERVAL_MS", 10, 600_000),
  PROVISIONING_RETRY_BASE_MS: integer("PROVISIONING_RETRY_BASE_MS", 1, 3_600_000),
  PROVISIONING_RETRY_MAX_MS: integer("PROVISIONING_RETRY_MAX_MS", 1, 86_400_000),
  PROVISIONING_PHASE_TIMEOUT_SECONDS: integer("PROVISIONING_PHASE_TIMEOUT_SECONDS", 1, 86_400),
  RECONCILE_INTERVAL_SECONDS: integer("RECONCILE_INTERVAL_SECONDS", 0, 86_400),
  DNS_CHECK: z.enum(["warn", "strict", "off"], { error: "DNS_CHECK must be one of warn, strict, off" }),
  TENANT_DNS_TARGETS: z.string(),
  BACKUP_TIMEOUT_SECONDS: integer("BACKUP_TIMEOUT_SECONDS", 60, 7 * 86_400),
  BACKUP_PRE_DELETE_KEEP_DAYS: integer("BACKUP_PRE_DELETE_KEEP_DAYS", 1, 3650),
  BACKUP_PRE_UPGRADE_KEEP: integer("BACKUP_PRE_UPGRADE_KEEP", 1, 100),
  BACKUP_S3_ENDPOINT: optionalString.pipe(httpUrl("BACKUP_S3_ENDPOINT").optional()),
  BACKUP_S3_BUCKET: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "BACKUP_S3_BUCKET must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)")
      .optional(),
  ),
  BACKUP_S3_REGION: z.string().regex(/^[a-z0-9-]{1,32}$/, "BACKUP_S3_REGION must be a region name such as us-east-1"),
  BACKUP_S3_PREFIX: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()\/-]{0,200}$/, "BACKUP_S3_PREFIX may hold letters, digits and !_.*'()/- only")
      .refine((p) => !p.startsWith("/"), "BACKUP_S3_PREFIX must not start with /")
      .optional(),
  ),
  BACKUP_S3_ACCESS_KEY_ID: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9+/=_.-]{1,128}$/, "BACKUP_S3_ACCESS_KEY_ID must be an access key id").optional(),
  ),
  BACKUP_S3_SECRET_ACCESS_KEY: optionalString,
});

/** Every environment key the panel reads (the schema's, plus the *_FILE forms of secrets). */
export const CONFIG_KEYS: readonly string[] = [...Object.keys(schema.shape), ...FILE_SECRETS.map((k) => `${k}_FILE`)];

const TRUST_PROXY_KEYWORDS = new Set(["loopback", "linklocal", "uniquelocal"]);

/** Defaults that depend on NODE_ENV; everything else defaults the same everywhere. */
function defaults(nodeEnv: string): Env {
  const production = nodeEnv === "production";
  return {
    NODE_ENV: "development",
    HOST: production ? "0.0.0.0" : "127.0.0.1",
    PORT: "3000",
    DATABASE_URL: "file:./data/panel.db",
    TRAEFIK_NETWORK_NAME: "traefik-public",
    TRAEFIK_TLS_RESOLVER_NAME: "letsencrypt",
    TRAEFIK_ENTRYPOINT: "websecure",
    TRAEFIK_LABEL_DIALECT: "v3.0",
    MAUTIC_IMAGES: "mautic/mautic:7.2.0-apache,mautic/mautic:6.0.9-apache",
    MYSQL_IMAGE: "mysql:8.4",
    PLACEMENT: "pin",
    TRUST_PROXY: "",
    LOG_LEVEL: "info",
    SESSION_IDLE_HOURS: String(7 * 24),
    SESSION_MAX_DAYS: "30",
    PASSWORD_LINK_TTL_HOURS: "72",
    LOGIN_THROTTLE_WINDOW_SECONDS: "900",
    LOGIN_MAX_FAILURES_PER_ACCOUNT: "5",
    LOGIN_MAX_FAILURES_PER_IP: "50",
    SHUTDOWN_TIMEOUT_MS: "10000",
    PROVISIONING_CONCURRENCY: "4",
    PROVISIONING_POLL_INTERVAL_MS: "2000",
    PROVISIONING_RETRY_BASE_MS: "2000",
    PROVISIONING_RETRY_MAX_MS: "300000",
    PROVISIONING_PHASE_TIMEOUT_SECONDS: "900",
    RECONCILE_INTERVAL_SECONDS: "30",
    DNS_CHECK: "warn",
    TENANT_DNS_TARGETS: "",
    BACKUP_TIMEOUT_SECONDS: "3600",
    BACKUP_PRE_DELETE_KEEP_DAYS: "30",
    BACKUP_PRE_UPGRADE_KEEP: "3",
    BACKUP_S3_REGION: "us-east-1",
  };
}

/** Reads `X_FILE` into `X` for the secrets that support it; problems go to `issues`. */
function resolveFileSecrets(env: Env, issues: string[]): Env {
  const out: Env = { ...env };
  for (const key of FILE_SECRETS) {
    const file = env[`${key}_FILE`];
    if (file === undefined || file === "") continue;
    if (env[key] !== undefined && env[key] !== "") {
      issues.push(`${key} and ${key}_FILE are both set; set only one`);
      continue;
    }
    try {
      out[key] = fs.readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      issues.push(`${key}_FILE (${file}) cannot be read: ${code}`);
    }
  }
  return out;
}

/**
 * Parses a configuration from an environment record. Pure apart from reading `*_FILE` secrets;
 * tests call it with their own records. Throws ConfigError listing every problem.
 */
export function parseConfig(rawEnv: Env, options: { cwd?: string } = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const issues: string[] = [];
  const nonEmpty = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v !== ""));
  const withFiles = resolveFileSecrets(nonEmpty, issues);
  const merged = { ...defaults(withFiles.NODE_ENV ?? "development"), ...withFiles };

  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? "configuration");
      issues.push(issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`);
    }
  }
  // Rules across keys look at the raw values, so one run reports everything at once.
  const raw = (key: string) => (merged[key] ?? "").trim();
  const production = raw("NODE_ENV") === "production";
  const emulatorRequested = ["true", "1"].includes(raw("PORTAINER_EMULATOR"));
  if (production && !raw("APP_URL")) issues.push("APP_URL is required in production (the panel's public https:// URL)");
  if (production && raw("APP_SECRET") === EXAMPLE_APP_SECRET) {
    issues.push("APP_SECRET must be changed from the example value in production");
  }
  if (raw("PORTAINER_URL")) {
    if (emulatorRequested) issues.push("PORTAINER_EMULATOR=true cannot be combined with PORTAINER_URL");
    if (!raw("PORTAINER_API_TOKEN")) issues.push("PORTAINER_API_TOKEN is required when PORTAINER_URL is set (or PORTAINER_API_TOKEN_FILE)");
    if (!raw("PORTAINER_ENDPOINT_ID")) issues.push("PORTAINER_ENDPOINT_ID is required when PORTAINER_URL is set");
  } else if (production && !emulatorRequested) {
    issues.push("PORTAINER_URL is required in production (set PORTAINER_EMULATOR=true to run against the built-in emulator instead)");
  }
  if (!raw("ADMIN_EMAIL") !== !raw("ADMIN_PASSWORD")) {
    issues.push("ADMIN_EMAIL and ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE) must be set together");
  }
  const s3Keys = ["BACKUP_S3_ENDPOINT", "BACKUP_S3_BUCKET", "BACKUP_S3_ACCESS_KEY_ID", "BACKUP_S3_SECRET_ACCESS_KEY"];
  if (s3Keys.some((key) => raw(key)) && !s3Keys.every((key) => raw(key))) {
    issues.push(`Set all of ${s3Keys.join(", ")} (or BACKUP_S3_SECRET_ACCESS_KEY_FILE) to upload backups, or none of them`);
  }
  if (!parsed.success) throw new ConfigError(issues);

  const e = parsed.data;
  const trustProxy = e.TRUST_PROXY.split(",").map((s) => s.trim()).filter(Boolean);
  for (const entry of trustProxy) {
    if (!TRUST_PROXY_KEYWORDS.has(entry) && !isIpOrCidr(entry)) {
      issues.push(`TRUST_PROXY entry "${entry}" must be an IP address, a CIDR range, or loopback/linklocal/uniquelocal`);
    }
  }
  let plans: PlanCatalog | undefined;
  try {
    plans = loadPlans(e.PLANS_FILE === undefined ? undefined : path.resolve(cwd, e.PLANS_FILE));
  } catch (error) {
    if (!(error instanceof PlansFileError)) throw error;
    for (const problem of error.problems) issues.push(`PLANS_FILE (${e.PLANS_FILE}): ${problem}`);
  }
  if (e.SESSION_IDLE_HOURS > e.SESSION_MAX_DAYS * 24) {
    issues.push("SESSION_IDLE_HOURS must not exceed SESSION_MAX_DAYS × 24");
  }
  if (issues.length > 0 || !plans) throw new ConfigError(issues);

  const portainer: PortainerConfig =
    e.PORTAINER_URL && e.PORTAINER_API_TOKEN && e.PORTAINER_ENDPOINT_ID !== undefined
      ? { mode: "remote", url: e.PORTAINER_URL.replace(/\/+$/, ""), apiToken: e.PORTAINER_API_TOKEN, endpointId: e.PORTAINER_ENDPOINT_ID }
      : { mode: "emulator", endpointId: e.PORTAINER_ENDPOINT_ID ?? 1 };

  const appUrl = (e.APP_URL ?? `http://${e.HOST === "0.0.0.0" ? "127.0.0.1" : e.HOST}:${e.PORT}`).replace(/\/+$/, "");
  const databasePath = path.resolve(cwd, e.DATABASE_URL.slice("file:".length));

  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    appUrl,
    appOrigin: new URL(appUrl).origin,
    secureCookies: appUrl.startsWith("https:"),
    databasePath,
    databaseUrl: `file:${databasePath}`,
    appSecret: e.APP_SECRET,
    portainer,
    traefik: {
      networkName: e.TRAEFIK_NETWORK_NAME,
      tlsResolverName: e.TRAEFIK_TLS_RESOLVER_NAME,
      entryPoint: e.TRAEFIK_ENTRYPOINT,
      labelDialect: e.TRAEFIK_LABEL_DIALECT,
      trustedProxies: e.TRAEFIK_TRUSTED_PROXIES ?? null,
    },
    stacks: { mauticImages: e.MAUTIC_IMAGES, mysqlImage: e.MYSQL_IMAGE, plans, placement: e.PLACEMENT },
    trustProxy,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? (e.NODE_ENV === "development" ? "pretty" : "json") },
    bootstrapAdmin:
      e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : null,
    session: { idleMs: e.SESSION_IDLE_HOURS * 3_600_000, maxAgeMs: e.SESSION_MAX_DAYS * 86_400_000 },
    passwordLinkTtlMs: e.PASSWORD_LINK_TTL_HOURS * 3_600_000,
    loginThrottle: {
      windowMs: e.LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    provisioning: {
      concurrency: e.PROVISIONING_CONCURRENCY,
      pollIntervalMs: e.PROVISIONING_POLL_INTERVAL_MS,
      retryBaseMs: e.PROVISIONING_RETRY_BASE_MS,
      retryMaxMs: e.PROVISIONING_RETRY_MAX_MS,
      phaseTimeoutMs: e.PROVISIONING_PHASE_TIMEOUT_SECONDS * 1000,
      reconcileIntervalMs: e.RECONCILE_INTERVAL_SECONDS * 1000,
      dnsCheck: e.DNS_CHECK,
      dnsTargets: e.TENANT_DNS_TARGETS.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean),
    },
    backups: {
      timeoutMs: e.BACKUP_TIMEOUT_SECONDS * 1000,
      preDeleteKeepMs: e.BACKUP_PRE_DELETE_KEEP_DAYS * 86_400_000,
      preUpgradeKeep: e.BACKUP_PRE_UPGRADE_KEEP,
      s3:
        e.BACKUP_S3_ENDPOINT && e.BACKUP_S3_BUCKET && e.BACKUP_S3_ACCESS_KEY_ID && e.BACKUP_S3_SECRET_ACCESS_KEY
          ? {
              endpoint: e.BACKUP_S3_ENDPOINT.replace(/\/+$/, ""),
              bucket: e.BACKUP_S3_BUCKET,
              region: e.BACKUP_S3_REGION,
              prefix: e.BACKUP_S3_PREFIX ? e.BACKUP_S3_PREFIX.replace(/\/*$/, "/") : "",
              accessKeyId: e.BACKUP_S3_ACCESS_KEY_ID,
              secretAccessKey: e.BACKUP_S3_SECRET_ACCESS_KEY,
            }
          : null,
    },
  });
}

function isIpOrCidr(value: string): boolean {
  const [address, bits, extra] = value.split("/");
  if (extra !== undefined || !address) return false;
  const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(address);
  const v6 = !v4 && /^[0-9a-fA-F:.]+$/.test(address) && address.includes(":");
  if (!v4 && !v6) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (v4 ? 32 : 128);
}

/**
 * The process environment, with `.env` from the working directory underneath it outside
 * production (values already in the environment win). The only reader of `process.env`.
 */
export function readProcessEnv(cwd = process.cwd()): Env {
  // eslint-disable-next-line no-restricted-properties -- the one place that reads the environment
  const env = process.env;
  if (env.NODE_ENV === "production") return { ...env };
  const file = path.join(cwd, ".env");
  if (!fs.existsSync(file)) return { ...env };
  return { ...parseEnv(fs.readFileSync(file, "utf8")), ...env };
}

/**
 * Only the database location, for scripts that need nothing else (admin:create): the same
 * rule and default as the full schema.
 */
export function loadDatabasePath(cwd = process.cwd()): string {
  const env = readProcessEnv(cwd);
  const parsed = schema.shape.DATABASE_URL.safeParse(env.DATABASE_URL || defaults(env.NODE_ENV ?? "").DATABASE_URL);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => i.message));
  return path.resolve(cwd, parsed.data.slice("file:".length));
}

/**
 * Only the current APP_SECRET (or APP_SECRET_FILE), for `secrets:rotate`: the same rule as the full
 * schema, without requiring the rest of a production configuration.
 */
export function loadAppSecret(cwd = process.cwd()): string {
  const issues: string[] = [];
  const env = resolveFileSecrets(readProcessEnv(cwd), issues);
  const parsed = schema.shape.APP_SECRET.safeParse(env.APP_SECRET);
  if (!parsed.success) issues.push(...parsed.error.issues.map((i) => i.message));
  if (issues.length > 0 || !parsed.success) throw new ConfigError(issues);
  return parsed.data;
}

/** Parses the process's configuration; used by entry points only (server, scripts). */
export function loadConfig(): Config {
  return parseConfig(readProcessEnv());
}
