/**
 * Validation of everything a tenant contributes to its stack file. The result, a {@link ValidTenant},
 * is the only tenant type the stack builder accepts, so unvalidated input cannot reach the YAML.
 */
import { ValidationError, type FieldError } from "../errors";
import { longestScopedNameLength, MAX_SCOPED_NAME_LENGTH, stackNameFor, type TenantSecretNames } from "./names";
import type { Plan, PlanCatalog } from "./plans";
import {
  parseAllowedImage,
  parseDockerObjectName,
  parseEmail,
  parseHostname,
  parseMysqlIdentifier,
  parseNodeHostname,
  parsePersonName,
  parseSlug,
  parseTenantId,
  parseUsername,
  type Check,
  type Hostname,
} from "./validators";

/** `install`: Traefik routing off until the unattended install finished; `live`: routed with TLS. */
export const EXPOSURES = ["install", "live"] as const;
export type Exposure = (typeof EXPOSURES)[number];

/** Names of the Swarm configs a tenant stack mounts (see `tenantConfigNames` in stack-files.ts). */
export interface TenantConfigNames {
  readonly crontab: string;
  readonly installScript: string;
  readonly entrypoint: string;
}

/** What the caller knows about a tenant; secret values never pass through here, only secret names. */
export interface TenantStackInput {
  readonly id: string;
  readonly slug: string;
  /** Host name as typed (IDN allowed); the validated tenant carries its lowercase punycode form. */
  readonly domain: string;
  readonly mauticImage: string;
  /** Plan name from the plan catalog. */
  readonly plan: string;
  /** Swarm node the tenant lives on; required when placement is `pin`. */
  readonly nodeHostname?: string | null;
  readonly adminEmail: string;
  /** Defaults to `admin`, `Admin`, `Mautic` (the installer's own defaults). */
  readonly adminUsername?: string;
  readonly adminFirstName?: string;
  readonly adminLastName?: string;
  /** Defaults to `mautic` (each tenant has its own MySQL server, so the names need not be unique). */
  readonly mysqlDatabase?: string;
  readonly mysqlUser?: string;
  /** Whether a mailer DSN secret exists for the tenant (then `secrets.mailerDsn` names it). */
  readonly hasMailerDsn: boolean;
  readonly secrets: {
    readonly dbPassword: string;
    readonly dbRootPassword: string;
    readonly adminPassword: string;
    readonly mailerDsn?: string | null;
  };
  readonly configs: TenantConfigNames;
  readonly exposure: Exposure;
}

/** Context the validation needs: which images the operator allows and which plans exist. */
export interface TenantValidationOptions {
  readonly allowedImages: readonly string[];
  readonly plans: PlanCatalog;
}

declare const validTenantBrand: unique symbol;

