/**
 * What a tenant row becomes in Swarm: the rendered stack file and the configs and secrets it
 * references. Secret values are decrypted here, only to be handed to Portainer.
 */
import { createHash } from "node:crypto";
import type { Config } from "../config/env";
import { PANEL_LABELS } from "../stacks/names";
import { buildTenantStack } from "../stacks/build-tenant-stack";
import { renderStackYaml } from "../stacks/render";
import type { StackSettings } from "../stacks/settings";
import { loadStackFiles, tenantStackAssets, type TenantStackAssets } from "../stacks/stack-files";
import { parseTenantStackInput, type Exposure } from "../stacks/tenant-input";
import type { TenantSecretBox } from "../tenants/tenant-secrets";
import type { Tenant } from "../generated/prisma/client";
import { stackNameFor } from "../stacks/names";

export interface TenantStackSpec {
  stackName: string;
  yaml: string;
  assets: TenantStackAssets;
}

export function stackSettings(config: Config, trustedProxies: string[]): StackSettings {
  return {
    traefikNetwork: config.traefik.networkName,
    traefikEntryPoint: config.traefik.entryPoint,
    traefikCertResolver: config.traefik.tlsResolverName,
    traefikDialect: config.traefik.labelDialect,
    trustedProxies,
    mysqlImage: config.stacks.mysqlImage,
    placement: config.stacks.placement,
  };
}

export function tenantStackSpec(
  tenant: Tenant,
  options: { config: Config; ownerEmail: string; trustedProxies: string[]; exposure: Exposure; only?: readonly string[] },
): TenantStackSpec {
  const files = loadStackFiles();
  const assets = tenantStackAssets(tenant.slug, files, {
    mailerDsn: tenant.mailerDsnEnc !== null,
    ...(tenant.mailerDsnEnc !== null ? { mailerDsnRevision: mailerDsnRevision(tenant.mailerDsnEnc) } : {}),
  });
  const valid = parseTenantStackInput(
    {
      id: tenant.id,
      slug: tenant.slug,
      domain: tenant.domain,
      mauticImage: tenant.mauticImage,
      plan: tenant.plan,
      nodeHostname: tenant.nodeHostname,
      // The Mautic admin account belongs to the tenant's owner.
      adminEmail: options.ownerEmail,
      adminUsername: tenant.mauticAdminUser,
      mysqlDatabase: tenant.mysqlDatabase,
      mysqlUser: tenant.mysqlUser,
      hasMailerDsn: tenant.mailerDsnEnc !== null,
      secrets: assets.secrets,
      configs: {
        crontab: assets.configs.crontab.name,
        installScript: assets.configs.installScript.name,
        entrypoint: assets.configs.entrypoint.name,
      },
      exposure: options.exposure,
    },
    // The tenant's own image stays valid even after the operator narrows MAUTIC_IMAGES.
    { allowedImages: [...new Set([...options.config.stacks.mauticImages, tenant.mauticImage])], plans: options.config.stacks.plans },
  );
  const stack = buildTenantStack(valid, stackSettings(options.config, options.trustedProxies));
  const only = options.only;
  const yaml = renderStackYaml(only ? { ...stack, services: Object.fromEntries(Object.entries(stack.services).filter(([name]) => only.includes(name))) } : stack);
  return { stackName: stackNameFor(tenant.slug), yaml, assets };
}

/**
 * The mailer DSN secret's revision: from the stored (encrypted, freshly salted) value, so it changes
 * exactly when an admin sets a new DSN, and the next deploy creates a new secret (Swarm secrets are
 * immutable). A digest of the ciphertext says nothing about the DSN.
 */
export function mailerDsnRevision(mailerDsnEnc: string): string {
  return createHash("sha256").update(mailerDsnEnc).digest("hex").slice(0, 8);
}

/** Labels every config and secret of a tenant carries, so they can be listed and cleaned up. */
export function tenantObjectLabels(tenantId: string): Record<string, string> {
  return { [PANEL_LABELS.managed]: "true", [PANEL_LABELS.tenant]: tenantId };
}

/** Secret values for the names in `assets.secrets`, decrypted from the tenant row. */
export function tenantSecretValues(tenant: Tenant, box: TenantSecretBox, assets: TenantStackAssets): { name: string; value: string }[] {
  const out = [
    { name: assets.secrets.dbPassword, value: box.open(tenant.id, "mysqlPassword", tenant.mysqlPasswordEnc) },
    { name: assets.secrets.dbRootPassword, value: box.open(tenant.id, "mysqlRootPassword", tenant.mysqlRootPasswordEnc) },
    { name: assets.secrets.adminPassword, value: box.open(tenant.id, "mauticAdminPassword", tenant.mauticAdminPasswordEnc) },
  ];
  if (assets.secrets.mailerDsn && tenant.mailerDsnEnc) {
    out.push({ name: assets.secrets.mailerDsn, value: box.open(tenant.id, "mailerDsn", tenant.mailerDsnEnc) });
  }
  return out;
}
