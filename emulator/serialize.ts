/**
 * Wire shapes. Portainer objects use the Go field names (PascalCase, `Id`, `EndpointId`, …) as
 * `api/portainer.go` marshals them; Docker objects follow the Engine API (moby v27 swagger).
 */
import { isoNano } from "./clock";
import type { EmulatorState, EndpointRecord, StackRecord } from "./state";
import {
  STACK_NAMESPACE_LABEL,
  type NetworkModel,
  type NodeModel,
  type ServiceModel,
  type SwarmCluster,
  type SwarmObject,
  type TaskModel,
  type VolumeModel,
} from "./swarm";
import { replicasOf } from "./tasks";
import type { PortainerVersion } from "./version";

/** Engine version the emulated nodes report (the CLI bundled by Portainer 2.21–2.23). */
export const ENGINE_VERSION = "27.1.2";
const API_VERSION = "1.46";

/** A stack's ResourceControl: admin-only, type 6 (stack), `ResourceId` = `<endpointId>_<name>`. */
export function resourceControlJson(stack: StackRecord): Record<string, unknown> {
  return {
    Id: stack.resourceControlId,
    ResourceId: `${stack.endpointId}_${stack.name}`,
    SubResourceIds: [],
    Type: 6,
    UserAccesses: [],
    TeamAccesses: [],
    Public: false,
    AdministratorsOnly: true,
    System: false,
  };
}

/** `portainer.Stack` in struct order; `ResourceControl` is `null` where Portainer leaves it unset. */
export function stackJson(
  stack: StackRecord,
  version: PortainerVersion,
  withResourceControl: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Id: stack.id,
    Name: stack.name,
    Type: 1,
    EndpointId: stack.endpointId,
    SwarmId: stack.swarmId,
    EntryPoint: "docker-compose.yml",
    Env: stack.env,
    ResourceControl: withResourceControl ? resourceControlJson(stack) : null,
    Status: stack.status,
    ProjectPath: `/data/compose/${stack.id}`,
    CreationDate: stack.creationDate,
    CreatedBy: stack.createdBy,
    UpdateDate: stack.updateDate,
    UpdatedBy: stack.updatedBy,
    AdditionalFiles: null,
    AutoUpdate: null,
    Option: stack.option,
    GitConfig: null,
    FromAppTemplate: stack.fromAppTemplate,
    Namespace: "",
  };
  if (version.stackHasIsComposeFormat) out.IsComposeFormat = false;
  if (version.family === "async") {
    out.DeploymentStatus = stack.deploymentStatus;
    out.DeploymentStartStatus = stack.deploymentStartStatus;
  }
  return out;
}

function countTasks(cluster: SwarmCluster): { running: number; stopped: number } {
  let running = 0;
  let stopped = 0;
  for (const task of cluster.tasks.values()) {
    if (!task.containerId) continue;
    if (task.state === "running") running += 1;
    else stopped += 1;
  }
  return { running, stopped };
}

/** `docker info` as the endpoint's manager node answers it. */
export function dockerInfo(endpoint: EndpointRecord): Record<string, unknown> {
  const { cluster } = endpoint;
  const manager = [...cluster.nodes.values()].find((n) => n.leader) ?? [...cluster.nodes.values()][0];
  const counts = countTasks(cluster);
  const managers = [...cluster.nodes.values()].filter((n) => n.role === "manager");
  return {
    ID: manager?.id ?? "",
    Containers: counts.running + counts.stopped,
    ContainersRunning: counts.running,
    ContainersPaused: 0,
    ContainersStopped: counts.stopped,
    Images: 0,
    Driver: "overlay2",
    Name: manager?.hostname ?? "",
    ServerVersion: ENGINE_VERSION,
    OperatingSystem: "Debian GNU/Linux 12 (bookworm)",
    OSType: "linux",
    Architecture: "x86_64",
    NCPU: Math.round((manager?.nanoCpus ?? 0) / 1e9),
    MemTotal: manager?.memoryBytes ?? 0,
    Swarm: cluster.isManager
      ? {
          NodeID: manager?.id ?? "",
          NodeAddr: manager?.addr ?? "",
          LocalNodeState: "active",
          ControlAvailable: true,
          Error: "",
          RemoteManagers: managers.map((n) => ({ NodeID: n.id, Addr: `${n.addr}:2377` })),
          Nodes: cluster.nodes.size,
          Managers: managers.length,
          Cluster: swarmJson(cluster, false),
        }
      : { NodeID: "", NodeAddr: "", LocalNodeState: "inactive", ControlAvailable: false, Error: "", RemoteManagers: null },
  };
}

