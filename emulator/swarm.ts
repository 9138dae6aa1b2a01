/**
 * In-memory Docker Swarm of one Portainer endpoint: nodes, services, tasks, networks, volumes,
 * configs, secrets and service logs. Specs use the Docker Engine API's field names so the proxy
 * routes can serialize them without translation.
 */
import type { EmulatorClock } from "./clock";
import { DockerApiError } from "./errors";
import type { IdGenerator } from "./ids";

/** Swarm task states in swarmkit's order; a task only ever moves forward in this list. */
export const TASK_STATES = [
  "new",
  "allocated",
  "pending",
  "assigned",
  "accepted",
  "preparing",
  "ready",
  "starting",
  "running",
  "complete",
  "shutdown",
  "failed",
  "rejected",
  "remove",
  "orphaned",
] as const;

/** One of {@link TASK_STATES}. */
export type TaskState = (typeof TASK_STATES)[number];

/** Position of a state in swarmkit's order. */
export const stateRank = (state: TaskState): number => TASK_STATES.indexOf(state);

/** States after `running`: the task will never run again. */
export const isTerminal = (state: TaskState): boolean => stateRank(state) > stateRank("running");

/** `mount.Mount` of a container spec. */
export interface MountSpec {
  Type: "volume" | "bind" | "tmpfs";
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
  };
}

/** Where a config or secret appears in the container. */
export interface FileTarget {
  Name: string;
  UID: string;
  GID: string;
  Mode: number;
}

/** `swarm.SecretReference`. */
export interface SecretReference {
  File: FileTarget;
  SecretID: string;
  SecretName: string;
}

/** `swarm.ConfigReference`. */
export interface ConfigReference {
  File: FileTarget;
  ConfigID: string;
  ConfigName: string;
}

/** CPU (nano-CPUs) and memory (bytes) of a limit or reservation. */
export interface ResourceSpec {
  NanoCPUs?: number;
  MemoryBytes?: number;
}

/** `swarm.ContainerSpec` (the fields `docker stack deploy` sets). */
export interface ContainerSpec {
  Image: string;
  Labels?: Record<string, string>;
  Command?: string[];
  Args?: string[];
  Hostname?: string;
  Env?: string[];
  Dir?: string;
  User?: string;
  Mounts?: MountSpec[];
  StopGracePeriod?: number;
  StopSignal?: string;
  TTY?: boolean;
  OpenStdin?: boolean;
  ReadOnly?: boolean;
  Init?: boolean;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  Secrets?: SecretReference[];
  Configs?: ConfigReference[];
  Isolation: "default";
}

/** `swarm.RestartPolicy`; durations in nanoseconds. */
export interface RestartPolicy {
  Condition: "none" | "on-failure" | "any";
  Delay?: number;
  MaxAttempts?: number;
  Window?: number;
}

/** `swarm.TaskSpec`: what every task of a service runs. */
export interface TaskTemplate {
  ContainerSpec: ContainerSpec;
  Resources?: { Limits?: ResourceSpec; Reservations?: ResourceSpec };
  RestartPolicy?: RestartPolicy;
  Placement?: { Constraints?: string[]; Preferences?: Array<{ Spread: { SpreadDescriptor: string } }>; MaxReplicas?: number };
  Networks?: Array<{ Target: string; Aliases?: string[] }>;
  LogDriver?: { Name: string; Options?: Record<string, string> };
  ForceUpdate: number;
  Runtime: "container";
}

/** `swarm.ServiceMode`: exactly one of the four modes. */
export type ServiceMode =
  | { Replicated: { Replicas: number } }
  | { Global: Record<string, never> }
  | { ReplicatedJob: { MaxConcurrent: number; TotalCompletions: number } }
  | { GlobalJob: Record<string, never> };

/** `swarm.UpdateConfig`; durations in nanoseconds. */
export interface UpdateConfigSpec {
  Parallelism: number;
  Delay?: number;
  FailureAction?: "pause" | "continue" | "rollback";
  Monitor?: number;
  MaxFailureRatio: number;
  Order?: "stop-first" | "start-first";
}

