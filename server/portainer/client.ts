/**
 * The typed Portainer client: `createPortainerClient(options)` returns the operations the panel
 * needs on one Portainer environment (endpoint), named after Portainer's operationIds.
 *
 * Deploys: the version from `GET /api/system/status` picks the family (synchronous 2.20–2.39,
 * asynchronous 2.40+), but every create, update and start is confirmed the same way: the stack is
 * read back until Portainer reports it active (or failed), so a stack that is still "deploying"
 * is handled whatever the version says.
 *
 * Creates are never sent twice on a guess. After a 409 the stack is looked up by name and adopted;
 * after a timeout or a dropped connection the client waits for a stack of that name to appear and
 * adopts it, and gives up (without creating) when none appears within the deploy timeout.
 */
import { PANEL_MANAGED_FILTER } from "../stacks/names";
import { decodeDockerLogs } from "./docker-logs";
import type {
  CreateStackResult,
  DeployFamily,
  DockerConfig,
  DockerNetwork,
  DockerSecret,
  DockerVolume,
  PortainerEndpoint,
  PortainerStack,
  PortainerSystemStatus,
  ServiceLogLine,
  StackEnvVar,
  SwarmInfo,
  SwarmNode,
  SwarmService,
  SwarmTask,
} from "./domain";
import { createRedactor, isPortainerError, PortainerError } from "./errors";
import { deployFailed } from "./failures";
import {
  array,
  ShapeError,
  STACK_NAMESPACE_LABEL,
  toConfig,
  toEndpoint,
  toId,
  toNetwork,
  toNode,
  toSecret,
  toService,
  toStack,
  toSwarm,
  toSystemStatus,
  toTask,
  toVolumeList,
} from "./mappers";
import { Transport, type CallSpec, type PortainerLogger, type RetryOptions } from "./transport";
import type {
  WireCreateSwarmObject,
  WireCreateSwarmStackPayload,
  WirePair,
  WireStackFile,
  WireUpdateSwarmStackPayload,
} from "./types";
import { deployFamilyOf, MIN_PORTAINER_VERSION } from "./version";

/** Options of {@link createPortainerClient}. */
export interface PortainerClientOptions {
  /** Portainer's base URL, e.g. `https://portainer.example.com` (the client adds `/api`). */
  baseUrl: string;
  /** An access token (`ptr_…`) of a Portainer admin user, sent as `X-API-Key`. */
  apiKey: string;
  /** The Portainer environment (endpoint) connected to the Swarm manager. */
  endpointId: number;
  /** Timeout of each ordinary request, in ms. */
  timeoutMs: number;
  /** Retries of reads and of requests that never reached Portainer. */
  retry?: RetryOptions;
  /** Pause between two reads while waiting for a deploy. Default 2000 ms. */
  pollIntervalMs?: number;
  /**
   * How long one deploy may take, in ms: the request timeout of calls that run the docker CLI
   * synchronously (2.20–2.39 create/update, start, stop, delete) and the longest wait for a
   * "deploying" stack to settle or a timed-out create to appear. Default 15 minutes, Portainer's
   * own limit for background deploys.
   */
  deployTimeoutMs?: number;
  /** Receives one line per request, retry and adoption; never headers or bodies. */
  logger?: PortainerLogger;
}

/** Input of {@link PortainerClient.createSwarmStackFromString}. */
export interface CreateSwarmStackInput {
  /** The stack name; must already be in Portainer's normalized form (`[a-z0-9_-]`, lower case). */
  name: string;
  /** The compose file. */
  stackFileContent: string;
  /** Values for `${VAR}` substitution in the file. */
  env?: readonly StackEnvVar[];
  /** The Swarm ID to file the stack under; read from the endpoint when absent. */
  swarmId?: string;
}

/** Input of {@link PortainerClient.updateStack}. */
export interface UpdateStackInput {
  stackFileContent: string;
  /** Replaces the stack's variables (an empty list clears them). */
  env?: readonly StackEnvVar[];
  /** Remove services that are no longer in the file (`docker stack deploy --prune`). */
  prune: boolean;
  /**
   * Resolve image tags again and redeploy: `PullImage` on 2.20–2.39 (false keeps the digests
   * already running), `RepullImageAndRedeploy` on 2.40+.
   */
  pullImage: boolean;
}

