/**
 * Wire types: what Portainer and the Docker Engine API (through Portainer's proxy) send and accept,
 * in their own casing. They never leave `server/portainer/`; callers get the camelCase domain
 * types of `domain.ts`. Only the fields the client reads are declared, and every one is read
 * defensively (`mappers.ts`), because Portainer releases add, drop and rename fields.
 *
 * Sources: shared/reference/portainer-api.md (§1–§8) and its verification; the Docker Engine API
 * v1.46 swagger for the proxied objects.
 */

/** `GET /api/system/status` (public). */
export interface WireSystemStatus {
  /** Portainer's version, e.g. `2.23.0`. */
  Version: string;
  /** Random ID of this Portainer installation. */
  InstanceID?: string;
}

/** One `{name, value}` pair of a stack's `Env` (note the lower-case keys). */
export interface WirePair {
  /** Variable name, used for `${VAR}` substitution in the stack file. */
  name: string;
  /** Variable value. */
  value: string;
}

/** One entry of a stack's `DeploymentStatus` history (asynchronous releases, 2.40+). */
export interface WireDeploymentStatus {
  /** The stack Status this entry records (3 deploying, 1 active, 4 error; unconfirmed numbers). */
  Status: number;
  /** Unix seconds. */
  Time: number;
  /** The deploy error, on failure entries. */
  Message?: string;
}

/** `portainer.Stack` (Go field names; `Env` items are lower-case). */
export interface WireStack {
  /** Stack identifier (a database sequence: IDs can have gaps). */
  Id: number;
  /** Normalized stack name (lower-case, only `[-_a-z0-9]`). */
  Name: string;
  /** 1 Swarm, 2 Compose, 3 Kubernetes. */
  Type: number;
  /** The environment (endpoint) the stack was deployed through. */
  EndpointId: number;
  /** Swarm cluster ID given at creation; `GET /api/stacks` filters Swarm stacks by it. */
  SwarmId: string;
  /** Compose file name inside the project folder (`docker-compose.yml`). */
  EntryPoint?: string;
  /** Variables for `${VAR}` substitution; `null` when none were given. */
  Env: WirePair[] | null;
  /** 1 active, 2 inactive; 2.40+ also "deploying" and "error" (3 and 4 as far as known). */
  Status: number;
  /** Unix seconds of creation. */
  CreationDate: number;
  /** Username of the creator. */
  CreatedBy: string;
  /** Unix seconds of the last update; 0 when never updated. */
  UpdateDate: number;
  /** Username of the last updater; empty when never updated. */
  UpdatedBy: string;
  /** Deploy history, newest last (2.40+ only). */
  DeploymentStatus?: WireDeploymentStatus[] | null;
}

/** `GET /api/stacks/{id}/file`. */
export interface WireStackFile {
  /** The stored compose file. */
  StackFileContent: string;
}

/** Body of `POST /api/stacks/create/swarm/string?endpointId=N` (`swarmStackFromFileContentPayload`). */
export interface WireCreateSwarmStackPayload {
  /** Stack name; Portainer normalizes it. */
  Name: string;
  /** Swarm cluster ID (from `GET …/docker/swarm`); stored as given, never checked. */
  SwarmID: string;
  /** The compose file. */
  StackFileContent: string;
  /** Variables for `${VAR}` substitution in the file. */
  Env: WirePair[];
  /** Whether the stack comes from an app template; always false here. */
  FromAppTemplate: boolean;
}

/** Body of `PUT /api/stacks/{id}?endpointId=N` (`updateSwarmStackPayload`). */
export interface WireUpdateSwarmStackPayload {
  /** The new compose file (required, non-empty). */
  StackFileContent: string;
  /** Replaces the stored Env (omitting it clears it). */
  Env: WirePair[];
  /** `docker stack deploy --prune`: remove services no longer in the file. */
  Prune: boolean;
  /** 2.20–2.39: false adds `--resolve-image=never` (keep the digests already running). Deprecated in 2.36. */
  PullImage?: boolean;
  /** 2.36+: re-pull images and redeploy; replaces `PullImage`. */
  RepullImageAndRedeploy?: boolean;
}