/** `swarm.ServiceSpec`. */
export interface ServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: TaskTemplate;
  Mode: ServiceMode;
  UpdateConfig?: UpdateConfigSpec;
  RollbackConfig?: UpdateConfigSpec;
  EndpointSpec: {
    Mode: "vip" | "dnsrr";
    Ports?: Array<{ Protocol: string; TargetPort: number; PublishedPort?: number; PublishMode: string }>;
  };
}

/** A swarm node. */
export interface NodeModel {
  id: string;
  hostname: string;
  role: "manager" | "worker";
  availability: "active" | "pause" | "drain";
  state: "ready" | "down" | "unknown" | "disconnected";
  addr: string;
  labels: Record<string, string>;
  nanoCpus: number;
  memoryBytes: number;
  leader: boolean;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** A Docker network (swarm overlay or node-local). */
export interface NetworkModel {
  id: string;
  name: string;
  driver: string;
  scope: "swarm" | "local" | "global";
  attachable: boolean;
  internal: boolean;
  ingress: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  subnet?: string;
  gateway?: string;
  createdAt: number;
  /** Built-in networks (`bridge`, `host`, `none`, …) are not user defined. */
  builtin: boolean;
  /** Next host number handed out as a virtual IP on this network. */
  nextHost: number;
}

/** A node-local volume; created when a task using it is prepared. */
export interface VolumeModel {
  name: string;
  nodeId: string;
  driver: string;
  labels: Record<string, string>;
  options: Record<string, string> | null;
  createdAt: number;
}

/** A swarm config or secret. */
export interface SwarmObject {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** Base64 payload; never returned for secrets. */
  data: string;
  createdAt: number;
  updatedAt: number;
  version: number;
}

/** `swarm.UpdateStatus` of a rolling update. */
export interface UpdateStatus {
  State: "updating" | "paused" | "completed" | "rollback_started" | "rollback_completed";
  StartedAt?: string;
  CompletedAt?: string;
  Message: string;
}

/** A swarm service with its orchestration bookkeeping. */
export interface ServiceModel {
  id: string;
  spec: ServiceSpec;
  previousSpec?: ServiceSpec;
  createdAt: number;
  updatedAt: number;
  version: number;
  /** Bumped on every job (re)run; tasks of older iterations no longer count. */
  jobIteration: number;
  jobLastExecution?: number;
  updateStatus?: UpdateStatus;
  /** Task-spec hash of the latest rollout, to tell updated tasks from old ones. */
  specHash: string;
  virtualIps: Array<{ NetworkID: string; Addr: string }>;
}

/** Plan attached to a task when a fault decided its fate at creation. */
export interface TaskFaultPlan {
  kind: "image-pull-failure" | "crash-loop";
  exitCode: number;
  logLines: Array<{ stream: "stdout" | "stderr"; text: string }>;
}

/** A swarm task: one run of a service slot (or of a global service on one node). */
export interface TaskModel {
  id: string;
  serviceId: string;
  /** Service name at creation; tasks outlive their service while they shut down. */
  serviceName: string;
  serviceLabels: Record<string, string>;
  slot?: number;
  nodeId?: string;
  createdAt: number;
  updatedAt: number;
  version: number;
  state: TaskState;
  message: string;
  err?: string;
  stateAt: number;
  desiredState: "running" | "shutdown" | "remove" | "complete" | "ready";
  containerId?: string;
  pid?: number;
  exitCode?: number;
  spec: TaskTemplate;
  specHash: string;
  jobIteration?: number;
  /** Set once an `unschedulable` fault has claimed this task, so retries don't consume it again. */
  heldByUnschedulable?: string;
  /** Image-pull or crash plan chosen when the fault matched. */
  fault?: TaskFaultPlan;
  /** Old task of a start-first update, retired once this task runs. */
  replaces?: string;
  /** Create the slot's next task once this one is shut down (stop-first update). */
  replaceOnShutdown?: boolean;
  addresses: Array<{ networkId: string; addr: string }>;
}

/** A standalone container labelled as a Compose project (only its labels matter here). */
export interface ComposeContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: "running" | "exited";
  createdAt: number;
}

