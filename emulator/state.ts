/**
 * Everything the emulator remembers: Portainer's database (stacks, resource controls, users,
 * tokens), one Swarm per endpoint, the fault registry and the request counters.
 */
import { randomBytes } from "node:crypto";
import type { EmulatorClock } from "./clock";
import { FaultRegistry } from "./faults";
import { IdGenerator } from "./ids";
import { ImageRegistry } from "./images";
import type { ResolvedOptions } from "./options";
import { SwarmCluster } from "./swarm";
import { TaskEngine } from "./tasks";
import type { PortainerVersion } from "./version";

/** Stack `Status` values: 1 and 2 since forever, 3 and 4 in the asynchronous family. */
export const StackStatus = { Active: 1, Inactive: 2, Deploying: 3, Error: 4 } as const;

/** One entry of `DeploymentStatus` (asynchronous family). */
export interface DeploymentStatusEntry {
  Status: number;
  Time: number;
  Message?: string;
}

/** A stack row of Portainer's database. */
export interface StackRecord {
  id: number;
  name: string;
  endpointId: number;
  swarmId: string;
  env: Array<{ name: string; value: string }> | null;
  status: number;
  creationDate: number;
  createdBy: string;
  updateDate: number;
  updatedBy: string;
  option: { prune: boolean } | null;
  fromAppTemplate: boolean;
  /** The stored `docker-compose.yml`. */
  fileContent: string;
  resourceControlId: number;
  deploymentStatus: DeploymentStatusEntry[];
  deploymentStartStatus: number;
}

/** A Portainer environment backed by an emulated Swarm. */
export interface EndpointRecord {
  id: number;
  name: string;
  /** Status set by configuration/control; an `endpoint-down` fault also reports 2. */
  status: 1 | 2;
  cluster: SwarmCluster;
  engine: TaskEngine;
}

/** A Portainer user. */
export interface UserRecord {
  id: number;
  username: string;
  password: string;
  role: 1 | 2;
}

/** The whole emulated world; `reset()` puts it back to the configured start. */
export class EmulatorState {
  /** The configured version; `control.setPortainerVersion` replaces it. */
  version: PortainerVersion;
  readonly instanceId: string;
  readonly endpoints = new Map<number, EndpointRecord>();
  readonly stacks = new Map<number, StackRecord>();
  readonly users = new Map<number, UserRecord>();
  readonly images = new ImageRegistry();
  readonly faults = new FaultRegistry();
  /** Requests per `METHOD /route/{pattern}`. */
  readonly requestCounts = new Map<string, number>();
  /** Revoked JWT IDs (`POST /api/auth/logout`). */
  readonly revokedTokens = new Set<string>();
  /** `POST /api/auth` timestamps per client IP, for the 10-per-second limiter. */
  readonly authAttempts = new Map<string, number[]>();
  /** Client IPs banned by the limiter, with the ban's end time. */
  readonly authBans = new Map<string, number>();
  /** Secret for signing JWTs. */
  readonly jwtSecret = randomBytes(32);
  /** The bucket sequence of stacks: create consumes an ID even when the deploy fails. */
  nextStackId = 1;
  nextResourceControlId = 1;
  readonly ids: IdGenerator;

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: EmulatorClock,
  ) {
    this.ids = new IdGenerator(options.seed);
    this.version = options.version;
    this.instanceId = this.ids.uuid();
    this.faults.onChange(() => {
      for (const endpoint of this.endpoints.values()) endpoint.engine.reschedulePending();
    });
    this.seed();
  }

  /** Drops all state (stacks, services, volumes, faults, counters) and re-creates the start. */
  reset(): void {
    for (const endpoint of this.endpoints.values()) endpoint.engine.dispose();
    this.endpoints.clear();
    this.stacks.clear();
    this.users.clear();
    this.requestCounts.clear();
    this.revokedTokens.clear();
    this.authAttempts.clear();
    this.authBans.clear();
    this.faults.clear();
    this.nextStackId = 1;
    this.nextResourceControlId = 1;
    this.version = this.options.version;
    this.seed();
  }

  /** The endpoint or `undefined`. */
  endpoint(id: number): EndpointRecord | undefined {
    return this.endpoints.get(id);
  }

  /** The admin user (ID 1). */
  get admin(): UserRecord {
    const user = this.users.get(1);
    if (!user) throw new Error("admin user missing");
    return user;
  }

  private seed(): void {
    this.users.set(1, { id: 1, username: this.options.adminUsername, password: this.options.adminPassword, role: 1 });
    for (const seed of this.options.endpoints) {
      const cluster = new SwarmCluster(seed.id, this.ids, this.clock);
      cluster.isManager = seed.swarmManager;
      const engine = new TaskEngine(cluster, this.clock, this.faults, {
        taskDelayMs: this.options.taskDelayMs,
        taskLogLines: this.options.taskLogLines,
      });
      cluster.orchestrator = engine;
      seed.nodes.forEach((node, index) => cluster.addNode(node, index));
      // The engine's own networks, then the ones the operator created before any stack.
      cluster.addNetwork({ name: "ingress", driver: "overlay", scope: "swarm", subnet: "10.0.0.0/24" }, true, true);
      cluster.addNetwork({ name: "bridge", driver: "bridge", scope: "local", subnet: "172.17.0.0/16" }, true);
      cluster.addNetwork({ name: "docker_gwbridge", driver: "bridge", scope: "local", subnet: "172.18.0.0/16" }, true);
      cluster.addNetwork({ name: "host", driver: "host", scope: "local" }, true);
      cluster.addNetwork({ name: "none", driver: "null", scope: "local" }, true);
      for (const network of seed.networks) cluster.addNetwork(network);
      this.endpoints.set(seed.id, { id: seed.id, name: seed.name, status: seed.status, cluster, engine });
    }
  }
}