/**
 * Which services, tasks or volumes to list: those of one stack (`com.docker.stack.namespace`), or
 * those carrying every given label (`key` or `key=value`).
 */
export type LabelFilter = { stack: string } | { labels: readonly string[] };

/** Every object the panel generated (its `io.mautic-panel.managed=true` label). */
export const PANEL_FILTER: LabelFilter = { labels: [PANEL_MANAGED_FILTER] };

/** Options of {@link PortainerClient.getServiceLogs}. */
export interface ServiceLogOptions {
  /** Last lines per task to return. Default 200. */
  tail?: number;
  /** Only lines written at or after this time. */
  since?: Date;
  /** Default true. */
  stdout?: boolean;
  /** Default true. */
  stderr?: boolean;
  /** Ask Docker for timestamps. Default true. */
  timestamps?: boolean;
}

/** Filter of config and secret lists. */
export interface ObjectFilter {
  /** Exact names. */
  names?: readonly string[];
  /** Labels (`key` or `key=value`), all required. */
  labels?: readonly string[];
}

/** Input of {@link PortainerClient.createConfig} and {@link PortainerClient.createSecret}. */
export interface CreateSwarmObjectInput {
  name: string;
  /** Content; a string is encoded as UTF-8. */
  data: string | Buffer;
  labels?: Record<string, string>;
}

/** The operations on one Portainer environment. Every failure is a {@link PortainerError}. */
export interface PortainerClient {
  /** The environment this client works on. */
  readonly endpointId: number;

  /** `GET /api/system/status` (systemStatus): version and deploy family. Always asks Portainer. */
  getSystemStatus(): Promise<PortainerSystemStatus>;
  /** The deploy family (cached for a minute); throws UNSUPPORTED_VERSION below 2.20. */
  getDeployFamily(): Promise<DeployFamily>;
  /** `GET /api/endpoints/{id}` (EndpointInspect): is it up, is it a Swarm manager. */
  getEndpoint(): Promise<PortainerEndpoint>;
  /** Docker SwarmInspect: the Swarm ID (also cached for stack calls). */
  getSwarm(): Promise<SwarmInfo>;
  /** Docker NodeList: every node, for placement. */
  listNodes(): Promise<SwarmNode[]>;
  /** Docker NetworkInspect by name or ID; `null` when it does not exist. */
  getNetwork(nameOrId: string): Promise<DockerNetwork | null>;

  /** `GET /api/stacks` (StackList) filtered by this endpoint's Swarm ID (the filter quirk). */
  listStacks(): Promise<PortainerStack[]>;
  /** The stack whose normalized name matches, on this endpoint; `null` when none. */
  findStackByName(name: string): Promise<PortainerStack | null>;
  /** `GET /api/stacks/{id}` (StackInspect); `null` when it does not exist. */
  getStack(id: number): Promise<PortainerStack | null>;
  /** `GET /api/stacks/{id}/file` (StackFileInspect); `null` when the stack does not exist. */
  getStackFile(id: number): Promise<string | null>;
  /**
   * `POST /api/stacks/create/swarm/string` (StackCreateDockerSwarmString), confirmed by reading the
   * stack back until it is active. Adopts an existing stack of that name (see CreateStackResult).
   */
  createSwarmStackFromString(input: CreateSwarmStackInput): Promise<CreateStackResult>;
  /** `PUT /api/stacks/{id}` (StackUpdate), confirmed like a create. */
  updateStack(id: number, input: UpdateStackInput): Promise<PortainerStack>;
  /** `POST /api/stacks/{id}/start` (StackStart), confirmed like a create. */
  startStack(id: number): Promise<PortainerStack>;
  /** `POST /api/stacks/{id}/stop` (StackStop): removes the services, keeps the stack and volumes. */
  stopStack(id: number): Promise<PortainerStack>;
  /** `DELETE /api/stacks/{id}` (StackDelete): removes services, stack networks and the stack row. */
  deleteStack(id: number): Promise<void>;
  /** Waits until the stack stops deploying; returns it when active, throws DEPLOY_FAILED or TIMEOUT. */
  waitForStackDeploy(id: number): Promise<PortainerStack>;