/** `portainer.Endpoint` with its snapshot (Docker environment via the Portainer agent). */
export function endpointJson(
  state: EmulatorState,
  endpoint: EndpointRecord,
  status: 1 | 2,
  withSnapshot: boolean,
): Record<string, unknown> {
  const { cluster } = endpoint;
  const stacks = [...state.stacks.values()].filter((s) => s.endpointId === endpoint.id).length;
  const counts = countTasks(cluster);
  const totalCpu = [...cluster.nodes.values()].reduce((sum, n) => sum + n.nanoCpus / 1e9, 0);
  const totalMemory = [...cluster.nodes.values()].reduce((sum, n) => sum + n.memoryBytes, 0);
  const snapshot = {
    Time: Math.floor(state.clock.now() / 1000),
    DockerVersion: ENGINE_VERSION,
    Swarm: cluster.isManager,
    TotalCPU: totalCpu,
    TotalMemory: totalMemory,
    ContainerCount: counts.running + counts.stopped,
    RunningContainerCount: counts.running,
    StoppedContainerCount: counts.stopped,
    HealthyContainerCount: 0,
    UnhealthyContainerCount: 0,
    VolumeCount: cluster.volumes.length,
    ImageCount: 0,
    ServiceCount: cluster.services.size,
    StackCount: stacks,
    NodeCount: cluster.nodes.size,
    GpuUseAll: false,
    GpuUseList: [],
    IsPodman: false,
    DiagnosticsData: {},
    DockerSnapshotRaw: { Info: dockerInfo(endpoint) },
  };
  return {
    Id: endpoint.id,
    Name: endpoint.name,
    Type: 2,
    ContainerEngine: "docker",
    URL: "tasks.agent:9001",
    GroupId: 1,
    PublicURL: "",
    Gpus: [],
    TLSConfig: { TLS: true, TLSSkipVerify: true },
    AzureCredentials: { ApplicationID: "", TenantID: "", AuthenticationKey: "" },
    TagIds: [],
    Status: status,
    Snapshots: withSnapshot ? [snapshot] : [],
    UserAccessPolicies: {},
    TeamAccessPolicies: {},
    EdgeKey: "",
    EdgeCheckinInterval: 0,
    Kubernetes: { Snapshots: [], Configuration: {}, Flags: {} },
    ComposeSyntaxMaxVersion: "",
    SecuritySettings: {
      allowBindMountsForRegularUsers: false,
      allowPrivilegedModeForRegularUsers: false,
      allowVolumeBrowserForRegularUsers: false,
      allowHostNamespaceForRegularUsers: false,
      allowDeviceMappingForRegularUsers: false,
      allowStackManagementForRegularUsers: false,
      allowContainerCapabilitiesForRegularUsers: false,
      allowSysctlSettingForRegularUsers: false,
      enableHostManagementFeatures: false,
    },
    LastCheckInDate: 0,
    QueryDate: 0,
    Heartbeat: false,
    Edge: { AsyncMode: false, PingInterval: 0, SnapshotInterval: 0, CommandInterval: 0 },
    Agent: { Version: state.version.raw },
    EnableGPUManagement: false,
  };
}

/** `Portainer.ResourceControl` decoration of stack objects in admin proxy responses. */
export function decorate(
  state: EmulatorState,
  endpointId: number,
  labels: Record<string, string> | undefined,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const namespace = labels?.[STACK_NAMESPACE_LABEL];
  if (!namespace) return body;
  const stack = [...state.stacks.values()].find((s) => s.name === namespace && s.endpointId === endpointId);
  if (!stack) return body;
  return { ...body, Portainer: { ResourceControl: resourceControlJson(stack) } };
}

