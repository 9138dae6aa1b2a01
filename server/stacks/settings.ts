/**
 * Deployment settings that shape every tenant stack (the lead's config reads them from the environment
 * and passes them in; nothing here touches `process.env`).
 */
import { ValidationError, type FieldError } from "../errors";
import {
  parseCidr,
  parseImageReference,
  parseNetworkName,
  parseTraefikName,
  type Check,
} from "./validators";

/**
 * Traefik label dialect, named after the first Traefik version it targets:
 * - `"v2"`: Traefik 2.x, network label `traefik.docker.network`;
 * - `"v3.0"`: Traefik 3.0–3.2.1, same labels (the Swarm provider only reads `traefik.docker.*` there);
 * - `"v3.2.2"`: Traefik 3.2.2 and later, network label `traefik.swarm.network`.
 * `traefik.docker.network` is also accepted (with a deprecation warning) by 3.2.2+, so "v2"/"v3.0" work on
 * every version, whereas `traefik.swarm.network` is silently ignored before 3.2.2.
 */
export const TRAEFIK_DIALECTS = ["v2", "v3.0", "v3.2.2"] as const;
export type TraefikDialect = (typeof TRAEFIK_DIALECTS)[number];

/** `pin`: every service of a tenant on the tenant's node (local volumes are node-local); `none`: shared storage. */
export const PLACEMENT_MODES = ["pin", "none"] as const;
export type PlacementMode = (typeof PLACEMENT_MODES)[number];

/** Settings shared by all tenant stacks. */
export interface StackSettings {
  /** Existing swarm-scoped overlay network Traefik reads from (joined by `mautic_web` only). */
  readonly traefikNetwork: string;
  /** Traefik entry point of the HTTPS router (HTTP→HTTPS redirection is expected on Traefik's entry points). */
  readonly traefikEntryPoint: string;
  /** Traefik certificate resolver for the tenant's domain. */
  readonly traefikCertResolver: string;
  readonly traefikDialect: TraefikDialect;
  /** Addresses or CIDR blocks Mautic trusts for X-Forwarded-* headers (normally the Traefik network's subnet). */
  readonly trustedProxies: readonly string[];
  /** Database image; pinned, never `latest` (Mautic 7 needs MySQL ≥ 8.4). */
  readonly mysqlImage: string;
  readonly placement: PlacementMode;
}

/** Defaults for everything but the trusted proxies, which come from the Traefik network's subnet. */
export const DEFAULT_STACK_SETTINGS = {
  traefikNetwork: "traefik-public",
  traefikEntryPoint: "websecure",
  traefikCertResolver: "letsencrypt",
  traefikDialect: "v3.0",
  mysqlImage: "mysql:8.4",
  placement: "pin",
} as const satisfies Omit<StackSettings, "trustedProxies">;

/**
 * Checks the settings and returns them normalized (trusted proxies de-duplicated). Throws a
 * {@link ValidationError} with one error per bad field, named `settings.<key>`.
 */
export function validateStackSettings(settings: StackSettings): StackSettings {
  const errors: FieldError[] = [];
  const take = <T>(field: keyof StackSettings, check: Check<T>): T | undefined => {
    if (check.ok) return check.value;
    errors.push({ field: `settings.${field}`, message: check.message });
    return undefined;
  };
  take("traefikNetwork", parseNetworkName(settings.traefikNetwork));
  take("traefikEntryPoint", parseTraefikName(settings.traefikEntryPoint));
  take("traefikCertResolver", parseTraefikName(settings.traefikCertResolver));
  if (!(TRAEFIK_DIALECTS as readonly unknown[]).includes(settings.traefikDialect)) {
    errors.push({ field: "settings.traefikDialect", message: `Use one of ${TRAEFIK_DIALECTS.join(", ")}.` });
  }
  if (!(PLACEMENT_MODES as readonly unknown[]).includes(settings.placement)) {
    errors.push({ field: "settings.placement", message: `Use one of ${PLACEMENT_MODES.join(", ")}.` });
  }
  take("mysqlImage", parseImageReference(settings.mysqlImage));
  const proxies: string[] = [];
  if (!Array.isArray(settings.trustedProxies) || settings.trustedProxies.length === 0) {
    errors.push({ field: "settings.trustedProxies", message: "Give at least one address or CIDR block." });
  } else if (settings.trustedProxies.length > 32) {
    errors.push({ field: "settings.trustedProxies", message: "Give at most 32 addresses or CIDR blocks." });
  } else {
    for (const proxy of settings.trustedProxies) {
      const check = parseCidr(proxy);
      if (!check.ok) {
        errors.push({ field: "settings.trustedProxies", message: `${JSON.stringify(String(proxy).slice(0, 64))}: ${check.message}` });
        break;
      }
      if (!proxies.includes(check.value)) proxies.push(check.value);
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return { ...settings, trustedProxies: proxies };
}