  /** Docker ServiceList with task counts. */
  listServices(filter: LabelFilter): Promise<SwarmService[]>;
  /** Docker TaskList (task label filters match the service's labels). */
  listTasks(filter: LabelFilter, options?: { desiredState?: "running" | "shutdown" | "accepted" }): Promise<SwarmTask[]>;
  /** Docker ServiceLogs, decoded into lines; by service name or ID. */
  getServiceLogs(service: string, options?: ServiceLogOptions): Promise<ServiceLogLine[]>;

  /** Docker ConfigCreate; returns the new config's ID. */
  createConfig(input: CreateSwarmObjectInput): Promise<string>;
  /** Docker ConfigInspect by name or ID; `null` when it does not exist. */
  getConfig(nameOrId: string): Promise<DockerConfig | null>;
  /** Docker ConfigList. */
  listConfigs(filter?: ObjectFilter): Promise<DockerConfig[]>;
  /** Docker ConfigDelete; CONFLICT (IN_USE) while a service uses it. */
  deleteConfig(nameOrId: string): Promise<void>;
  /** Docker SecretCreate; returns the new secret's ID. */
  createSecret(input: CreateSwarmObjectInput): Promise<string>;
  /** Docker SecretInspect by name or ID; `null` when it does not exist. */
  getSecret(nameOrId: string): Promise<DockerSecret | null>;
  /** Docker SecretList. */
  listSecrets(filter?: ObjectFilter): Promise<DockerSecret[]>;
  /** Docker SecretDelete; CONFLICT (IN_USE) while a service uses it. */
  deleteSecret(nameOrId: string): Promise<void>;

  /** Docker VolumeList (across nodes, as the Portainer agent aggregates them). */
  listVolumes(filter?: LabelFilter): Promise<DockerVolume[]>;
  /** Docker VolumeDelete; `node` targets one node through the agent (volumes are node-local). */
  deleteVolume(name: string, options?: { node?: string; force?: boolean }): Promise<void>;
}

const DEFAULTS = {
  retry: { limit: 2, baseDelayMs: 250, maxDelayMs: 4000 },
  pollIntervalMs: 2000,
  deployTimeoutMs: 15 * 60_000,
} as const;

/** How long a system status read is reused for the deploy family. */
const STATUS_CACHE_MS = 60_000;

/** Portainer's `NormalizeStackName`: lower-case, then drop every run outside `[-_a-z0-9]`. */
export function normalizeStackName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]+/g, "");
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(`createPortainerClient: ${name} must be a ${allowZero ? "non-negative" : "positive"} number`);
  }
  return v;
}

function checkedBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError("createPortainerClient: baseUrl must be an absolute http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError("createPortainerClient: baseUrl must be an http:// or https:// URL");
  }
  if (url.username !== "" || url.password !== "") {
    throw new TypeError("createPortainerClient: baseUrl must not contain credentials (pass apiKey instead)");
  }
  return raw.replace(/\/+$/, "");
}

const pairs = (env: readonly StackEnvVar[] | undefined): WirePair[] => (env ?? []).map((e) => ({ name: e.name, value: e.value }));

/** Docker's `filters` query value. */
const dockerFilters = (filters: Record<string, readonly string[]>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(filters).filter(([, values]) => values.length > 0)));

function labelsOf(filter: LabelFilter): string[] {
  if ("stack" in filter) return [`${STACK_NAMESPACE_LABEL}=${filter.stack}`];
  // An empty filter would list every object on the Swarm: refuse it rather than guess.
  if (filter.labels.length === 0) throw new PortainerError({ code: "BAD_REQUEST", message: "A label filter needs at least one label." });
  return [...filter.labels];
}

