/**
 * The running emulator behind the HTTP server: state, clock, and the Portainer-side deploy
 * machinery (one global deploy queue, optional docker CLI validation, the CLI's stderr format).
 */
import { sleepOn, tickOn, type EmulatorClock } from "./clock";
import { deployStack, removeStack, type ResolveImage } from "./deploy";
import { validateWithDockerCli } from "./docker-cli";
import { DeployError } from "./errors";
import type { ResolvedOptions } from "./options";
import { parseStackFile, type StackFile } from "./stack-file";
import { EmulatorState, type EndpointRecord } from "./state";
import { NOT_A_MANAGER } from "./swarm";
import { CLI_DETACH_WARNING, type PortainerVersion } from "./version";

/** What the Docker client says when the endpoint cannot be reached. */
export const UNREACHABLE_MESSAGE = "Cannot connect to the Docker daemon at tcp://tasks.agent:9001. Is the docker daemon running?";

/** Inputs of a Portainer-driven `docker stack deploy`. */
export interface StackDeployInput {
  name: string;
  content: string;
  env: Array<{ name: string; value: string }> | null;
  prune: boolean;
  resolveImage: ResolveImage;
  projectPath: string;
}

/**
 * Formats a failed CLI run the way Portainer reports it. Synchronous family: the whole stderr
 * (the v27 `--detach` warning for deploy-stage errors, then the error and a newline). Asynchronous
 * family: the error text alone, as recorded in `DeploymentStatus` (newer Portainer deploys in
 * process rather than through the CLI; see the README).
 */
export function formatDeployFailure(version: PortainerVersion, err: DeployError): string {
  if (version.family === "async") return err.message;
  const warning = err.stage === "deploy" && version.cliDetachWarning ? `${CLI_DETACH_WARNING}\n` : "";
  return `${warning}${err.message}\n`;
}

