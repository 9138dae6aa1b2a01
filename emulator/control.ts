/**
 * The test-facing control surface: clock, version, endpoint state, faults, request counters,
 * service logs, nodes, networks, registry pushes and "outside Portainer" deploys. The same
 * operations are exposed over HTTP under `/__emulator/` (see `routes/control.ts`).
 */
import { ManualClock, type EmulatorClock } from "./clock";
import { deployStack, removeStack } from "./deploy";
import { EmulatorControlError } from "./errors";
import type { ActiveFault, FaultSpec } from "./faults";
import type { Emulator } from "./runtime";
import { nodeJson, serviceJson, stackJson, taskJson, volumeJson } from "./serialize";
import { parseStackFile } from "./stack-file";
import type { EndpointRecord } from "./state";
import type { NetworkSeed, NodeSeed, SwarmObject } from "./swarm";
import { parsePortainerVersion } from "./version";

/** A log line to put in a service's log. */
export interface LogLineInput {
  /** Default `stdout`. */
  stream?: "stdout" | "stderr";
  text: string;
}

/** A registered fault as reported by {@link EmulatorControl.faults}. */
export interface FaultInfo {
  id: string;
  spec: ActiveFault["spec"];
  remaining: number | undefined;
  hits: number;
}

/** Everything a test can do to the running emulator. */
export interface EmulatorControl {
  /** The clock the emulator runs on. */
  readonly clock: EmulatorClock;
  /** Advances a manual clock by `ms`, playing out due task transitions. */
  advance(ms: number): void;
  /** Advances a manual clock until no timer is left (bounded by `maxMs`); returns elapsed ms. */
  runUntilIdle(maxMs?: number): number;
  /** Resolves when a manual clock gets its next timer (see `ManualClock.nextTimer`). */
  nextTimer(): Promise<void>;
  /**
   * Resolves when the next stack deploy is queued, i.e. a create/update/start request has passed
   * validation and the name check and now waits for (or runs) `docker stack deploy`.
   */
  nextDeploy(): Promise<void>;
  /** The configured Portainer version. */
  readonly portainerVersion: string;
  /** Switches version and behaviour family from the next request on. */
  setPortainerVersion(version: string): void;
  /** Sets the `Status` an endpoint reports (1 up, 2 down); the proxy keeps working, as in Portainer. */
  setEndpointStatus(endpointId: number, status: 1 | 2): void;
  /** Makes the endpoint's engine a swarm manager or not (swarm routes answer 503 when not). */
  setSwarmManager(endpointId: number, manager: boolean): void;
  /** Registers a fault; returns its ID. */
  addFault(spec: FaultSpec): string;
  removeFault(id: string): boolean;
  clearFaults(): void;
  faults(): FaultInfo[];
  /** Requests per `METHOD /pattern` (e.g. `GET /api/endpoints/{id}/docker/tasks`). */
  requestCounts(): Record<string, number>;
  /** Count for one `METHOD /pattern` key (0 when never called). */
  requestCount(route: string): number;
  resetRequestCounts(): void;
  /** Appends lines to a service's log (by name or ID); queued if the service does not exist yet. */
  appendServiceLogs(input: { endpointId?: number; service: string; lines: LogLineInput[] }): void;
  /** Creates a network as `docker network create` would; returns its ID. */
  addNetwork(seed: NetworkSeed & { endpointId?: number }): string;
  /** Removes a network by name or ID. */
  removeNetwork(ref: string, endpointId?: number): void;
  /** Creates a Swarm config (`data` is plain text); returns its ID. */
  createConfig(input: { endpointId?: number; name: string; data: string; labels?: Record<string, string> }): string;
  /** Creates a Swarm secret (`data` is plain text); returns its ID. */
  createSecret(input: { endpointId?: number; name: string; data: string; labels?: Record<string, string> }): string;
  /** Changes a node (by hostname): availability, state, labels. Tasks react as in Swarm. */
  setNode(
    hostname: string,
    patch: { availability?: "active" | "pause" | "drain"; state?: "ready" | "down"; labels?: Record<string, string> },
    endpointId?: number,
  ): void;
  /** Joins a node to the swarm. */
  addNode(seed: NodeSeed, endpointId?: number): string;
  /** Pushes a new build under `ref`: later `--resolve-image=always` deploys pick the new digest. */
  pushImage(ref: string): string;
  /** Adds a container labelled `com.docker.compose.project=<project>` (blocks that stack name). */
  addComposeContainer(input: { endpointId?: number; project: string; name?: string; image?: string }): string;
  /** Runs `docker stack deploy` directly on the swarm, without a Portainer stack row. */
  deployOutsidePortainer(input: {
    endpointId?: number;
    name: string;
    stackFileContent: string;
    env?: Array<{ name: string; value: string }>;
  }): void;
  /** Runs `docker stack rm` directly on the swarm; returns the CLI's stderr on failure. */
  removeStackOutsidePortainer(name: string, endpointId?: number): string | undefined;
  /** Stacks as `GET /api/stacks` returns them. */
  stacks(): Array<Record<string, unknown>>;
  /** Services (with `ServiceStatus`) as the Docker API returns them. */
  services(endpointId?: number): Array<Record<string, unknown>>;
  /** Tasks as the Docker API returns them, optionally of one service (name or ID). */
  tasks(endpointId?: number, service?: string): Array<Record<string, unknown>>;
  /** Volumes of all nodes. */
  volumes(endpointId?: number): Array<Record<string, unknown>>;
  /** Nodes as the Docker API returns them. */
  nodes(endpointId?: number): Array<Record<string, unknown>>;
  /** Drops every stack, service, volume, fault and counter and re-seeds the start state. */
  reset(): void;
}