/** One snapshot of an endpoint (`portainer.DockerSnapshot`), at most one per endpoint. */
export interface WireDockerSnapshot {
  /** Unix seconds of the snapshot. */
  Time?: number;
  /** Engine version. */
  DockerVersion?: string;
  /** `docker info` said `Swarm.ControlAvailable`: the engine is a Swarm manager. */
  Swarm?: boolean;
  /** Nodes in the swarm. */
  NodeCount?: number;
}

/** `portainer.Endpoint` (environment). */
export interface WireEndpoint {
  /** Environment identifier. */
  Id: number;
  /** Display name. */
  Name: string;
  /** 1 Docker API/socket, 2 Agent, 4 Edge agent, 5–7 Kubernetes. */
  Type: number;
  /** Engine or agent URL as configured in Portainer. */
  URL: string;
  /** 1 up, 2 down, as of the last snapshot (up to SnapshotInterval old). */
  Status: number;
  /** Zero or one snapshot. */
  Snapshots?: WireDockerSnapshot[] | null;
}

/** Docker `Swarm` (`GET …/docker/swarm`). */
export interface WireSwarm {
  /** Cluster ID: the value to pass as `SwarmID`. */
  ID: string;
  /** RFC 3339 creation time. */
  CreatedAt?: string;
  /** RFC 3339 time of the last change. */
  UpdatedAt?: string;
}

/** Docker `Node`. */
export interface WireNode {
  /** Node ID. */
  ID: string;
  /** RFC 3339 creation time. */
  CreatedAt?: string;
  /** Desired configuration. */
  Spec: {
    /** Node labels (placement constraints `node.labels.*`). */
    Labels?: Record<string, string> | null;
    /** `manager` or `worker`. */
    Role: string;
    /** `active`, `pause` or `drain`. */
    Availability: string;
  };
  /** What the node reported about itself. */
  Description?: {
    /** Host name (placement constraint `node.hostname`). */
    Hostname?: string;
    /** Total CPU and memory of the node. */
    Resources?: { NanoCPUs?: number; MemoryBytes?: number };
    /** Engine details. */
    Engine?: { EngineVersion?: string };
  };
  /** Current state. */
  Status: {
    /** `ready`, `down`, `unknown` or `disconnected`. */
    State: string;
    /** Node address. */
    Addr?: string;
  };
  /** Present on managers. */
  ManagerStatus?: {
    /** True on the raft leader. */
    Leader?: boolean;
    /** `reachable`, `unreachable` or `unknown`. */
    Reachability?: string;
  };
}

/** Docker `Network` (inspect and list; note `Id`, not `ID`). */
export interface WireNetwork {
  /** Network name. */
  Name: string;
  /** Network ID. */
  Id: string;
  /** `swarm`, `local` or `global`; `docker stack deploy` needs `swarm` for external networks. */
  Scope: string;
  /** `overlay`, `bridge`, `host`, `null`, … */
  Driver: string;
  /** Standalone containers may join (needed by Traefik run outside Swarm). */
  Attachable?: boolean;
  /** No outside connectivity. */
  Internal?: boolean;
  /** Swarm's routing-mesh network. */
  Ingress?: boolean;
  /** Address management. */
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> | null } | null;
  /** Network labels. */
  Labels?: Record<string, string> | null;
}

/** Docker `ServiceSpec` fields the client reads. */
export interface WireServiceSpec {
  /** Full service name, `<stack>_<service>` for stack services. */
  Name: string;
  /** Service labels, including `com.docker.stack.namespace` and the panel's own. */
  Labels?: Record<string, string> | null;
  /** What each task runs. */
  TaskTemplate?: { ContainerSpec?: { Image?: string } };
  /** `{Replicated:{Replicas}}`, `{Global:{}}`, `{ReplicatedJob:{…}}` or `{GlobalJob:{}}`. */
  Mode?: Record<string, { Replicas?: number; TotalCompletions?: number } | undefined>;
}