/** One line of a service log. */
export interface LogEntry {
  time: number;
  stream: "stdout" | "stderr";
  text: string;
  taskId?: string;
  nodeId?: string;
}

/** An open `follow=true` log stream. */
export interface LogFollower {
  push(entry: LogEntry): void;
  /** Ends the stream (service removed or emulator closing). */
  end(): void;
}

/**
 * The orchestration hooks the cluster calls when desired state changes; implemented by the task
 * engine (`tasks.ts`) so this module stays free of scheduling logic.
 */
export interface Orchestrator {
  serviceCreated(service: ServiceModel): void;
  serviceUpdated(service: ServiceModel, taskSpecChanged: boolean, previousMode: ServiceMode): void;
  serviceRemoved(service: ServiceModel): void;
  nodesChanged(): void;
}

/** Swarm manager error as the Docker daemon words it (`daemon/cluster/cluster.go`). */
export const NOT_A_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

/** Seed for a node created at start-up or through the control surface. */
export interface NodeSeed {
  hostname: string;
  role?: "manager" | "worker";
  availability?: "active" | "pause" | "drain";
  state?: "ready" | "down";
  labels?: Record<string, string>;
  /** Default 4 CPUs. */
  nanoCpus?: number;
  /** Default 8 GiB. */
  memoryBytes?: number;
}

/** Seed for a network that exists before any stack is deployed. */
export interface NetworkSeed {
  name: string;
  driver?: string;
  scope?: "swarm" | "local";
  subnet?: string;
  attachable?: boolean;
  labels?: Record<string, string>;
}

const STACK_NS = "com.docker.stack.namespace";

/** All Swarm state behind one endpoint. */
export class SwarmCluster {
  readonly swarmId: string;
  readonly createdAt: number;
  /** False when the endpoint's engine is not a swarm manager (every swarm route answers 503). */
  isManager = true;
  readonly nodes = new Map<string, NodeModel>();
  readonly services = new Map<string, ServiceModel>();
  readonly tasks = new Map<string, TaskModel>();
  readonly networks = new Map<string, NetworkModel>();
  readonly volumes: VolumeModel[] = [];
  readonly configs = new Map<string, SwarmObject>();
  readonly secrets = new Map<string, SwarmObject>();
  readonly composeContainers: ComposeContainer[] = [];
  readonly logs = new Map<string, LogEntry[]>();
  /** Log lines queued for a service name that does not exist yet. */
  readonly pendingLogs = new Map<string, LogEntry[]>();
  /** Open `follow=true` log streams, per service ID. */
  readonly logFollowers = new Map<string, Set<LogFollower>>();
  orchestrator: Orchestrator | undefined;
  private raftIndex = 10;

  constructor(
    readonly endpointId: number,
    readonly ids: IdGenerator,
    readonly clock: EmulatorClock,
  ) {
    this.swarmId = ids.swarmId();
    this.createdAt = clock.now();
  }

  /** Next raft index, used as `Version.Index` of any changed object. */
  nextVersion(): number {
    this.raftIndex += 1;
    return this.raftIndex;
  }

  /** Throws Docker's 503 when the endpoint's engine is not a swarm manager. */
  requireManager(): void {
    if (!this.isManager) throw new DockerApiError(503, NOT_A_MANAGER);
  }

  addNode(seed: NodeSeed, index: number): NodeModel {
    const now = this.clock.now();
    const node: NodeModel = {
      id: this.ids.swarmId(),
      hostname: seed.hostname,
      role: seed.role ?? (index === 0 ? "manager" : "worker"),
      availability: seed.availability ?? "active",
      state: seed.state ?? "ready",
      addr: `10.0.0.${11 + index}`,
      labels: { ...(seed.labels ?? {}) },
      nanoCpus: seed.nanoCpus ?? 4_000_000_000,
      memoryBytes: seed.memoryBytes ?? 8 * 1024 ** 3,
      leader: index === 0,
      createdAt: now,
      updatedAt: now,
      version: this.nextVersion(),
    };
    this.nodes.set(node.id, node);
    return node;
  }

