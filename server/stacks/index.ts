/**
 * Public API of the tenant stack builder: validate a tenant, build its stack object, render it once.
 *
 * ```ts
 * const tenant = parseTenantStackInput(input, { allowedImages, plans });
 * const yaml = renderStackYaml(buildTenantStack(tenant, settings));
 * // deploy `yaml` as stack `tenant.stackName`
 * ```
 */
export { buildTenantStack, CONFIG_TARGETS } from "./build-tenant-stack";
export type * from "./compose-spec";
export {
  PANEL_LABELS,
  PANEL_MANAGED_FILTER,
  SERVICE_NAMES,
  SERVICE_ROLES,
  stackNameFor,
  tenantSecretNames,
  traefikNameFor,
  type ServiceName,
  type ServiceRole,
  type TenantSecretNames,
} from "./names";
export {
  BUILTIN_PLANS,
  loadPlans,
  parsePlanCatalog,
  PLAN_SERVICES,
  PlansFileError,
  type Plan,
  type PlanCatalog,
  type PlanService,
  type ResourceSpec,
  type ServiceResources,
  type WorkerConsumers,
} from "./plans";
export { escapeInterpolation, renderStackYaml } from "./render";
export {
  DEFAULT_STACK_SETTINGS,
  PLACEMENT_MODES,
  TRAEFIK_DIALECTS,
  validateStackSettings,
  type PlacementMode,
  type StackSettings,
  type TraefikDialect,
} from "./settings";
export {
  DEFAULT_STACK_FILES_DIR,
  loadStackFiles,
  tenantConfigNames,
  tenantStackAssets,
  type StackFile,
  type StackFiles,
  type TenantStackAssets,
} from "./stack-files";
export {
  EXPOSURES,
  parseTenantStackInput,
  type Exposure,
  type TenantConfigNames,
  type TenantStackInput,
  type TenantValidationOptions,
  type ValidTenant,
} from "./tenant-input";
export { traefikLabels } from "./traefik-labels";
export {
  hostRule,
  parseCidr,
  parseEmail,
  parseHostname,
  parseImageReference,
  parseSlug,
  type Check,
  type Hostname,
} from "./validators";