/** Builds the control surface of a running emulator. */
export function createControl(emulator: Emulator): EmulatorControl {
  const { state } = emulator;
  const endpoint = (id = 1): EndpointRecord => {
    const found = state.endpoint(id);
    if (!found) throw new EmulatorControlError(`no endpoint ${id}`);
    return found;
  };
  const manual = (): ManualClock => {
    if (!(emulator.clock instanceof ManualClock)) {
      throw new EmulatorControlError('advance() needs startEmulator({ clock: "manual" })');
    }
    return emulator.clock;
  };
  const createObject = (
    kind: "config" | "secret",
    input: { endpointId?: number; name: string; data: string; labels?: Record<string, string> },
  ): string => {
    const { cluster } = endpoint(input.endpointId);
    if (cluster.findObjectByName(kind, input.name)) throw new EmulatorControlError(`${kind} ${input.name} already exists`);
    const now = emulator.clock.now();
    const object: SwarmObject = {
      id: cluster.ids.swarmId(),
      name: input.name,
      labels: { ...(input.labels ?? {}) },
      data: Buffer.from(input.data, "utf8").toString("base64"),
      createdAt: now,
      updatedAt: now,
      version: cluster.nextVersion(),
    };
    (kind === "config" ? cluster.configs : cluster.secrets).set(object.id, object);
    return object.id;
  };

  return {
    get clock() {
      return emulator.clock;
    },
    advance(ms) {
      manual().advance(ms);
    },
    runUntilIdle(maxMs) {
      return manual().runUntilIdle(maxMs);
    },
    nextTimer() {
      return manual().nextTimer();
    },
    nextDeploy() {
      return emulator.nextDeploy();
    },
    get portainerVersion() {
      return state.version.raw;
    },
    setPortainerVersion(version) {
      state.version = parsePortainerVersion(version);
    },
    setEndpointStatus(endpointId, status) {
      endpoint(endpointId).status = status;
    },
    setSwarmManager(endpointId, manager) {
      endpoint(endpointId).cluster.isManager = manager;
    },
    addFault(spec) {
      return state.faults.add(spec).id;
    },
    removeFault(id) {
      return state.faults.remove(id);
    },
    clearFaults() {
      state.faults.clear();
    },
    faults() {
      return state.faults.list().map((f) => ({ id: f.id, spec: f.spec, remaining: f.remaining, hits: f.hits }));
    },
    requestCounts() {
      return Object.fromEntries(state.requestCounts);
    },
    requestCount(route) {
      return state.requestCounts.get(route) ?? 0;
    },
    resetRequestCounts() {
      state.requestCounts.clear();
    },
    appendServiceLogs({ endpointId, service, lines }) {
      const { cluster } = endpoint(endpointId);
      for (const line of lines) {
        cluster.appendLog(service, { time: emulator.clock.now(), stream: line.stream ?? "stdout", text: line.text });
      }
    },
    addNetwork({ endpointId, ...seed }) {
      return endpoint(endpointId).cluster.addNetwork(seed).id;
    },
    removeNetwork(ref, endpointId) {
      const { cluster } = endpoint(endpointId);
      const network = cluster.findNetwork(ref);
      if (!network) throw new EmulatorControlError(`no network ${ref}`);
      cluster.networks.delete(network.id);
    },
    createConfig(input) {
      return createObject("config", input);
    },
    createSecret(input) {
      return createObject("secret", input);
    },
    setNode(hostname, patch, endpointId) {
      const record = endpoint(endpointId);
      const node = [...record.cluster.nodes.values()].find((n) => n.hostname === hostname);
      if (!node) throw new EmulatorControlError(`no node ${hostname}`);
      if (patch.availability) node.availability = patch.availability;
      if (patch.state) node.state = patch.state;
      if (patch.labels) node.labels = { ...patch.labels };
      node.updatedAt = emulator.clock.now();
      node.version = record.cluster.nextVersion();
      record.engine.nodesChanged();
    },
    addNode(seed, endpointId) {
      const record = endpoint(endpointId);
      const node = record.cluster.addNode(seed, record.cluster.nodes.size);
      record.engine.nodesChanged();
      return node.id;
    },
    pushImage(ref) {
      return state.images.push(ref);
    },
    addComposeContainer({ endpointId, project, name, image }) {
      const { cluster } = endpoint(endpointId);
      const id = cluster.ids.hex64();
      cluster.composeContainers.push({
        id,
        name: name ?? `${project}-app-1`,
        image: image ?? "nginx:latest",
        labels: { "com.docker.compose.project": project, "com.docker.compose.service": "app" },
        state: "running",
        createdAt: emulator.clock.now(),
      });
      return id;
    },
    deployOutsidePortainer({ endpointId, name, stackFileContent, env }) {
      const record = endpoint(endpointId);
      const lookup = (key: string): string | undefined => env?.filter((p) => p.name === key).pop()?.value;
      deployStack(
        { cluster: record.cluster, images: state.images, clock: emulator.clock },
        {
          namespace: name,
          file: parseStackFile(stackFileContent, lookup),
          prune: false,
          resolveImage: "always",
          projectPath: "/root",
        },
      );
    },
    removeStackOutsidePortainer(name, endpointId) {
      return removeStack(endpoint(endpointId).cluster, name);
    },
    stacks() {
      return [...state.stacks.values()].map((s) => stackJson(s, state.version, true));
    },
    services(endpointId) {
      const { cluster } = endpoint(endpointId);
      return [...cluster.services.values()].map((s) => serviceJson(cluster, s, true));
    },
    tasks(endpointId, service) {
      const { cluster } = endpoint(endpointId);
      const serviceId = service ? cluster.getService(service).id : undefined;
      return [...cluster.tasks.values()]
        .filter((t) => !serviceId || t.serviceId === serviceId)
        .map((t) => taskJson(cluster, t));
    },
    volumes(endpointId) {
      return endpoint(endpointId).cluster.volumes.map(volumeJson);
    },
    nodes(endpointId) {
      return [...endpoint(endpointId).cluster.nodes.values()].map(nodeJson);
    },
    reset() {
      state.reset();
    },
  };
}