/** `ServiceStatus` as swarmkit's `ListServiceStatuses` computes it. */
export function serviceStatus(cluster: SwarmCluster, service: ServiceModel): Record<string, number> {
  const mode = service.spec.Mode;
  const isJob = "ReplicatedJob" in mode || "GlobalJob" in mode;
  const isGlobal = "Global" in mode || "GlobalJob" in mode;
  let desired = isGlobal ? 0 : replicasOf(mode);
  let running = 0;
  let completed = 0;
  for (const task of cluster.tasksOf(service.id)) {
    if (isJob && task.jobIteration !== service.jobIteration) continue;
    if (isJob && task.state === "complete") completed += 1;
    if (task.state === "running") running += 1;
    if (isGlobal && task.desiredState === "running") desired += 1;
    if (isGlobal && task.state !== "complete" && task.desiredState === "complete") desired += 1;
  }
  return { RunningTasks: running, DesiredTasks: desired, CompletedTasks: completed };
}

/** `swarm.Service`. */
export function serviceJson(cluster: SwarmCluster, service: ServiceModel, withStatus: boolean): Record<string, unknown> {
  const mode = service.spec.Mode;
  const out: Record<string, unknown> = {
    ID: service.id,
    Version: { Index: service.version },
    CreatedAt: isoNano(service.createdAt),
    UpdatedAt: isoNano(service.updatedAt),
    Spec: service.spec,
  };
  if (service.previousSpec) out.PreviousSpec = service.previousSpec;
  const endpoint: Record<string, unknown> = { Spec: { Mode: service.spec.EndpointSpec.Mode } };
  if (service.spec.EndpointSpec.Ports) {
    endpoint.Ports = service.spec.EndpointSpec.Ports;
    (endpoint.Spec as Record<string, unknown>).Ports = service.spec.EndpointSpec.Ports;
  }
  if (service.virtualIps.length > 0) endpoint.VirtualIPs = service.virtualIps;
  out.Endpoint = endpoint;
  if (service.updateStatus) out.UpdateStatus = service.updateStatus;
  if (withStatus) out.ServiceStatus = serviceStatus(cluster, service);
  if ("ReplicatedJob" in mode || "GlobalJob" in mode) {
    out.JobStatus = {
      JobIteration: { Index: service.jobIteration + 1 },
      LastExecution: isoNano(service.jobLastExecution ?? service.createdAt),
    };
  }
  return out;
}

/** `swarm.Task`. */
export function taskJson(cluster: SwarmCluster, task: TaskModel): Record<string, unknown> {
  const status: Record<string, unknown> = {
    Timestamp: isoNano(task.stateAt),
    State: task.state,
    Message: task.message,
  };
  if (task.err) status.Err = task.err;
  if (task.containerId) {
    status.ContainerStatus = { ContainerID: task.containerId, PID: task.pid ?? 0, ExitCode: task.exitCode ?? 0 };
  }
  status.PortStatus = {};
  const out: Record<string, unknown> = {
    ID: task.id,
    Version: { Index: task.version },
    CreatedAt: isoNano(task.createdAt),
    UpdatedAt: isoNano(task.updatedAt),
    Labels: {},
    Spec: task.spec,
    ServiceID: task.serviceId,
  };
  if (task.slot !== undefined) out.Slot = task.slot;
  if (task.nodeId) out.NodeID = task.nodeId;
  out.Status = status;
  out.DesiredState = task.desiredState;
  if (task.addresses.length > 0) {
    out.NetworksAttachments = task.addresses.map((a) => {
      const network = cluster.networks.get(a.networkId);
      return {
        Network: {
          ID: a.networkId,
          Spec: { Name: network?.name ?? "", Labels: network?.labels ?? {}, DriverConfiguration: { Name: network?.driver ?? "overlay" } },
        },
        Addresses: [a.addr],
      };
    });
  }
  if (task.jobIteration !== undefined) out.JobIteration = { Index: task.jobIteration + 1 };
  return out;
}

