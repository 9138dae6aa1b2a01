/**
 * Wire → domain conversion. Every field is read defensively: a missing optional field gets a
 * neutral value, a missing or mistyped required one throws {@link ShapeError}, which the client
 * turns into an `INVALID_RESPONSE` PortainerError naming the call.
 */
import type {
  DockerConfig,
  DockerNetwork,
  DockerSecret,
  DockerVolume,
  PortainerEndpoint,
  PortainerStack,
  ServiceMode,
  StackStatus,
  SwarmInfo,
  SwarmNode,
  SwarmService,
  SwarmTask,
} from "./domain";
import type {
  WireDeploymentStatus,
  WireEndpoint,
  WireNetwork,
  WireNode,
  WireService,
  WireStack,
  WireSwarm,
  WireSwarmObject,
  WireSystemStatus,
  WireTask,
  WireVolume,
  WireVolumeList,
} from "./types";

/** The label `docker stack deploy` puts on every object of a stack. */
export const STACK_NAMESPACE_LABEL = "com.docker.stack.namespace";

/** A body that does not have the shape the client relies on. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

type Json = Record<string, unknown>;

function object(value: unknown, what: string): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ShapeError(`${what} is not an object`);
  return value as Json;
}

/** A JSON array, or a ShapeError. */
export function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${what} is not an array`);
  return value;
}

function str(obj: Json, key: string, what: string): string {
  const value = obj[key];
  if (typeof value !== "string") throw new ShapeError(`${what}.${key} is missing or not a string`);
  return value;
}

function int(obj: Json, key: string, what: string): number {
  const value = obj[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ShapeError(`${what}.${key} is missing or not a number`);
  return value;
}

const optStr = (value: unknown): string | null => (typeof value === "string" ? value : null);
const optNum = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);
const optObj = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};

function labels(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(optObj(value))) if (typeof v === "string") out[key] = v;
  return out;
}

/** An RFC 3339 string (nanoseconds allowed) as a Date, or `null`; Go's zero time is `null` too. */
function isoDate(value: unknown): Date | null {
  if (typeof value !== "string" || value === "" || value.startsWith("0001-01-01")) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Unix seconds as a Date; 0 (never) is `null`. */
function unixDate(value: unknown): Date | null {
  return typeof value === "number" && value > 0 ? new Date(value * 1000) : null;
}

/** `GET /api/system/status`. */
export function toSystemStatus(body: unknown): { version: string; instanceId: string | null } {
  const obj = object(body, "status") as Partial<WireSystemStatus> & Json;
  return { version: str(obj, "Version", "status"), instanceId: optStr(obj.InstanceID) };
}

/**
 * Stack Status numbers: 1 and 2 are documented; 3 (deploying) and 4 (error) come from the
 * asynchronous releases and were seen only in third-party code, so anything else is `unknown`
 * and the deploy history decides where it can.
 */
export function stackStatusOf(code: number, history: WireDeploymentStatus[]): StackStatus {
  switch (code) {
    case 1:
      return "active";
    case 2:
      return "inactive";
    case 3:
      return "deploying";
    case 4:
      return "error";
    default: {
      const last = history[history.length - 1];
      return last?.Message ? "error" : "unknown";
    }
  }
}

function deploymentHistory(value: unknown): WireDeploymentStatus[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((entry) => optObj(entry))
    .filter((entry) => typeof entry.Status === "number")
    .map((entry) => ({
      Status: entry.Status as number,
      Time: optNum(entry.Time) ?? 0,
      ...(typeof entry.Message === "string" ? { Message: entry.Message } : {}),
    }));
}

/** `portainer.Stack`. */
export function toStack(body: unknown): PortainerStack {
  const obj = object(body, "stack") as Partial<WireStack> & Json;
  const history = deploymentHistory(obj.DeploymentStatus);
  const statusCode = int(obj, "Status", "stack");
  const status = stackStatusOf(statusCode, history);
  const lastError = [...history].reverse().find((entry) => entry.Message);
  const env = Array.isArray(obj.Env)
    ? obj.Env.map((pair) => optObj(pair)).map((pair) => ({ name: optStr(pair.name) ?? "", value: optStr(pair.value) ?? "" }))
    : [];
  return {
    id: int(obj, "Id", "stack"),
    name: str(obj, "Name", "stack"),
    endpointId: int(obj, "EndpointId", "stack"),
    swarmId: optStr(obj.SwarmId) ?? "",
    status,
    statusCode,
    env,
    createdAt: unixDate(obj.CreationDate),
    createdBy: optStr(obj.CreatedBy) ?? "",
    updatedAt: unixDate(obj.UpdateDate),
    updatedBy: optStr(obj.UpdatedBy) ?? "",
    // Only an error state reports its message: an old failure stays in the history after a
    // successful redeploy on some releases.
    deploymentError: status === "error" ? (lastError?.Message ?? null) : null,
  };
}

/** `portainer.Endpoint`. */
export function toEndpoint(body: unknown): PortainerEndpoint {
  const obj = object(body, "endpoint") as Partial<WireEndpoint> & Json;
  const snapshot = Array.isArray(obj.Snapshots) && obj.Snapshots.length > 0 ? optObj(obj.Snapshots[0]) : null;
  return {
    id: int(obj, "Id", "endpoint"),
    name: optStr(obj.Name) ?? "",
    type: optNum(obj.Type) ?? 0,
    url: optStr(obj.URL) ?? "",
    up: obj.Status === 1,
    swarmManager: snapshot && typeof snapshot.Swarm === "boolean" ? snapshot.Swarm : null,
    dockerVersion: snapshot ? optStr(snapshot.DockerVersion) : null,
    nodeCount: snapshot ? optNum(snapshot.NodeCount) : null,
    snapshotAt: snapshot ? unixDate(snapshot.Time) : null,
  };
}

/** Docker `Swarm`. */
export function toSwarm(body: unknown): SwarmInfo {
  const obj = object(body, "swarm") as Partial<WireSwarm> & Json;
  const id = str(obj, "ID", "swarm");
  if (id === "") throw new ShapeError("swarm.ID is empty");
  return { id, createdAt: isoDate(obj.CreatedAt), updatedAt: isoDate(obj.UpdatedAt) };
}

const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

/** Docker `Node`. */
export function toNode(body: unknown): SwarmNode {
  const obj = object(body, "node") as Partial<WireNode> & Json;
  const spec = optObj(obj.Spec);
  const description = optObj(obj.Description);
  const resources = optObj(description.Resources);
  const status = optObj(obj.Status);
  return {
    id: str(obj, "ID", "node"),
    hostname: optStr(description.Hostname) ?? "",
    role: oneOf(spec.Role, ["manager", "worker"] as const, "unknown"),
    availability: oneOf(spec.Availability, ["active", "pause", "drain"] as const, "unknown"),
    state: oneOf(status.State, ["ready", "down", "disconnected"] as const, "unknown"),
    address: optStr(status.Addr),
    labels: labels(spec.Labels),
    leader: optObj(obj.ManagerStatus).Leader === true,
    nanoCpus: optNum(resources.NanoCPUs) ?? 0,
    memoryBytes: optNum(resources.MemoryBytes) ?? 0,
    engineVersion: optStr(optObj(description.Engine).EngineVersion),
  };
}

/** Docker `Network`. */
export function toNetwork(body: unknown): DockerNetwork {
  const obj = object(body, "network") as Partial<WireNetwork> & Json;
  const driver = str(obj, "Driver", "network");
  const scope = str(obj, "Scope", "network");
  const ipam = optObj(obj.IPAM);
  const subnets = (Array.isArray(ipam.Config) ? ipam.Config : [])
    .map((entry) => optStr(optObj(entry).Subnet))
    .filter((subnet): subnet is string => subnet !== null && subnet !== "");
  return {
    id: str(obj, "Id", "network"),
    name: str(obj, "Name", "network"),
    driver,
    scope,
    attachable: obj.Attachable === true,
    internal: obj.Internal === true,
    ingress: obj.Ingress === true,
    subnets,
    labels: labels(obj.Labels),
    swarmOverlay: driver === "overlay" && scope === "swarm",
  };
}

function serviceMode(mode: Json): { mode: ServiceMode; replicas: number | null } {
  if ("Replicated" in mode) return { mode: "replicated", replicas: optNum(optObj(mode.Replicated).Replicas) ?? 1 };
  if ("Global" in mode) return { mode: "global", replicas: null };
  if ("ReplicatedJob" in mode) {
    return { mode: "replicated-job", replicas: optNum(optObj(mode.ReplicatedJob).TotalCompletions) ?? 1 };
  }
  if ("GlobalJob" in mode) return { mode: "global-job", replicas: null };
  return { mode: "unknown", replicas: null };
}

/** Docker `Service`. */
export function toService(body: unknown): SwarmService {
  const obj = object(body, "service") as Partial<WireService> & Json;
  const spec = object(obj.Spec, "service.Spec");
  const serviceLabels = labels(spec.Labels);
  const counts = optObj(obj.ServiceStatus);
  const update = optObj(obj.UpdateStatus);
  const container = optObj(optObj(spec.TaskTemplate).ContainerSpec);
  return {
    id: str(obj, "ID", "service"),
    name: str(spec, "Name", "service.Spec"),
    stack: serviceLabels[STACK_NAMESPACE_LABEL] ?? null,
    labels: serviceLabels,
    image: optStr(container.Image) ?? "",
    ...serviceMode(optObj(spec.Mode)),
    runningTasks: optNum(counts.RunningTasks) ?? 0,
    desiredTasks: optNum(counts.DesiredTasks) ?? 0,
    completedTasks: optNum(counts.CompletedTasks) ?? 0,
    createdAt: isoDate(obj.CreatedAt),
    updatedAt: isoDate(obj.UpdatedAt),
    updateState: optStr(update.State),
    updateMessage: optStr(update.Message),
  };
}

/** Docker `Task`. */
export function toTask(body: unknown): SwarmTask {
  const obj = object(body, "task") as Partial<WireTask> & Json;
  const status = object(obj.Status, "task.Status");
  const container = optObj(status.ContainerStatus);
  const error = optStr(status.Err);
  return {
    id: str(obj, "ID", "task"),
    serviceId: str(obj, "ServiceID", "task"),
    nodeId: optStr(obj.NodeID) || null,
    slot: optNum(obj.Slot),
    state: str(status, "State", "task.Status"),
    desiredState: optStr(obj.DesiredState) ?? "",
    message: optStr(status.Message) ?? "",
    error: error === "" ? null : error,
    timestamp: isoDate(status.Timestamp),
    containerId: optStr(container.ContainerID) || null,
    exitCode: optNum(container.ExitCode),
    createdAt: isoDate(obj.CreatedAt),
    updatedAt: isoDate(obj.UpdatedAt),
  };
}

function swarmObjectBase(body: unknown, what: string) {
  const obj = object(body, what) as Partial<WireSwarmObject> & Json;
  const spec = object(obj.Spec, `${what}.Spec`);
  return {
    spec,
    base: {
      id: str(obj, "ID", what),
      name: str(spec, "Name", `${what}.Spec`),
      labels: labels(spec.Labels),
      createdAt: isoDate(obj.CreatedAt),
      updatedAt: isoDate(obj.UpdatedAt),
    },
  };
}

/** Docker `Config`; its base64 data decoded as UTF-8. */
export function toConfig(body: unknown): DockerConfig {
  const { spec, base } = swarmObjectBase(body, "config");
  const data = optStr(spec.Data) ?? "";
  return { ...base, data: Buffer.from(data, "base64").toString("utf8") };
}

/** Docker `Secret` (never with data). */
export function toSecret(body: unknown): DockerSecret {
  return swarmObjectBase(body, "secret").base;
}

/** Docker's `{ID}` answer to a create. */
export function toId(body: unknown): string {
  const id = str(object(body, "create response"), "ID", "create response");
  if (id === "") throw new ShapeError("create response.ID is empty");
  return id;
}

/** Docker `Volume`. */
export function toVolume(body: unknown): DockerVolume {
  const obj = object(body, "volume") as Partial<WireVolume> & Json;
  const volumeLabels = labels(obj.Labels);
  return {
    name: str(obj, "Name", "volume"),
    driver: optStr(obj.Driver) ?? "",
    scope: optStr(obj.Scope) ?? "local",
    stack: volumeLabels[STACK_NAMESPACE_LABEL] ?? null,
    labels: volumeLabels,
    node: optStr(optObj(optObj(obj.Portainer).Agent).NodeName),
    createdAt: isoDate(obj.CreatedAt),
  };
}

/** `GET …/docker/volumes`. */
export function toVolumeList(body: unknown): DockerVolume[] {
  const obj = object(body, "volume list") as Partial<WireVolumeList> & Json;
  if (obj.Volumes === null || obj.Volumes === undefined) return [];
  return array(obj.Volumes, "volume list.Volumes").map(toVolume);
}