/** A tenant that passed {@link parseTenantStackInput}; all strings are normalized and safe to emit. */
export interface ValidTenant {
  readonly [validTenantBrand]: true;
  readonly id: string;
  readonly slug: string;
  readonly stackName: string;
  readonly domain: Hostname;
  readonly mauticImage: string;
  readonly plan: Plan;
  readonly nodeHostname: string | null;
  readonly adminEmail: string;
  readonly adminUsername: string;
  readonly adminFirstName: string;
  readonly adminLastName: string;
  readonly mysqlDatabase: string;
  readonly mysqlUser: string;
  readonly secrets: TenantSecretNames;
  readonly configs: TenantConfigNames;
  readonly exposure: Exposure;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates a tenant for the stack builder. Throws a {@link ValidationError} with one message per bad field
 * (fields are named as in {@link TenantStackInput}, nested ones dotted: `secrets.dbPassword`). Uniqueness of
 * slug and domain across tenants is the caller's job.
 */
export function parseTenantStackInput(input: TenantStackInput, options: TenantValidationOptions): ValidTenant {
  const raw: Record<string, unknown> = isRecord(input) ? input : {};
  const errors: FieldError[] = [];
  const take = <T>(field: string, check: Check<T>): T | undefined => {
    if (check.ok) return check.value;
    errors.push({ field, message: check.message });
    return undefined;
  };
  const optional = <T>(field: string, value: unknown, fallback: string, parse: (v: unknown) => Check<T>) =>
    take(field, parse(value === undefined ? fallback : value));

  const id = take("id", parseTenantId(raw["id"]));
  let slug = take("slug", parseSlug(raw["slug"]));
  if (slug !== undefined && longestScopedNameLength(slug) > MAX_SCOPED_NAME_LENGTH) {
    errors.push({ field: "slug", message: `The slug is too long: Swarm names must stay within ${MAX_SCOPED_NAME_LENGTH} characters.` });
    slug = undefined;
  }
  const domain = take("domain", parseHostname(raw["domain"]));
  const mauticImage = take("mauticImage", parseAllowedImage(raw["mauticImage"], options.allowedImages));
  const planName = raw["plan"];
  const plan =
    typeof planName === "string" && Object.hasOwn(options.plans.plans, planName)
      ? options.plans.plans[planName]
      : undefined;
  if (plan === undefined) {
    errors.push({ field: "plan", message: `Choose one of the plans: ${Object.keys(options.plans.plans).join(", ")}.` });
  }
  const rawNode = raw["nodeHostname"];
  const nodeHostname =
    rawNode === undefined || rawNode === null ? null : take("nodeHostname", parseNodeHostname(rawNode));
  const adminEmail = take("adminEmail", parseEmail(raw["adminEmail"]));
  const adminUsername = optional("adminUsername", raw["adminUsername"], "admin", parseUsername);
  const adminFirstName = optional("adminFirstName", raw["adminFirstName"], "Admin", parsePersonName);
  const adminLastName = optional("adminLastName", raw["adminLastName"], "Mautic", parsePersonName);
  const mysqlDatabase = optional("mysqlDatabase", raw["mysqlDatabase"], "mautic", parseMysqlIdentifier);
  const mysqlUser = optional("mysqlUser", raw["mysqlUser"], "mautic", parseMysqlIdentifier);
  if (mysqlUser === "root") errors.push({ field: "mysqlUser", message: "The MySQL user cannot be root." });

  const hasMailerDsn = raw["hasMailerDsn"];
  if (typeof hasMailerDsn !== "boolean") errors.push({ field: "hasMailerDsn", message: "Say whether the tenant has a mailer DSN." });

  const rawSecrets = isRecord(raw["secrets"]) ? raw["secrets"] : {};
  const seen = new Map<string, string>();
  const objectName = (group: string, key: string, value: unknown): string | undefined => {
    const field = `${group}.${key}`;
    const name = take(field, parseDockerObjectName(value));
    if (name === undefined) return undefined;
    const other = seen.get(`${group}:${name}`);
    if (other !== undefined) {
      errors.push({ field, message: `Must differ from ${other}.` });
      return undefined;
    }
    seen.set(`${group}:${name}`, field);
    return name;
  };
  const dbPassword = objectName("secrets", "dbPassword", rawSecrets["dbPassword"]);
  const dbRootPassword = objectName("secrets", "dbRootPassword", rawSecrets["dbRootPassword"]);
  const adminPassword = objectName("secrets", "adminPassword", rawSecrets["adminPassword"]);
  const rawMailer = rawSecrets["mailerDsn"];
  let mailerDsn: string | undefined;
  if (hasMailerDsn === true) {
    mailerDsn = objectName("secrets", "mailerDsn", rawMailer);
  } else if (hasMailerDsn === false && rawMailer !== undefined && rawMailer !== null) {
    errors.push({ field: "secrets.mailerDsn", message: "Leave this empty when the tenant has no mailer DSN." });
  }

  const rawConfigs = isRecord(raw["configs"]) ? raw["configs"] : {};
  const crontab = objectName("configs", "crontab", rawConfigs["crontab"]);
  const installScript = objectName("configs", "installScript", rawConfigs["installScript"]);
  const entrypoint = objectName("configs", "entrypoint", rawConfigs["entrypoint"]);

  const exposure = raw["exposure"];
  if (!(EXPOSURES as readonly unknown[]).includes(exposure)) {
    errors.push({ field: "exposure", message: `Use one of ${EXPOSURES.join(", ")}.` });
  }

  if (errors.length > 0) throw new ValidationError(errors);
  // Every value below was checked above; the assertions only restate that for the compiler.
  return {
    id: id!,
    slug: slug!,
    stackName: stackNameFor(slug!),
    domain: domain!,
    mauticImage: mauticImage!,
    plan: plan!,
    nodeHostname: nodeHostname ?? null,
    adminEmail: adminEmail!,
    adminUsername: adminUsername!,
    adminFirstName: adminFirstName!,
    adminLastName: adminLastName!,
    mysqlDatabase: mysqlDatabase!,
    mysqlUser: mysqlUser!,
    secrets: {
      dbPassword: dbPassword!,
      dbRootPassword: dbRootPassword!,
      adminPassword: adminPassword!,
      ...(mailerDsn !== undefined ? { mailerDsn } : {}),
    },
    configs: { crontab: crontab!, installScript: installScript!, entrypoint: entrypoint! },
    exposure: exposure as Exposure,
  } as ValidTenant;
}