/** The emulator's runtime. */
export class Emulator {
  readonly state: EmulatorState;
  private deployQueue: Promise<unknown> = Promise.resolve();
  /**
   * How many deploys ran, how long (wall time) the serialized deploy queue was busy with them
   * (the floor a client can reach), how much of that was the emulator's own work (checks,
   * parsing, creating objects), which counts towards `deployDurationMs` rather than adding to it,
   * and when (epoch ms, wall clock) the first deploy started and the last one ended.
   */
  readonly deployStats = { count: 0, busyMs: 0, workMs: 0, firstStartedAt: null as number | null, lastEndedAt: null as number | null };
  private deployWaiters: Array<() => void> = [];
  /** Emulator-clock time at which the last deploy's slot in the queue ends (see runStackDeploy). */
  private slotEnd = Number.NEGATIVE_INFINITY;

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: EmulatorClock,
  ) {
    this.state = new EmulatorState(options, clock);
  }

  /** The configured version (a `version` fault changes only the request it matches). */
  get version(): PortainerVersion {
    return this.state.version;
  }

  log(line: string): void {
    this.options.logger(line);
  }

  /** Whether the endpoint is unreachable; `consume` uses an occurrence of the fault. */
  endpointDown(endpointId: number, consume: boolean): boolean {
    return this.state.faults.endpointDown(endpointId, consume);
  }

  /** `Status` as reported: 2 when configured down or while an `endpoint-down` fault is active. */
  endpointStatus(endpoint: EndpointRecord): 1 | 2 {
    return endpoint.status === 2 || this.endpointDown(endpoint.id, false) ? 2 : 1;
  }

  /**
   * Runs `docker stack deploy` for Portainer: queued behind every other deploy of the instance
   * (Portainer's `stackDeployer` mutex), holding the queue for `deployDurationMs` on the emulator
   * clock in all. `inline` is the synchronous family's deploy inside the request; `background` the
   * asynchronous family's deploy after the response.
   * Resolves to `undefined` on success or the {@link DeployError} the CLI would have printed.
   *
   * Timing: a deploy's slot starts when Portainer would hand it the mutex (when it is queued, or
   * when the previous slot ends if that is later) and ends `deployDurationMs` later, or when the
   * emulator's checks and parsing end if they take longer. That work runs first, inside the slot,
   * then the deploy waits for the rest of it and applies its changes to the swarm at its end.
   * Applying, and a timer firing late on a busy event loop, are the emulator's own overhead: they
   * delay this deploy's answer by that much but do not push back the next deploy's slot.
   */
  runStackDeploy(
    endpoint: EndpointRecord,
    input: StackDeployInput,
    mode: "inline" | "background",
  ): Promise<DeployError | undefined> {
    const queuedAt = this.clock.now();
    const run = async (): Promise<DeployError | undefined> => {
      const started = performance.now();
      this.deployStats.firstStartedAt ??= Date.now();
      const deadline = Math.max(queuedAt, this.slotEnd) + this.options.deployDurationMs;
      let work = 0;
      try {
        const prepared = await this.prepareDeploy(input);
        work += performance.now() - started;
        this.slotEnd = Math.max(deadline, this.clock.now());
        // A background deploy always waits for a clock tick, so a manual-clock test sees the
        // stack "deploying" until it advances time.
        const remaining = Math.max(0, deadline - this.clock.now());
        if (mode === "background") await tickOn(this.clock, remaining);
        else await sleepOn(this.clock, remaining);
        if (prepared instanceof DeployError) {
          this.log(`deploy of ${input.name} failed: ${prepared.message}`);
          return prepared;
        }
        const applying = performance.now();
        try {
          return this.applyDeploy(endpoint, input, prepared);
        } finally {
          work += performance.now() - applying;
        }
      } finally {
        this.deployStats.count++;
        this.deployStats.busyMs += performance.now() - started;
        this.deployStats.workMs += work;
        this.deployStats.lastEndedAt = Date.now();
      }
    };
    const result = this.deployQueue.then(run, run);
    this.deployQueue = result.catch(() => undefined);
    const waiters = this.deployWaiters;
    this.deployWaiters = [];
    for (const resolve of waiters) resolve();
    return result;
  }

  /** Resolves when the next deploy is queued (its request passed validation and the name check). */
  nextDeploy(): Promise<void> {
    return new Promise((resolve) => this.deployWaiters.push(resolve));
  }

  /**
   * The part of a deploy that changes nothing: the optional docker CLI check, the name check and
   * the parsed stack file. Done first, so its time counts towards `deployDurationMs`.
   */
  private async prepareDeploy(input: StackDeployInput): Promise<StackFile | DeployError> {
    const env = input.env ?? [];
    // Go's exec appends the pairs to the environment; a later duplicate wins.
    const lookup = (name: string): string | undefined => {
      let found: string | undefined;
      for (const pair of env) if (pair.name === name) found = pair.value;
      return found;
    };
    try {
      if (this.options.dockerCli) {
        const rejected = await validateWithDockerCli(this.options.dockerCli, input.content, env);
        if (rejected !== undefined) return new DeployError(rejected, "load");
      }
      if (input.name.trim() === "" || input.name.trim() !== input.name) {
        return new DeployError(`invalid stack name: ${JSON.stringify(input.name)}`, "load");
      }
      return parseStackFile(input.content, lookup);
    } catch (err) {
      if (err instanceof DeployError) return err;
      throw err;
    }
  }

  /** The part of a deploy that changes the swarm, done at the end of the deploy's time. */
  private applyDeploy(endpoint: EndpointRecord, input: StackDeployInput, file: StackFile): DeployError | undefined {
    try {
      if (this.endpointDown(endpoint.id, true)) return new DeployError(UNREACHABLE_MESSAGE, "deploy");
      deployStack(
        { cluster: endpoint.cluster, images: this.state.images, clock: this.clock },
        {
          namespace: input.name,
          file,
          prune: input.prune,
          resolveImage: input.resolveImage,
          projectPath: input.projectPath,
        },
      );
      this.log(`deployed stack ${input.name} on endpoint ${endpoint.id}`);
      return undefined;
    } catch (err) {
      if (err instanceof DeployError) {
        this.log(`deploy of ${input.name} failed: ${err.message}`);
        return err;
      }
      throw err;
    }
  }

  /**
   * Runs `docker stack rm` for Portainer. Returns the CLI's stderr on failure (unreachable
   * endpoint, objects still in use), `undefined` on success.
   */
  runStackRemove(endpoint: EndpointRecord, name: string): string | undefined {
    if (this.endpointDown(endpoint.id, true)) return `${UNREACHABLE_MESSAGE}\n`;
    // `docker stack rm` starts by listing services, which a non-manager refuses.
    if (!endpoint.cluster.isManager) return `Error response from daemon: ${NOT_A_MANAGER}\n`;
    return removeStack(endpoint.cluster, name);
  }

  /** Stops timers and open streams. */
  dispose(): void {
    for (const endpoint of this.state.endpoints.values()) {
      endpoint.engine.dispose();
      for (const followers of endpoint.cluster.logFollowers.values()) for (const f of followers) f.end();
    }
    this.deployWaiters = [];
    this.clock.dispose();
  }
}
