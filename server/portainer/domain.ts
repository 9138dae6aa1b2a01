/**
 * The client's own types, in camelCase: what callers of `server/portainer` see. Wire types in
 * Portainer's casing stay in `types.ts`.
 */

/**
 * How a Portainer release deploys stacks: `sync` (2.20–2.39) answers create/update once the docker
 * CLI has finished; `async` (2.40 and later) answers at once with a "deploying" stack that must be
 * polled, and records failures on the stack.
 */
export type DeployFamily = "sync" | "async";

/** `GET /api/system/status`, plus what the client derives from the version. */
export interface PortainerSystemStatus {
  /** The version Portainer reports, e.g. `2.23.0`. */
  version: string;
  instanceId: string | null;
  /** The deploy behaviour of this version; `null` when the version is older than supported. */
  family: DeployFamily | null;
  /** Whether the client supports this version (2.20 or later). */
  supported: boolean;
}

/** A Portainer environment (endpoint). */
export interface PortainerEndpoint {
  id: number;
  name: string;
  /** Portainer's endpoint type: 1 Docker API/socket, 2 Agent, 4 Edge agent, 5–7 Kubernetes. */
  type: number;
  url: string;
  /** Portainer's last snapshot found the engine reachable (Status 1); may be minutes old. */
  up: boolean;
  /** The last snapshot found a Swarm manager; `null` when there is no snapshot yet. */
  swarmManager: boolean | null;
  dockerVersion: string | null;
  nodeCount: number | null;
  snapshotAt: Date | null;
}

/** The Swarm behind the endpoint. */
export interface SwarmInfo {
  /** The cluster ID; Portainer files Swarm stacks under it. */
  id: string;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** A Swarm node, with what placement needs. */
export interface SwarmNode {
  id: string;
  hostname: string;
  role: "manager" | "worker" | "unknown";
  /** `active` nodes take new tasks; `pause` and `drain` do not. */
  availability: "active" | "pause" | "drain" | "unknown";
  state: "ready" | "down" | "unknown" | "disconnected";
  address: string | null;
  labels: Record<string, string>;
  leader: boolean;
  /** Total CPU in billionths of a CPU (Docker's NanoCPUs); 0 when unknown. */
  nanoCpus: number;
  /** Total memory in bytes; 0 when unknown. */
  memoryBytes: number;
  engineVersion: string | null;
}

/** A Docker network. */
export interface DockerNetwork {
  id: string;
  name: string;
  driver: string;
  scope: string;
  attachable: boolean;
  internal: boolean;
  ingress: boolean;
  /** IPAM subnets, e.g. `["10.0.1.0/24"]`. */
  subnets: string[];
  labels: Record<string, string>;
  /** An overlay network of swarm scope: what `docker stack deploy` accepts as an external network. */
  swarmOverlay: boolean;
}

/** Status of a Portainer stack, read defensively from the numeric Status. */
export type StackStatus = "active" | "inactive" | "deploying" | "error" | "unknown";

/** One `${VAR}` substitution value of a stack. */
export interface StackEnvVar {
  name: string;
  value: string;
}

/** A Portainer Swarm stack. */
export interface PortainerStack {
  id: number;
  /** The normalized name, which is also the `com.docker.stack.namespace` of its objects. */
  name: string;
  endpointId: number;
  swarmId: string;
  status: StackStatus;
  /** Portainer's numeric Status, for logs when `status` is `unknown`. */
  statusCode: number;
  env: StackEnvVar[];
  createdAt: Date | null;
  createdBy: string;
  updatedAt: Date | null;
  updatedBy: string;
  /** The last deploy error Portainer recorded on the stack (2.40+), else `null`. */
  deploymentError: string | null;
}

/** Result of {@link PortainerClient.createSwarmStackFromString}. */
export interface CreateStackResult {
  /** The stack, read back after the deploy settled. */
  stack: PortainerStack;
  /**
   * True when the client did not create the stack in this call but found it by name: after a
   * 409, or after a timeout or dropped connection during the create. The stack's file may differ
   * from the one submitted; update it when that matters.
   */
  adopted: boolean;
}

/** Service modes of Swarm. */
export type ServiceMode = "replicated" | "global" | "replicated-job" | "global-job" | "unknown";

/** A Swarm service. */
export interface SwarmService {
  id: string;
  /** Full name, `<stack>_<service>` for stack services. */
  name: string;
  /** `com.docker.stack.namespace`, or `null` for services outside a stack. */
  stack: string | null;
  labels: Record<string, string>;
  image: string;
  mode: ServiceMode;
  /** Replicas (replicated) or total completions (replicated-job); `null` for global modes. */
  replicas: number | null;
  /** Task counts from Docker's `ServiceStatus`. */
  runningTasks: number;
  desiredTasks: number;
  completedTasks: number;
  createdAt: Date | null;
  updatedAt: Date | null;
  /** State and message of the last rolling update, when one ran. */
  updateState: string | null;
  updateMessage: string | null;
}

/** A Swarm task (one container attempt of a service). */
export interface SwarmTask {
  id: string;
  serviceId: string;
  nodeId: string | null;
  slot: number | null;
  /** `new` … `running`, `complete`, `failed`, `rejected`, `shutdown`, … */
  state: string;
  desiredState: string;
  message: string;
  /** Swarm's error: `task: non-zero exit (1)`, `No such image: …`, `no suitable node (…)`. */
  error: string | null;
  /** Time of the last state change. */
  timestamp: Date | null;
  containerId: string | null;
  exitCode: number | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** One line of a service log. */
export interface ServiceLogLine {
  stream: "stdout" | "stderr";
  /** Docker's RFC 3339 timestamp with nanoseconds, as written; `null` when not requested or absent. */
  timestamp: string | null;
  /** The line without its timestamp and line break. */
  text: string;
}

/** A Swarm config; `data` is its content decoded as UTF-8. */
export interface DockerConfig {
  id: string;
  name: string;
  labels: Record<string, string>;
  data: string;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** A Swarm secret; Docker never returns its content. */
export interface DockerSecret {
  id: string;
  name: string;
  labels: Record<string, string>;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** A Docker volume. */
export interface DockerVolume {
  name: string;
  driver: string;
  scope: string;
  /** `com.docker.stack.namespace`, or `null`. */
  stack: string | null;
  labels: Record<string, string>;
  /** The node holding the volume when Portainer's agent says so, else `null`. */
  node: string | null;
  createdAt: Date | null;
}