/** A failure of a create whose outcome the client cannot know: Portainer may still finish it. */
function outcomeUnknown(error: PortainerError): boolean {
  return (
    error.code === "TIMEOUT" ||
    error.reason === "CONNECTION_RESET" ||
    (error.code === "UNAVAILABLE" && (error.status === 502 || error.status === 504) && error.reason === undefined)
  );
}

/** Creates a client for one Portainer environment. Validates the options; sends nothing yet. */
export function createPortainerClient(options: PortainerClientOptions): PortainerClient {
  const baseUrl = checkedBaseUrl(options.baseUrl);
  if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") {
    throw new TypeError("createPortainerClient: apiKey must be a non-empty access token");
  }
  if (!Number.isInteger(options.endpointId) || options.endpointId < 1) {
    throw new RangeError("createPortainerClient: endpointId must be a positive integer");
  }
  const timeoutMs = positive("timeoutMs", options.timeoutMs, 0);
  const pollIntervalMs = positive("pollIntervalMs", options.pollIntervalMs, DEFAULTS.pollIntervalMs);
  const deployTimeoutMs = positive("deployTimeoutMs", options.deployTimeoutMs, DEFAULTS.deployTimeoutMs);
  const retry = {
    limit: positive("retry.limit", options.retry?.limit, DEFAULTS.retry.limit, true),
    baseDelayMs: positive("retry.baseDelayMs", options.retry?.baseDelayMs, DEFAULTS.retry.baseDelayMs, true),
    maxDelayMs: positive("retry.maxDelayMs", options.retry?.maxDelayMs, DEFAULTS.retry.maxDelayMs, true),
  };
  const { endpointId, logger } = options;
  const redact = createRedactor(options.apiKey);
  const transport = new Transport({ baseUrl, apiKey: options.apiKey, endpointId, retry, logger, redact });
  const docker = (path: string): string => `endpoints/${endpointId}/docker/${path}`;
  const read = (path: string, extra: Partial<CallSpec> = {}): CallSpec => ({
    method: "GET",
    path,
    timeoutMs,
    idempotent: true,
    ...extra,
  });

  let statusCache: { at: number; value: Promise<PortainerSystemStatus> } | undefined;
  let swarmIdCache: Promise<string> | undefined;

  /** Caches a status read; a failed read is forgotten, so the next caller asks again. */
  function cacheStatus(value: Promise<PortainerSystemStatus>): Promise<PortainerSystemStatus> {
    const entry = { at: Date.now(), value };
    statusCache = entry;
    value.catch(() => {
      if (statusCache === entry) statusCache = undefined;
    });
    return value;
  }

  async function fetchSystemStatus(): Promise<PortainerSystemStatus> {
    let raw: { version: string; instanceId: string | null };
    try {
      raw = await transport.json(read("system/status"), toSystemStatus);
    } catch (error) {
      // Releases before the /system routes answer only the deprecated alias.
      if (!isPortainerError(error) || error.reason !== "ROUTE_NOT_FOUND") throw error;
      raw = await transport.json(read("status"), toSystemStatus);
    }
    const family = deployFamilyOf(raw.version);
    return { version: raw.version, instanceId: raw.instanceId, family, supported: family !== null };
  }

  function cachedStatus(): Promise<PortainerSystemStatus> {
    if (statusCache && Date.now() - statusCache.at <= STATUS_CACHE_MS) return statusCache.value;
    return cacheStatus(fetchSystemStatus());
  }

  async function getDeployFamily(): Promise<DeployFamily> {
    const status = await cachedStatus();
    if (status.family) return status.family;
    throw new PortainerError({
      code: "UNSUPPORTED_VERSION",
      method: "GET",
      path: "/api/system/status",
      foundVersion: status.version,
      requiredVersion: MIN_PORTAINER_VERSION,
      message:
        `Portainer ${status.version} at ${new URL(baseUrl).origin} is not supported: the panel needs Portainer ` +
        `${MIN_PORTAINER_VERSION} or later, because tenant stacks use Swarm jobs, which need the docker CLI 23+ ` +
        `that Portainer bundles from 2.20 on. Upgrade Portainer.`,
    });
  }

  async function getSwarm(): Promise<SwarmInfo> {
    const swarm = await transport.json(read(docker("swarm"), { subject: `the Swarm of environment ${endpointId}` }), toSwarm);
    swarmIdCache = Promise.resolve(swarm.id);
    return swarm;
  }

  function swarmId(): Promise<string> {
    if (swarmIdCache) return swarmIdCache;
    const value = getSwarm().then((s) => s.id);
    swarmIdCache = value;
    value.catch(() => {
      if (swarmIdCache === value) swarmIdCache = undefined;
    });
    return value;
  }

  /** `get*` semantics: a 404 about the object itself is `null`; a missing endpoint still throws. */
  async function orNull<T>(promise: Promise<T>): Promise<T | null> {
    try {
      return await promise;
    } catch (error) {
      if (isPortainerError(error, "NOT_FOUND") && error.reason === undefined) return null;
      throw error;
    }
  }

  async function listStacks(): Promise<PortainerStack[]> {
    await getDeployFamily();
    const id = await swarmId();
    const stacks = await transport.json(
      read("stacks", { searchParams: { filters: JSON.stringify({ SwarmID: id }) } }),
      (body) => array(body, "stack list").map(toStack),
    );
    // Swarm stacks are matched by SwarmID only; another endpoint on the same swarm is not ours.
    return stacks.filter((s) => s.endpointId === endpointId);
  }

  async function findStackByName(name: string): Promise<PortainerStack | null> {
    const normalized = normalizeStackName(name);
    return (await listStacks()).find((s) => s.name === normalized) ?? null;
  }

  function getStack(id: number): Promise<PortainerStack | null> {
    return orNull(transport.json(read(`stacks/${id}`, { subject: `stack ${id}` }), toStack));
  }

  /** Reads the stack until it is no longer deploying (or the deadline passes). */
  async function settle(id: number, subject: string, deadline: number): Promise<PortainerStack> {
    for (;;) {
      const stack = await getStack(id);
      if (!stack) {
        throw new PortainerError({
          code: "NOT_FOUND",
          method: "GET",
          path: `/api/stacks/${id}`,
          status: 404,
          stackId: id,
          message: `${subject} disappeared from Portainer while its deploy was being confirmed; someone may have deleted it.`,
        });
      }
      if (stack.status !== "deploying" && stack.status !== "unknown") return stack;
      if (Date.now() >= deadline) {
        throw new PortainerError({
          code: "TIMEOUT",
          method: "GET",
          path: `/api/stacks/${id}`,
          stackId: id,
          retryable: true,
          message:
            `${subject} is still ${stack.status === "unknown" ? `in Status ${stack.statusCode}` : "deploying"} after ` +
            `${deployTimeoutMs} ms. Portainer goes on deploying in the background: ` +
            "look at the stack in Portainer, then wait for it or update it again.",
        });
      }
      await sleep(pollIntervalMs);
    }
  }

  /** Reads the stack back after a deploy: active → the stack; error or stopped → DEPLOY_FAILED. */
  async function confirm(id: number, subject: string): Promise<PortainerStack> {
    const stack = await settle(id, subject, Date.now() + deployTimeoutMs);
    if (stack.status === "active") return stack;
    if (stack.status === "error") {
      throw deployFailed({
        cli: stack.deploymentError ?? "",
        subject,
        endpointId,
        method: "GET",
        path: `/api/stacks/${id}`,
        stackId: id,
        redact,
      });
    }
    throw new PortainerError({
      code: "DEPLOY_FAILED",
      method: "GET",
      path: `/api/stacks/${id}`,
      stackId: id,
      message: `Portainer reports ${subject} as stopped right after deploying it. Look at the stack in Portainer.`,
    });
  }

  async function waitForStackToAppear(name: string, deadline: number): Promise<PortainerStack | null> {
    for (;;) {
      const found = await findStackByName(name);
      if (found || Date.now() >= deadline) return found;
      await sleep(pollIntervalMs);
    }
  }

  async function createSwarmStackFromString(input: CreateSwarmStackInput): Promise<CreateStackResult> {
    const path = "/api/stacks/create/swarm/string";
    const normalized = normalizeStackName(input.name);
    if (normalized === "" || normalized !== input.name) {
      throw new PortainerError({
        code: "BAD_REQUEST",
        method: "POST",
        path,
        message:
          `Stack name ${JSON.stringify(input.name)} is not in Portainer's normalized form (${JSON.stringify(normalized)}): ` +
          'use lower-case letters, digits, "-" and "_" only, so the stack can be found again by name.',
      });
    }
    if (input.stackFileContent.trim() === "") {
      throw new PortainerError({ code: "BAD_REQUEST", method: "POST", path, message: `The stack file of ${input.name} is empty.` });
    }
    const family = await getDeployFamily();
    const payload: WireCreateSwarmStackPayload = {
      Name: input.name,
      SwarmID: input.swarmId ?? (await swarmId()),
      StackFileContent: input.stackFileContent,
      Env: pairs(input.env),
      FromAppTemplate: false,
    };
    const subject = `stack "${input.name}"`;
    let created: PortainerStack;
    let adopted = false;
    try {
      created = await transport.json(
        {
          method: "POST",
          path: "stacks/create/swarm/string",
          searchParams: { endpointId },
          json: payload,
          // 2.20–2.39 answer only when the docker CLI is done; 2.40+ answer at once.
          timeoutMs: family === "sync" ? deployTimeoutMs : timeoutMs,
          idempotent: false,
          cli: "deploy",
          subject,
        },
        toStack,
      );
    } catch (error) {
      if (!isPortainerError(error)) throw error;
      if (error.code === "CONFLICT") {
        const existing = await findStackByName(input.name);
        if (!existing) {
          throw new PortainerError({
            code: "CONFLICT",
            reason: "NAME_TAKEN",
            method: error.method,
            path: error.path,
            status: error.status,
            portainerMessage: error.portainerMessage,
            details: error.details,
            message:
              `The name ${input.name} is taken on environment ${endpointId}, but Portainer lists no stack of that name ` +
              "on this Swarm: services or containers were probably deployed outside Portainer. " +
              `Remove them (docker stack rm ${input.name}) or pick another name.`,
          });
        }
        logger?.info({ stack: input.name, stackId: existing.id }, "Portainer stack already exists; adopting it");
        created = existing;
        adopted = true;
      } else if (outcomeUnknown(error)) {
        logger?.warn(
          { stack: input.name, code: error.code, reason: error.reason },
          "Portainer stack create ended without an answer; waiting for the stack to appear",
        );
        const appeared = await waitForStackToAppear(input.name, Date.now() + deployTimeoutMs);
        if (!appeared) {
          throw new PortainerError({
            code: error.code,
            reason: error.reason,
            method: error.method,
            path: error.path,
            status: error.status,
            retryable: true,
            cause: error,
            message:
              `${error.message} No stack named ${input.name} appeared within ${deployTimeoutMs} ms afterwards. ` +
              `Portainer may still be deploying it: look for it in Portainer before creating it again.`,
          });
        }
        logger?.info({ stack: input.name, stackId: appeared.id }, "Portainer stack appeared after an unanswered create; adopting it");
        created = appeared;
        adopted = true;
      } else {
        throw error;
      }
    }
    if (created.name !== input.name || created.endpointId !== endpointId) {
      throw transport.invalid(
        { method: "POST", path: "stacks/create/swarm/string" },
        200,
        `the stack came back as ${JSON.stringify(created.name)} on environment ${created.endpointId}`,
      );
    }
    return { stack: await confirm(created.id, subject), adopted };
  }

  async function updateStack(id: number, input: UpdateStackInput): Promise<PortainerStack> {
    const family = await getDeployFamily();
    const subject = `stack ${id}`;
    const payload: WireUpdateSwarmStackPayload = {
      StackFileContent: input.stackFileContent,
      Env: pairs(input.env),
      Prune: input.prune,
      ...(family === "sync" ? { PullImage: input.pullImage } : { RepullImageAndRedeploy: input.pullImage }),
    };
    const spec: CallSpec = {
      method: "PUT",
      path: `stacks/${id}`,
      searchParams: { endpointId },
      json: payload,
      timeoutMs: family === "sync" ? deployTimeoutMs : timeoutMs,
      idempotent: false,
      cli: "deploy",
      subject,
    };
    try {
      await transport.json(spec, toStack);
    } catch (error) {
      // Portainer did not apply the update because another deploy runs: wait for it, then send
      // the update once more (not a blind retry: Portainer said it did nothing).
      if (!isPortainerError(error, "CONFLICT") || error.reason !== "DEPLOY_IN_PROGRESS") throw error;
      logger?.info({ stackId: id }, "Portainer stack is deploying; waiting before updating it");
      await settle(id, subject, Date.now() + deployTimeoutMs);
      await transport.json(spec, toStack);
    }
    return confirm(id, subject);
  }

  /** `POST /api/stacks/{id}/start|stop`: runs the docker CLI on Portainer's side, never retried. */
  function postStackAction(id: number, action: "start" | "stop"): Promise<PortainerStack> {
    return transport.json(
      {
        method: "POST",
        path: `stacks/${id}/${action}`,
        searchParams: { endpointId },
        timeoutMs: deployTimeoutMs,
        idempotent: false,
        cli: action === "start" ? "deploy" : "remove",
        subject: `stack ${id}`,
      },
      toStack,
    );
  }

  async function startStack(id: number): Promise<PortainerStack> {
    await getDeployFamily();
    await postStackAction(id, "start");
    return confirm(id, `stack ${id}`);
  }

  async function stopStack(id: number): Promise<PortainerStack> {
    await getDeployFamily();
    return postStackAction(id, "stop");
  }

  async function deleteStack(id: number): Promise<void> {
    await getDeployFamily();
    await transport.call({
      method: "DELETE",
      path: `stacks/${id}`,
      // Without endpointId even an admin gets 404 (portainer-api.md §6.6).
      searchParams: { endpointId },
      timeoutMs: deployTimeoutMs,
      idempotent: false,
      cli: "remove",
      subject: `stack ${id}`,
    });
  }

  function createObject(kind: "config" | "secret", input: CreateSwarmObjectInput): Promise<string> {
    const body: WireCreateSwarmObject = {
      Name: input.name,
      Labels: { ...(input.labels ?? {}) },
      Data: (typeof input.data === "string" ? Buffer.from(input.data, "utf8") : input.data).toString("base64"),
    };
    return transport.json(
      { method: "POST", path: docker(`${kind}s/create`), json: body, timeoutMs, idempotent: false, subject: `${kind} "${input.name}"` },
      toId,
    );
  }

  function listObjects<T extends { name: string }>(
    kind: "config" | "secret",
    filter: ObjectFilter | undefined,
    map: (body: unknown) => T,
  ): Promise<T[]> {
    const names = filter?.names ?? [];
    const filters = dockerFilters({ label: filter?.labels ?? [], name: names });
    return transport
      .json(read(docker(`${kind}s`), { searchParams: { filters } }), (body) => array(body, `${kind} list`).map(map))
      // Docker's `name` filter also matches longer names; keep exact matches only.
      .then((list) => (names.length === 0 ? list : list.filter((o) => names.includes(o.name))));
  }

  async function deleteObject(kind: "config" | "secret", ref: string): Promise<void> {
    await transport.call({
      method: "DELETE",
      path: docker(`${kind}s/${encodeURIComponent(ref)}`),
      timeoutMs,
      idempotent: false,
      subject: `${kind} "${ref}"`,
    });
  }

  return {
    endpointId,
    getSystemStatus() {
      return cacheStatus(fetchSystemStatus());
    },
    getDeployFamily,
    getEndpoint() {
      return transport.json(read(`endpoints/${endpointId}`, { subject: `environment ${endpointId}` }), toEndpoint);
    },
    getSwarm,
    listNodes() {
      return transport.json(read(docker("nodes")), (body) => array(body, "node list").map(toNode));
    },
    getNetwork(nameOrId) {
      return orNull(
        transport.json(read(docker(`networks/${encodeURIComponent(nameOrId)}`), { subject: `network "${nameOrId}"` }), toNetwork),
      );
    },

    listStacks,
    findStackByName,
    getStack,
    async getStackFile(id) {
      return orNull(
        transport.json(read(`stacks/${id}/file`, { subject: `stack ${id}` }), (body) => {
          const file = body as Partial<WireStackFile> | null;
          if (!file || typeof file.StackFileContent !== "string") throw new ShapeError("StackFileContent is missing");
          return file.StackFileContent;
        }),
      );
    },
    createSwarmStackFromString,
    updateStack,
    startStack,
    stopStack,
    deleteStack,
    waitForStackDeploy(id) {
      return confirm(id, `stack ${id}`);
    },

    async listServices(filter) {
      return transport.json(
        read(docker("services"), { searchParams: { filters: dockerFilters({ label: labelsOf(filter) }), status: true } }),
        (body) => array(body, "service list").map(toService),
      );
    },
    async listTasks(filter, taskOptions) {
      const filters = dockerFilters({
        label: labelsOf(filter),
        "desired-state": taskOptions?.desiredState ? [taskOptions.desiredState] : [],
      });
      return transport.json(read(docker("tasks"), { searchParams: { filters } }), (body) => array(body, "task list").map(toTask));
    },
    async getServiceLogs(service, logOptions = {}) {
      const timestamps = logOptions.timestamps ?? true;
      const tail = logOptions.tail ?? 200;
      if (!Number.isInteger(tail) || tail < 0) {
        throw new PortainerError({ code: "BAD_REQUEST", message: `getServiceLogs: tail must be a non-negative integer, not ${tail}.` });
      }
      const searchParams: Record<string, string | number | boolean> = {
        stdout: logOptions.stdout ?? true,
        stderr: logOptions.stderr ?? true,
        timestamps,
        tail,
      };
      if (logOptions.since) searchParams.since = Math.floor(logOptions.since.getTime() / 1000);
      const response = await transport.call(
        read(docker(`services/${encodeURIComponent(service)}/logs`), { searchParams, subject: `service "${service}"` }),
      );
      return decodeDockerLogs(response.body, { contentType: response.contentType, timestamps });
    },

    createConfig(input) {
      return createObject("config", input);
    },
    getConfig(ref) {
      return orNull(transport.json(read(docker(`configs/${encodeURIComponent(ref)}`), { subject: `config "${ref}"` }), toConfig));
    },
    listConfigs(filter) {
      return listObjects("config", filter, toConfig);
    },
    deleteConfig(ref) {
      return deleteObject("config", ref);
    },
    createSecret(input) {
      return createObject("secret", input);
    },
    getSecret(ref) {
      return orNull(transport.json(read(docker(`secrets/${encodeURIComponent(ref)}`), { subject: `secret "${ref}"` }), toSecret));
    },
    listSecrets(filter) {
      return listObjects("secret", filter, toSecret);
    },
    deleteSecret(ref) {
      return deleteObject("secret", ref);
    },

    async listVolumes(filter) {
      const searchParams = filter ? { filters: dockerFilters({ label: labelsOf(filter) }) } : undefined;
      return transport.json(read(docker("volumes"), searchParams ? { searchParams } : {}), toVolumeList);
    },
    async deleteVolume(name, volumeOptions = {}) {
      await transport.call({
        method: "DELETE",
        path: docker(`volumes/${encodeURIComponent(name)}`),
        ...(volumeOptions.force ? { searchParams: { force: true } } : {}),
        // The Portainer agent routes node-local calls to the node named here.
        ...(volumeOptions.node ? { headers: { "X-PortainerAgent-Target": volumeOptions.node } } : {}),
        timeoutMs,
        idempotent: false,
        subject: `volume "${name}"`,
      });
    },
  };
}
