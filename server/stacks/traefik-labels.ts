/**
 * Traefik labels for a tenant's web service, per label dialect and exposure. In Swarm mode Traefik reads
 * service labels, so these go under `deploy.labels`.
 */
import type { StringMap } from "./compose-spec";
import { traefikNameFor } from "./names";
import type { StackSettings, TraefikDialect } from "./settings";
import { hostRule, type Hostname } from "./validators";
import type { Exposure } from "./tenant-input";

/** The only provider-specific label we emit. One dialect per stack: mixing `traefik.docker.*` and
 * `traefik.swarm.*` on one service makes Traefik drop it ("both Docker and Swarm labels are defined"). */
const NETWORK_LABEL: Readonly<Record<TraefikDialect, string>> = {
  v2: "traefik.docker.network",
  "v3.0": "traefik.docker.network",
  "v3.2.2": "traefik.swarm.network",
};

/** Port Apache listens on in the official image; Swarm gives Traefik no port information, so it is mandatory. */
export const MAUTIC_HTTP_PORT = "80";

/**
 * Labels for `mautic_web`. With exposure `install` Traefik ignores the service entirely
 * (`traefik.enable=false`, no router), so nobody can reach Mautic's web installer; with `live` one HTTPS
 * router for the tenant's host name with the configured entry point and certificate resolver.
 * HTTP→HTTPS redirection belongs to Traefik's entry point configuration, so there is no HTTP router.
 */
export function traefikLabels(
  tenant: { readonly slug: string; readonly domain: Hostname; readonly exposure: Exposure },
  settings: Pick<StackSettings, "traefikDialect" | "traefikNetwork" | "traefikEntryPoint" | "traefikCertResolver">,
): StringMap {
  if (tenant.exposure === "install") return { "traefik.enable": "false" };
  const name = traefikNameFor(tenant.slug);
  const router = `traefik.http.routers.${name}`;
  return {
    "traefik.enable": "true",
    [NETWORK_LABEL[settings.traefikDialect]]: settings.traefikNetwork,
    [`${router}.rule`]: hostRule(tenant.domain),
    [`${router}.entrypoints`]: settings.traefikEntryPoint,
    [`${router}.tls`]: "true",
    [`${router}.tls.certresolver`]: settings.traefikCertResolver,
    [`${router}.service`]: name,
    [`traefik.http.services.${name}.loadbalancer.server.port`]: MAUTIC_HTTP_PORT,
  };
}
