/**
 * Options of `startEmulator` and their defaults.
 */
import { ManualClock, RealClock, type EmulatorClock } from "./clock";
import { EmulatorConfigError } from "./errors";
import type { NetworkSeed, NodeSeed } from "./swarm";
import { defaultTaskLogLines, type TaskLogHook } from "./tasks";
import { DEFAULT_PORTAINER_VERSION, parsePortainerVersion, type PortainerVersion } from "./version";

/** An endpoint (Portainer environment) to create at start. */
export interface EndpointSeed {
  /** Default: 1 for the first seed, then the next free number. */
  id?: number;
  /** Default `primary` for endpoint 1, `endpoint-<id>` otherwise. */
  name?: string;
  /** False makes the engine a non-manager: swarm routes answer 503. Default true. */
  swarmManager?: boolean;
  /** Reported `Status`: 1 up, 2 down (the proxy ignores it, as Portainer does). Default 1. */
  status?: 1 | 2;
  /** Node count (named `node-1`…) or explicit nodes. Default: the top-level `nodes`. */
  nodes?: number | NodeSeed[];
  /** Networks that exist before any deploy. Default: the top-level `networks`. */
  networks?: NetworkSeed[];
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** The admin's API key (send it as `X-API-Key`). */
  apiKey: string;
  /** Reported version and behaviour family (2.20–2.39 sync, newer async). Default the newest. */
  portainerVersion?: string;
  /** Nodes of the default endpoint: a count (`node-1`…, first one the leader) or seeds. Default 3. */
  nodes?: number | NodeSeed[];
  /** Networks present before any deploy. Default: overlay `traefik-public` on 10.0.1.0/24. */
  networks?: NetworkSeed[];
  /** Endpoints to create. Default one: `{ id: 1, name: "primary" }`. */
  endpoints?: EndpointSeed[];
  /** Time each task state step takes, on the emulator clock. Default 250 ms. */
  taskDelayMs?: number;
  /**
   * How long an emulated `docker stack deploy` takes on the emulator clock, the emulator's own
   * work (checks, parsing) included; work that takes longer takes longer. Deploys are serialized,
   * as in Portainer: each holds the instance's deploy queue this long. Synchronous family: the
   * HTTP reply waits for it. Asynchronous family: the stack stays "deploying" meanwhile. Default 0.
   */
  deployDurationMs?: number;
  /** `real` (default), `manual` (advance with `control.advance`), or your own clock. */
  clock?: "real" | "manual" | EmulatorClock;
  /** Makes generated IDs reproducible. */
  seed?: number;
  /** Admin login for `POST /api/auth`. Default `admin`. */
  adminUsername?: string;
  /** Admin password for `POST /api/auth`. Default `emulator-admin-password`. */
  adminPassword?: string;
  /**
   * Validate each stack file with `docker stack config -c FILE` and reject what Docker rejects.
   * `true` uses `docker` from the default search path; pass `{ binary }` for another one.
   */
  validateWithDockerCli?: boolean | { binary: string };
  /** Lines tasks write to their service log on start, completion and failure. */
  taskLogLines?: TaskLogHook;
  /** Receives one line per request and notable events; silent by default. */
  logger?: (line: string) => void;
}

/** Options after defaults. */
export interface ResolvedOptions {
  port: number;
  host: string;
  apiKey: string;
  version: PortainerVersion;
  endpoints: Array<Required<Pick<EndpointSeed, "id" | "name" | "swarmManager" | "status">> & {
    nodes: NodeSeed[];
    networks: NetworkSeed[];
  }>;
  taskDelayMs: number;
  deployDurationMs: number;
  clock: EmulatorClock;
  seed: number | undefined;
  adminUsername: string;
  adminPassword: string;
  dockerCli: string | undefined;
  taskLogLines: TaskLogHook;
  logger: (line: string) => void;
}

/** The default pre-existing network: Traefik's overlay, swarm-scoped, with a subnet. */
export const DEFAULT_NETWORKS: NetworkSeed[] = [
  { name: "traefik-public", driver: "overlay", scope: "swarm", subnet: "10.0.1.0/24", attachable: true },
];

function nodeSeeds(nodes: number | NodeSeed[]): NodeSeed[] {
  if (Array.isArray(nodes)) {
    if (nodes.length === 0) throw new EmulatorConfigError("nodes: at least one node is needed");
    return nodes;
  }
  if (!Number.isInteger(nodes) || nodes < 1) throw new EmulatorConfigError(`nodes: expected a positive integer, got ${nodes}`);
  return Array.from({ length: nodes }, (_, i) => ({ hostname: `node-${i + 1}` }));
}

/** Applies defaults and checks values; throws {@link EmulatorConfigError}. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  if (typeof options.apiKey !== "string" || options.apiKey.length === 0) {
    throw new EmulatorConfigError("apiKey is required");
  }
  const taskDelayMs = options.taskDelayMs ?? 250;
  if (!Number.isFinite(taskDelayMs) || taskDelayMs < 0) throw new EmulatorConfigError("taskDelayMs must be >= 0");
  const deployDurationMs = options.deployDurationMs ?? 0;
  if (!Number.isFinite(deployDurationMs) || deployDurationMs < 0) {
    throw new EmulatorConfigError("deployDurationMs must be >= 0");
  }
  const clock =
    options.clock === "manual"
      ? new ManualClock()
      : options.clock === undefined || options.clock === "real"
        ? new RealClock()
        : options.clock;

  const defaultNodes = nodeSeeds(options.nodes ?? 3);
  const defaultNetworks = options.networks ?? DEFAULT_NETWORKS;
  const seeds = options.endpoints ?? [{ id: 1 }];
  const endpoints: ResolvedOptions["endpoints"] = [];
  let next = 1;
  for (const seed of seeds) {
    const id = seed.id ?? next;
    if (endpoints.some((e) => e.id === id)) throw new EmulatorConfigError(`endpoint ${id} is defined twice`);
    next = Math.max(next, id) + 1;
    endpoints.push({
      id,
      name: seed.name ?? (id === 1 ? "primary" : `endpoint-${id}`),
      swarmManager: seed.swarmManager ?? true,
      status: seed.status ?? 1,
      nodes: seed.nodes === undefined ? defaultNodes : nodeSeeds(seed.nodes),
      networks: seed.networks ?? defaultNetworks,
    });
  }

  const docker = options.validateWithDockerCli;
  return {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    apiKey: options.apiKey,
    version: parsePortainerVersion(options.portainerVersion ?? DEFAULT_PORTAINER_VERSION),
    endpoints,
    taskDelayMs,
    deployDurationMs,
    clock,
    seed: options.seed,
    adminUsername: options.adminUsername ?? "admin",
    adminPassword: options.adminPassword ?? "emulator-admin-password",
    dockerCli: docker === true ? "docker" : docker ? docker.binary : undefined,
    taskLogLines: options.taskLogLines ?? defaultTaskLogLines,
    logger: options.logger ?? (() => undefined),
  };
}