/** `swarm.Node`. */
export function nodeJson(node: NodeModel): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ID: node.id,
    Version: { Index: node.version },
    CreatedAt: isoNano(node.createdAt),
    UpdatedAt: isoNano(node.updatedAt),
    Spec: { Labels: node.labels, Role: node.role, Availability: node.availability },
    Description: {
      Hostname: node.hostname,
      Platform: { Architecture: "x86_64", OS: "linux" },
      Resources: { NanoCPUs: node.nanoCpus, MemoryBytes: node.memoryBytes },
      Engine: {
        EngineVersion: ENGINE_VERSION,
        Plugins: [
          { Type: "Log", Name: "json-file" },
          { Type: "Network", Name: "overlay" },
          { Type: "Volume", Name: "local" },
        ],
      },
    },
    Status: { State: node.state, Addr: node.addr },
  };
  if (node.role === "manager") {
    out.ManagerStatus = {
      Leader: node.leader || undefined,
      Reachability: node.state === "ready" ? "reachable" : "unreachable",
      Addr: `${node.addr}:2377`,
    };
  }
  return out;
}

/** `network.Inspect` (note `Id`, not `ID`). */
export function networkJson(network: NetworkModel): Record<string, unknown> {
  return {
    Name: network.name,
    Id: network.id,
    Created: isoNano(network.createdAt),
    Scope: network.scope,
    Driver: network.driver,
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: {
      Driver: "default",
      Options: null,
      Config: network.subnet ? [{ Subnet: network.subnet, Gateway: network.gateway }] : [],
    },
    Internal: network.internal,
    Attachable: network.attachable,
    Ingress: network.ingress,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: {},
    Options: network.options,
    Labels: network.labels,
  };
}

/** `volume.Volume`. */
export function volumeJson(volume: VolumeModel): Record<string, unknown> {
  return {
    CreatedAt: new Date(volume.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    Driver: volume.driver,
    Labels: volume.labels,
    Mountpoint: `/var/lib/docker/volumes/${volume.name}/_data`,
    Name: volume.name,
    Options: volume.options,
    Scope: "local",
  };
}

/** `swarm.Config` / `swarm.Secret` (secrets never carry their data). */
export function objectJson(kind: "config" | "secret", object: SwarmObject): Record<string, unknown> {
  const spec: Record<string, unknown> = { Name: object.name, Labels: object.labels };
  if (kind === "config") spec.Data = object.data;
  return {
    ID: object.id,
    Version: { Index: object.version },
    CreatedAt: isoNano(object.createdAt),
    UpdatedAt: isoNano(object.updatedAt),
    Spec: spec,
  };
}

/** `swarm.Swarm` (`GET /swarm`); join tokens only for the full inspect. */
export function swarmJson(cluster: SwarmCluster, withTokens = true): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ID: cluster.swarmId,
    Version: { Index: 10 },
    CreatedAt: isoNano(cluster.createdAt),
    UpdatedAt: isoNano(cluster.createdAt),
    Spec: {
      Name: "default",
      Labels: {},
      Orchestration: { TaskHistoryRetentionLimit: 5 },
      Raft: { SnapshotInterval: 10000, KeepOldSnapshots: 0, LogEntriesForSlowFollowers: 500, ElectionTick: 10, HeartbeatTick: 1 },
      Dispatcher: { HeartbeatPeriod: 5_000_000_000 },
      CAConfig: { NodeCertExpiry: 7_776_000_000_000_000 },
      TaskDefaults: {},
      EncryptionConfig: { AutoLockManagers: false },
    },
    TLSInfo: { TrustRoot: "", CertIssuerSubject: "", CertIssuerPublicKey: "" },
    RootRotationInProgress: false,
    DefaultAddrPool: ["10.0.0.0/8"],
    SubnetSize: 24,
    DataPathPort: 4789,
  };
  if (withTokens) {
    out.JoinTokens = {
      Worker: `SWMTKN-1-${cluster.swarmId}-worker`,
      Manager: `SWMTKN-1-${cluster.swarmId}-manager`,
    };
  }
  return out;
}

/** `docker version`. */
export function dockerVersionJson(): Record<string, unknown> {
  return {
    Platform: { Name: "Docker Engine - Community" },
    Version: ENGINE_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: "1.24",
    Os: "linux",
    Arch: "amd64",
    KernelVersion: "6.1.0-emulated",
  };
}