/** Docker `Service` (`status=true` adds `ServiceStatus`). */
export interface WireService {
  /** Service ID. */
  ID: string;
  /** RFC 3339 creation time. */
  CreatedAt?: string;
  /** RFC 3339 time of the last change. */
  UpdatedAt?: string;
  /** Desired configuration. */
  Spec: WireServiceSpec;
  /** Task counts; present only with `status=true`. */
  ServiceStatus?: { RunningTasks?: number; DesiredTasks?: number; CompletedTasks?: number };
  /** Progress of the last rolling update, when one ran. */
  UpdateStatus?: { State?: string; Message?: string };
}

/** Docker `Task`. */
export interface WireTask {
  /** Task ID. */
  ID: string;
  /** RFC 3339 creation time. */
  CreatedAt?: string;
  /** RFC 3339 time of the last change. */
  UpdatedAt?: string;
  /** The service the task belongs to. */
  ServiceID: string;
  /** Replica slot (replicated services). */
  Slot?: number;
  /** Node the scheduler assigned (absent while pending). */
  NodeID?: string;
  /** What Swarm wants: `running`, `shutdown`, `complete`, … */
  DesiredState: string;
  /** What happened last. */
  Status: {
    /** RFC 3339 time of the last transition. */
    Timestamp?: string;
    /** `new` … `running`, `complete`, `failed`, `rejected`, … (forward only). */
    State: string;
    /** Swarm's note on the transition (`started`, `pending task scheduling`, …). */
    Message?: string;
    /** The error, for failed, rejected or unschedulable tasks. */
    Err?: string;
    /** The container, once created. */
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
  };
}

/** Docker `Config` and `Secret` (secrets never carry `Data`). */
export interface WireSwarmObject {
  /** Object ID. */
  ID: string;
  /** RFC 3339 creation time. */
  CreatedAt?: string;
  /** RFC 3339 time of the last change. */
  UpdatedAt?: string;
  /** Name, labels and (configs only) base64 data. */
  Spec: { Name: string; Labels?: Record<string, string> | null; Data?: string };
}

/** Body of `POST …/docker/configs/create` and `…/secrets/create`. */
export interface WireCreateSwarmObject {
  /** Object name (Docker: up to 64 `[a-zA-Z0-9-_.]`). */
  Name: string;
  /** Object labels. */
  Labels: Record<string, string>;
  /** Base64 content. */
  Data: string;
}

/** Docker's answer to a create: the new object's ID. */
export interface WireIdResponse {
  /** Object ID. */
  ID: string;
}

/** Docker `Volume`. */
export interface WireVolume {
  /** Volume name (`<stack>_<volume>` for stack volumes). */
  Name: string;
  /** Volume driver, `local` for node-local volumes. */
  Driver: string;
  /** `local` or `global`. */
  Scope?: string;
  /** RFC 3339 creation time. */
  CreatedAt?: string;
  /** Volume labels, including `com.docker.stack.namespace`. */
  Labels?: Record<string, string> | null;
  /** Added by the Portainer agent: the node that holds the volume (when it sends it). */
  Portainer?: { Agent?: { NodeName?: string } };
}

/** `GET …/docker/volumes`. */
export interface WireVolumeList {
  /** The volumes. */
  Volumes: WireVolume[] | null;
  /** Warnings from volume drivers. */
  Warnings?: string[] | null;
}

/** Portainer's error body (`pkg/libhttp/error`); Docker's has `message` only. */
export interface WireErrorBody {
  /** What failed, in Portainer's words (or Docker's error). */
  message?: string;
  /** The wrapped Go error, first letter upper-cased from 2.20. */
  details?: string;
}