  /** Adds a network the way `docker network create` would; throws Docker's 409 on a taken name. */
  addNetwork(seed: NetworkSeed, builtin = false, ingress = false): NetworkModel {
    if (this.findNetworkByName(seed.name)) {
      throw new DockerApiError(409, `network with name ${seed.name} already exists`);
    }
    const scope = seed.scope ?? (seed.driver === undefined || seed.driver === "overlay" ? "swarm" : "local");
    const driver = seed.driver ?? (scope === "swarm" ? "overlay" : "bridge");
    const subnet = seed.subnet ?? (driver === "overlay" ? this.allocateSubnet() : undefined);
    const network: NetworkModel = {
      id: scope === "swarm" ? this.ids.swarmId() : this.ids.hex64(),
      name: seed.name,
      driver,
      scope,
      attachable: seed.attachable ?? false,
      internal: false,
      ingress,
      labels: { ...(seed.labels ?? {}) },
      options:
        driver === "overlay" ? { "com.docker.network.driver.overlay.vxlanid_list": String(4096 + this.networks.size) } : {},
      subnet,
      gateway: subnet ? gatewayOf(subnet) : undefined,
      createdAt: this.clock.now(),
      builtin,
      nextHost: 2,
    };
    this.networks.set(network.id, network);
    return network;
  }

  private allocateSubnet(): string {
    const used = new Set([...this.networks.values()].map((n) => n.subnet));
    for (let third = 0; third < 256; third++) {
      const candidate = `10.0.${third}.0/24`;
      if (!used.has(candidate)) return candidate;
    }
    return "10.1.0.0/24";
  }

  /** A fresh address on an overlay network, for service VIPs and task attachments. */
  allocateAddress(network: NetworkModel): string {
    const base = (network.subnet ?? "10.0.0.0/24").split("/")[0] ?? "10.0.0.0";
    const octets = base.split(".").map(Number);
    const host = 2 + ((network.nextHost++ - 2) % 252);
    return `${octets[0]}.${octets[1]}.${octets[2]}.${host}/${(network.subnet ?? "x/24").split("/")[1]}`;
  }

  findNetworkByName(name: string): NetworkModel | undefined {
    for (const network of this.networks.values()) if (network.name === name) return network;
    return undefined;
  }

