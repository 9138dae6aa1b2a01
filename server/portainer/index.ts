/**
 * Public API of the Portainer client (see README.md beside this file).
 *
 * ```ts
 * const portainer = createPortainerClient({ baseUrl, apiKey, endpointId, timeoutMs: 30_000, logger });
 * await portainer.getDeployFamily(); // throws UNSUPPORTED_VERSION below 2.20
 * const { stack, adopted } = await portainer.createSwarmStackFromString({ name, stackFileContent });
 * ```
 */
export {
  createPortainerClient,
  normalizeStackName,
  PANEL_FILTER,
  type CreateSwarmObjectInput,
  type CreateSwarmStackInput,
  type LabelFilter,
  type ObjectFilter,
  type PortainerClient,
  type PortainerClientOptions,
  type ServiceLogOptions,
  type UpdateStackInput,
} from "./client";
export { decodeDockerLogs } from "./docker-logs";
export type * from "./domain";
export {
  isPortainerError,
  PORTAINER_ERROR_CODES,
  PORTAINER_ERROR_REASONS,
  PortainerError,
  type PortainerErrorCode,
  type PortainerErrorReason,
} from "./errors";
export type { PortainerLogger, RetryOptions } from "./transport";
export { ASYNC_FROM_VERSION, deployFamilyOf, MIN_PORTAINER_VERSION } from "./version";
