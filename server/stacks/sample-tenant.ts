/**
 * A sample tenant for `scripts/stack-render.ts` and the tests: realistic secret and config names derived
 * the same way the provisioning engine derives them.
 */
import { tenantSecretNames } from "./names";
import type { StackSettings } from "./settings";
import { DEFAULT_STACK_SETTINGS } from "./settings";
import { tenantConfigNames, type StackFiles } from "./stack-files";
import type { Exposure, TenantStackInput } from "./tenant-input";
import { parseHostname, parseSlug } from "./validators";

/** Images the sample allows: current Mautic 7 and the 6.0 LTS line (mautic-verification.md). */
export const SAMPLE_ALLOWED_IMAGES: readonly string[] = ["mautic/mautic:7.2.0-apache", "mautic/mautic:6.0.9-apache"];

/** Settings for samples: the defaults plus a trusted-proxy range like the reference's Traefik network. */
export const SAMPLE_SETTINGS: StackSettings = { ...DEFAULT_STACK_SETTINGS, trustedProxies: ["10.200.0.0/16"] };

/** Fields of the sample tenant a caller may choose. */
export interface SampleTenantOptions {
  readonly slug: string;
  readonly domain: string;
  readonly files: StackFiles;
  readonly id?: string;
  readonly adminEmail?: string;
  readonly plan?: string;
  readonly exposure?: Exposure;
  readonly mauticImage?: string;
  readonly nodeHostname?: string | null;
  readonly hasMailerDsn?: boolean;
}

/**
 * Builds the (not yet validated) input for a sample tenant. Object names are derived from the slug only
 * when the slug itself is valid, so a bad slug is reported once, as `slug`, and not again for every name.
 */
export function sampleTenantInput(options: SampleTenantOptions): TenantStackInput {
  const nameSlug = parseSlug(options.slug).ok ? options.slug : "sample";
  const domain = parseHostname(options.domain);
  const hasMailerDsn = options.hasMailerDsn ?? false;
  const secrets = tenantSecretNames(nameSlug, { mailerDsn: hasMailerDsn });
  return {
    id: options.id ?? "sample-tenant",
    slug: options.slug,
    domain: options.domain,
    mauticImage: options.mauticImage ?? SAMPLE_ALLOWED_IMAGES[0]!,
    plan: options.plan ?? "standard",
    nodeHostname: options.nodeHostname === undefined ? "swarm-node-1" : options.nodeHostname,
    adminEmail: options.adminEmail ?? `admin@${domain.ok ? domain.value : "example.com"}`,
    hasMailerDsn,
    secrets,
    configs: tenantConfigNames(nameSlug, options.files),
    exposure: options.exposure ?? "install",
  };
}