  /** Network lookup like the daemon: full ID, then exact name, then ID prefix. */
  findNetwork(ref: string): NetworkModel | undefined {
    const byId = this.networks.get(ref);
    if (byId) return byId;
    const byName = this.findNetworkByName(ref);
    if (byName) return byName;
    const byPrefix = [...this.networks.values()].filter((n) => ref.length > 0 && n.id.startsWith(ref));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  /** Service lookup like `daemon/cluster/helpers.go` `getService`; 404 `service <x> not found`. */
  getService(ref: string): ServiceModel {
    const byId = this.services.get(ref);
    if (byId) return byId;
    const byName = [...this.services.values()].filter((s) => s.spec.Name === ref);
    const matches = byName.length > 0 ? byName : [...this.services.values()].filter((s) => s.id.startsWith(ref));
    if (matches.length === 0 || ref === "") throw new DockerApiError(404, `service ${ref} not found`);
    if (matches.length > 1) throw new DockerApiError(500, `service ${ref} is ambiguous (${matches.length} matches found)`);
    return matches[0] as ServiceModel;
  }

  findServiceByName(name: string): ServiceModel | undefined {
    for (const service of this.services.values()) if (service.spec.Name === name) return service;
    return undefined;
  }

  /** Config/secret lookup by ID, exact name or ID prefix; 404 `<kind> <x> not found`. */
  getObject(kind: "config" | "secret", ref: string): SwarmObject {
    const store = kind === "config" ? this.configs : this.secrets;
    const byId = store.get(ref);
    if (byId) return byId;
    const byName = [...store.values()].filter((o) => o.name === ref);
    const matches = byName.length > 0 ? byName : [...store.values()].filter((o) => o.id.startsWith(ref));
    if (matches.length === 0 || ref === "") throw new DockerApiError(404, `${kind} ${ref} not found`);
    if (matches.length > 1) throw new DockerApiError(500, `${kind} ${ref} is ambiguous (${matches.length} matches found)`);
    return matches[0] as SwarmObject;
  }

  findObjectByName(kind: "config" | "secret", name: string): SwarmObject | undefined {
    const store = kind === "config" ? this.configs : this.secrets;
    for (const object of store.values()) if (object.name === name) return object;
    return undefined;
  }

  /** Node lookup by ID, hostname or ID prefix; 404 `node <x> not found`. */
  getNode(ref: string): NodeModel {
    const byId = this.nodes.get(ref);
    if (byId) return byId;
    const byName = [...this.nodes.values()].filter((n) => n.hostname === ref);
    const matches = byName.length > 0 ? byName : [...this.nodes.values()].filter((n) => n.id.startsWith(ref));
    if (matches.length === 0 || ref === "") throw new DockerApiError(404, `node ${ref} not found`);
    return matches[0] as NodeModel;
  }

  /** Services carrying `com.docker.stack.namespace=<namespace>`. */
  stackServices(namespace: string): ServiceModel[] {
    return [...this.services.values()].filter((s) => s.spec.Labels[STACK_NS] === namespace);
  }

  stackNetworks(namespace: string): NetworkModel[] {
    return [...this.networks.values()].filter((n) => n.labels[STACK_NS] === namespace);
  }

  stackObjects(kind: "config" | "secret", namespace: string): SwarmObject[] {
    const store = kind === "config" ? this.configs : this.secrets;
    return [...store.values()].filter((o) => o.labels[STACK_NS] === namespace);
  }

  tasksOf(serviceId: string): TaskModel[] {
    return [...this.tasks.values()].filter((t) => t.serviceId === serviceId);
  }

  /** Services referencing a config or secret (by ID), for the daemon's in-use check. */
  servicesUsing(kind: "config" | "secret", id: string): ServiceModel[] {
    return [...this.services.values()].filter((s) => {
      const refs = kind === "config" ? s.spec.TaskTemplate.ContainerSpec.Configs : s.spec.TaskTemplate.ContainerSpec.Secrets;
      return (refs ?? []).some((r) => ("ConfigID" in r ? r.ConfigID : r.SecretID) === id);
    });
  }

  /** Container IDs of existing tasks on `nodeId` that mount volume `name`. */
  containersUsingVolume(nodeId: string, name: string): string[] {
    const ids: string[] = [];
    for (const task of this.tasks.values()) {
      if (task.nodeId !== nodeId || !task.containerId) continue;
      const mounts = task.spec.ContainerSpec.Mounts ?? [];
      if (mounts.some((m) => m.Type === "volume" && m.Source === name)) ids.push(task.containerId);
    }
    return ids;
  }

  findVolume(name: string, nodeId?: string): VolumeModel | undefined {
    return this.volumes.find((v) => v.name === name && (nodeId === undefined || v.nodeId === nodeId));
  }

  /** Appends a log line to a service (or queues it for a service name not deployed yet). */
  appendLog(serviceRef: string, entry: LogEntry): void {
    const service = this.services.get(serviceRef) ?? this.findServiceByName(serviceRef);
    if (!service) {
      const queue = this.pendingLogs.get(serviceRef) ?? [];
      queue.push(entry);
      this.pendingLogs.set(serviceRef, queue);
      return;
    }
    const list = this.logs.get(service.id) ?? [];
    list.push(entry);
    this.logs.set(service.id, list);
    for (const follower of this.logFollowers.get(service.id) ?? []) follower.push(entry);
  }
}

function gatewayOf(subnet: string): string {
  const [base = "10.0.0.0"] = subnet.split("/");
  const octets = base.split(".").map(Number);
  return `${octets[0]}.${octets[1]}.${octets[2]}.${(octets[3] ?? 0) + 1}`;
}

/** Deterministic JSON (sorted keys) used to compare task templates. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The `com.docker.stack.namespace` label key. */
export const STACK_NAMESPACE_LABEL = STACK_NS;
