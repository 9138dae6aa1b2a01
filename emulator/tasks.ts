/**
 * The task engine: swarmkit's orchestrator, scheduler and agent folded into one clock-driven
 * state machine. Every step takes `taskDelayMs` on the emulator clock:
 *
 *   new → pending → assigned → accepted → preparing → ready → starting → running
 *
 * then `complete` for jobs. Failures follow `agent/exec/controller.go`: an error before
 * `starting` ends in `rejected`, at or after it in `failed`; the restart policy then creates a
 * replacement in the same slot. Messages are swarmkit's ("created", "pending task scheduling",
 * "scheduler assigned task to node", …). Placement lives in `placement.ts`.
 */
import type { EmulatorClock, TimerHandle } from "./clock";
import type { FaultRegistry, TaskScope } from "./faults";
import { panelJobOutput } from "./panel-jobs";
import { placeTask } from "./placement";
import {
  isTerminal,
  STACK_NAMESPACE_LABEL,
  stableJson,
  type LogEntry,
  type Orchestrator,
  type ServiceMode,
  type ServiceModel,
  type SwarmCluster,
  type TaskModel,
  type TaskState,
} from "./swarm";

/** Events for which the engine writes service log lines. */
export type TaskLogEvent = "start" | "complete" | "fail";

/** Lines a task writes to its service log at an event; see `taskLogLines` in the options. */
export type TaskLogHook = (event: {
  kind: TaskLogEvent;
  serviceName: string;
  /** Compose service name (after the `<stack>_` prefix) when the service belongs to a stack. */
  composeService: string;
  stack?: string;
  taskId: string;
  slot?: number;
  hostname: string;
  image: string;
  /** The container's environment (`KEY=value` entries of the spec, as a map). */
  env: Readonly<Record<string, string>>;
  exitCode?: number;
}) => Array<{ stream: "stdout" | "stderr"; text: string }>;

/** Default lines: enough to show where logs come from without pretending to be the real app. */
export const defaultTaskLogLines: TaskLogHook = (event) => {
  switch (event.kind) {
    case "start":
      return [
        {
          stream: "stdout",
          text: `[portainer-emulator] ${event.serviceName}.${event.slot ?? 0} started on ${event.hostname} (image ${event.image})`,
        },
      ];
    case "complete":
      return [
        ...(panelJobOutput(event.composeService, event.env) ?? []),
        { stream: "stdout", text: `[portainer-emulator] ${event.serviceName} finished with exit code 0` },
      ];
    case "fail":
      return [
        { stream: "stderr", text: `[portainer-emulator] ${event.serviceName} exited with code ${event.exitCode ?? 1}` },
      ];
  }
};

/** Engine tuning. */
export interface TaskEngineOptions {
  /** Virtual or wall milliseconds per task state step. */
  taskDelayMs: number;
  taskLogLines: TaskLogHook;
}

/** Swarmkit keeps this many tasks per slot (`TaskHistoryRetentionLimit`). */
const HISTORY_LIMIT = 5;

const isJob = (mode: ServiceMode): boolean => "ReplicatedJob" in mode || "GlobalJob" in mode;
const isGlobal = (mode: ServiceMode): boolean => "Global" in mode || "GlobalJob" in mode;

/** Number of slots a replicated (job) service runs at once. */
export function replicasOf(mode: ServiceMode): number {
  if ("Replicated" in mode) return mode.Replicated.Replicas;
  if ("ReplicatedJob" in mode) return mode.ReplicatedJob.MaxConcurrent;
  return 0;
}

/** Hash of a task template; a different hash means the service needs new tasks. */
export function templateHash(service: ServiceModel): string {
  return stableJson(service.spec.TaskTemplate);
}

/** Implements {@link Orchestrator} for one cluster. */
export class TaskEngine implements Orchestrator {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly cluster: SwarmCluster,
    private readonly clock: EmulatorClock,
    private readonly faults: FaultRegistry,
    private readonly options: TaskEngineOptions,
  ) {}

  serviceCreated(service: ServiceModel): void {
    this.startTasks(service);
  }

  serviceUpdated(service: ServiceModel, taskSpecChanged: boolean, previousMode: ServiceMode): void {
    const mode = service.spec.Mode;
    if (isJob(mode)) {
      // Any update of a job starts a new iteration: the job runs again (swarmkit jobs orchestrator).
      for (const task of this.cluster.tasksOf(service.id)) {
        if (!isTerminal(task.state)) this.retire(task, "shutdown");
      }
      service.jobIteration += 1;
      this.startTasks(service);
      return;
    }
    if (isGlobal(mode)) {
      if (taskSpecChanged) {
        for (const task of this.activeTasks(service)) {
          task.replaceOnShutdown = true;
          this.retire(task, "shutdown");
        }
      }
      return;
    }
    const replicas = replicasOf(mode);
    const before = isGlobal(previousMode) || isJob(previousMode) ? 0 : replicasOf(previousMode);
    if (taskSpecChanged) {
      const active = this.activeTasks(service).filter((t) => (t.slot ?? 0) <= replicas);
      if (active.length > 0) {
        service.updateStatus = {
          State: "updating",
          StartedAt: new Date(this.clock.now()).toISOString(),
          Message: "update in progress",
        };
      }
      const order = service.spec.UpdateConfig?.Order ?? "stop-first";
      for (const task of active) {
        if (order === "start-first") {
          const next = this.createTask(service, task.slot);
          next.replaces = task.id;
        } else {
          task.replaceOnShutdown = true;
          this.retire(task, "shutdown");
        }
      }
    }
    for (let slot = before + 1; slot <= replicas; slot++) this.ensureSlot(service, slot);
    for (const task of this.activeTasks(service)) {
      if ((task.slot ?? 0) > replicas) this.retire(task, "remove");
    }
  }

  serviceRemoved(service: ServiceModel): void {
    for (const task of this.cluster.tasksOf(service.id)) {
      if (isTerminal(task.state)) {
        // Already finished tasks are reaped with the service.
        task.desiredState = "remove";
        this.scheduleDeletion(task);
      } else {
        this.retire(task, "remove");
      }
    }
  }

  nodesChanged(): void {
    for (const task of this.cluster.tasks.values()) {
      const node = task.nodeId ? this.cluster.nodes.get(task.nodeId) : undefined;
      if (!node || isTerminal(task.state) || task.state === "pending" || task.state === "new") continue;
      if (node.state !== "ready" && task.desiredState !== "shutdown" && task.desiredState !== "remove") {
        // The agent is gone: the task cannot progress; the orchestrator replaces it elsewhere.
        this.cancelTimer(task.id);
        task.desiredState = "shutdown";
        this.touch(task);
        const service = this.cluster.services.get(task.serviceId);
        if (service && !isJob(service.spec.Mode)) {
          if (isGlobal(service.spec.Mode)) continue;
          this.ensureSlot(service, task.slot ?? 1);
        }
      } else if (
        node.state === "ready" &&
        node.availability === "drain" &&
        (task.desiredState === "running" || task.desiredState === "complete")
      ) {
        // Draining moves tasks off the node: stop here, replace wherever placement allows.
        const service = this.cluster.services.get(task.serviceId);
        task.replaceOnShutdown = service !== undefined && !isGlobal(service.spec.Mode) && !isJob(service.spec.Mode);
        this.retire(task, "shutdown");
      } else if (node.state === "ready" && !this.timers.has(task.id) && task.desiredState !== "running") {
        this.schedule(task);
      }
    }
    for (const service of this.cluster.services.values()) {
      if (isGlobal(service.spec.Mode) && !isJob(service.spec.Mode)) this.startTasks(service);
    }
    this.reschedulePending();
  }

  /** Retries every pending task that is waiting for a node. */
  reschedulePending(): void {
    for (const task of [...this.cluster.tasks.values()]) {
      if (task.state === "pending" && !this.timers.has(task.id) && !isTerminal(task.state)) {
        if (task.desiredState === "running" || task.desiredState === "complete") this.trySchedule(task);
      }
    }
  }

  /** Stops all timers (emulator shutdown or reset). */
  dispose(): void {
    for (const handle of this.timers.values()) this.clock.clearTimer(handle);
    this.timers.clear();
  }

  private startTasks(service: ServiceModel): void {
    const mode = service.spec.Mode;
    if (isGlobal(mode)) {
      for (const node of this.cluster.nodes.values()) {
        const has = this.cluster
          .tasksOf(service.id)
          .some(
            (t) =>
              t.nodeId === node.id &&
              !isTerminal(t.state) &&
              (t.desiredState === "running" || t.desiredState === "complete") &&
              (t.jobIteration ?? 0) === service.jobIteration,
          );
        if (!has && node.state === "ready" && node.availability === "active") this.createTask(service, undefined, node.id);
      }
      return;
    }
    for (let slot = 1; slot <= replicasOf(mode); slot++) {
      if (isJob(mode)) this.createTask(service, slot);
      else this.ensureSlot(service, slot);
    }
  }

  /** Tasks meant to be running for `service` (current iteration, not being shut down). */
  private activeTasks(service: ServiceModel): TaskModel[] {
    return this.cluster
      .tasksOf(service.id)
      .filter((t) => !isTerminal(t.state) && (t.desiredState === "running" || t.desiredState === "complete"));
  }

  /** Creates the slot's task unless one is already active (guards restarts racing updates). */
  private ensureSlot(service: ServiceModel, slot: number): void {
    if (!this.cluster.services.has(service.id)) return;
    if (slot > replicasOf(service.spec.Mode)) return;
    if (this.activeTasks(service).some((t) => t.slot === slot)) return;
    this.createTask(service, slot);
  }

  private createTask(service: ServiceModel, slot: number | undefined, nodeId?: string): TaskModel {
    const now = this.clock.now();
    const job = isJob(service.spec.Mode);
    const task: TaskModel = {
      id: this.cluster.ids.swarmId(),
      serviceId: service.id,
      serviceName: service.spec.Name,
      serviceLabels: { ...service.spec.Labels },
      slot,
      nodeId,
      createdAt: now,
      updatedAt: now,
      version: this.cluster.nextVersion(),
      state: "new",
      message: "created",
      stateAt: now,
      desiredState: job ? "complete" : "running",
      spec: structuredClone(service.spec.TaskTemplate),
      specHash: service.specHash,
      jobIteration: job ? service.jobIteration : undefined,
      addresses: [],
    };
    this.cluster.tasks.set(task.id, task);
    this.schedule(task);
    this.pruneHistory(service, slot, nodeId);
    return task;
  }

  private schedule(task: TaskModel, delay = this.options.taskDelayMs): void {
    this.cancelTimer(task.id);
    const handle = this.clock.setTimer(delay, () => {
      this.timers.delete(task.id);
      this.step(task.id);
    });
    this.timers.set(task.id, handle);
  }

  private cancelTimer(taskId: string): void {
    const handle = this.timers.get(taskId);
    if (handle) this.clock.clearTimer(handle);
    this.timers.delete(taskId);
  }

  private touch(task: TaskModel): void {
    task.updatedAt = this.clock.now();
    task.version = this.cluster.nextVersion();
  }

  private setState(task: TaskModel, state: TaskState, message: string): void {
    task.state = state;
    task.message = message;
    task.stateAt = this.clock.now();
    this.touch(task);
  }

  /** Asks a task to stop; `remove` also deletes it once it is shut down. */
  private retire(task: TaskModel, desired: "shutdown" | "remove"): void {
    task.desiredState = desired;
    this.touch(task);
    const node = task.nodeId ? this.cluster.nodes.get(task.nodeId) : undefined;
    // A task on a down node stays as it is until the node comes back.
    if (!node || node.state === "ready" || !task.nodeId) this.schedule(task);
  }

  private step(taskId: string): void {
    const task = this.cluster.tasks.get(taskId);
    if (!task) return;
    if ((task.desiredState === "shutdown" || task.desiredState === "remove") && !isTerminal(task.state)) {
      this.shutDown(task);
      return;
    }
    if (isTerminal(task.state)) return;
    switch (task.state) {
      case "new":
        this.setState(task, "pending", "pending task scheduling");
        this.schedule(task);
        return;
      case "pending":
        this.trySchedule(task);
        return;
      case "assigned":
        this.setState(task, "accepted", "accepted");
        this.schedule(task);
        return;
      case "accepted":
        this.setState(task, "preparing", "preparing");
        this.schedule(task);
        return;
      case "preparing":
        this.prepare(task);
        return;
      case "ready":
        this.setState(task, "starting", "starting");
        this.schedule(task);
        return;
      case "starting":
        this.start(task);
        return;
      case "running":
        this.finishRun(task);
        return;
      default:
        return;
    }
  }

  private scope(task: TaskModel): TaskScope {
    return {
      endpointId: this.cluster.endpointId,
      stack: task.serviceLabels[STACK_NAMESPACE_LABEL],
      service: task.serviceName,
      image: task.spec.ContainerSpec.Image,
    };
  }

  private trySchedule(task: TaskModel): void {
    if (task.heldByUnschedulable && !this.faults.isActive(task.heldByUnschedulable)) {
      task.heldByUnschedulable = undefined;
    }
    if (!task.heldByUnschedulable) {
      const held = this.faults.claimUnschedulable(this.scope(task));
      if (held) task.heldByUnschedulable = held.id;
    }
    let error: string | undefined;
    let nodeId: string | undefined;
    if (task.nodeId && !task.slot) {
      // Global task: bound to its node.
      const node = this.cluster.nodes.get(task.nodeId);
      if (!node || node.state !== "ready" || node.availability !== "active") {
        error = "no suitable node (1 node not available for new tasks)";
      } else if (task.heldByUnschedulable) error = "no suitable node (insufficient resources on 1 node)";
      else nodeId = node.id;
    } else {
      const placement = placeTask(this.cluster, task, task.heldByUnschedulable !== undefined);
      if ("error" in placement) error = placement.error;
      else nodeId = placement.node.id;
    }
    if (error !== undefined) {
      if (task.err !== error) {
        task.err = error;
        this.touch(task);
      }
      return;
    }
    task.nodeId = nodeId;
    task.err = undefined;
    for (const attachment of task.spec.Networks ?? []) {
      const network = this.cluster.networks.get(attachment.Target);
      if (network) task.addresses.push({ networkId: network.id, addr: this.cluster.allocateAddress(network) });
    }
    this.setState(task, "assigned", "scheduler assigned task to node");
    this.schedule(task);
  }

  private prepare(task: TaskModel): void {
    const fault = this.faults.takeTaskFault("image-pull-failure", this.scope(task));
    if (fault) {
      task.fault = { kind: "image-pull-failure", exitCode: 0, logLines: fault.spec.logLines ?? [] };
      const image = task.spec.ContainerSpec.Image.split("@")[0] ?? task.spec.ContainerSpec.Image;
      this.fail(task, "rejected", `No such image: ${image}`);
      return;
    }
    task.containerId = this.cluster.ids.hex64();
    this.createVolumes(task);
    this.setState(task, "ready", "prepared");
    this.schedule(task);
  }

  private createVolumes(task: TaskModel): void {
    if (!task.nodeId) return;
    for (const mount of task.spec.ContainerSpec.Mounts ?? []) {
      if (mount.Type !== "volume") continue;
      const name = mount.Source || this.cluster.ids.hex64();
      if (mount.Source) mount.Source = name;
      if (this.cluster.findVolume(name, task.nodeId)) continue;
      this.cluster.volumes.push({
        name,
        nodeId: task.nodeId,
        driver: mount.VolumeOptions?.DriverConfig?.Name || "local",
        labels: mount.Source ? { ...(mount.VolumeOptions?.Labels ?? {}) } : { "com.docker.volume.anonymous": "" },
        options: mount.VolumeOptions?.DriverConfig?.Options ?? null,
        createdAt: this.clock.now(),
      });
    }
  }

  private start(task: TaskModel): void {
    task.pid = 1000 + (task.version % 30000);
    this.setState(task, "running", "started");
    this.writeLogs(task, "start");
    const fault = this.faults.takeTaskFault("crash-loop", this.scope(task));
    if (fault) {
      task.fault = { kind: "crash-loop", exitCode: fault.spec.exitCode ?? 1, logLines: fault.spec.logLines ?? [] };
    }
    const service = this.cluster.services.get(task.serviceId);
    if (task.fault || (service && isJob(service.spec.Mode))) this.schedule(task);
    if (task.replaces) {
      const old = this.cluster.tasks.get(task.replaces);
      if (old && !isTerminal(old.state)) this.retire(old, "shutdown");
    }
    if (service) this.checkUpdateDone(service);
  }

  private finishRun(task: TaskModel): void {
    if (task.fault?.kind === "crash-loop") {
      task.exitCode = task.fault.exitCode;
      this.fail(task, "failed", `task: non-zero exit (${task.fault.exitCode})`);
      return;
    }
    task.exitCode = 0;
    task.pid = 0;
    this.setState(task, "complete", "finished");
    this.writeLogs(task, "complete");
    this.afterTerminal(task);
  }

  private fail(task: TaskModel, state: "failed" | "rejected", err: string): void {
    task.err = err;
    task.pid = 0;
    this.setState(task, state, task.message);
    this.writeLogs(task, "fail");
    const service = this.cluster.services.get(task.serviceId);
    if (
      service &&
      task.specHash === service.specHash &&
      service.updateStatus?.State === "updating" &&
      (service.spec.UpdateConfig?.FailureAction ?? "pause") === "pause"
    ) {
      service.updateStatus = {
        State: "paused",
        StartedAt: service.updateStatus.StartedAt,
        Message: `update paused due to failure or early termination of task ${task.id}`,
      };
    }
    this.afterTerminal(task);
  }

  /** Restart supervisor: decides whether the slot gets a replacement task. */
  private afterTerminal(task: TaskModel): void {
    const service = this.cluster.services.get(task.serviceId);
    this.reschedulePending();
    if (!service || task.desiredState === "shutdown" || task.desiredState === "remove") return;
    const job = isJob(service.spec.Mode);
    if (job && task.jobIteration !== service.jobIteration) return;
    const policy = service.spec.TaskTemplate.RestartPolicy;
    const condition = policy?.Condition ?? (job ? "on-failure" : "any");
    const failedRun = task.state === "failed" || task.state === "rejected";
    if (condition === "none") return;
    if (!failedRun && (job || condition === "on-failure")) return;
    if (failedRun && policy?.MaxAttempts) {
      const attempts = this.cluster
        .tasksOf(service.id)
        .filter(
          (t) =>
            // Same slot (replicated) or same node (global), same job run, failed.
            (task.slot !== undefined ? t.slot === task.slot : t.nodeId === task.nodeId) &&
            (t.state === "failed" || t.state === "rejected") &&
            t.jobIteration === task.jobIteration,
        ).length;
      if (attempts > policy.MaxAttempts) return;
    }
    task.desiredState = "shutdown";
    this.touch(task);
    const slot = task.slot;
    const nodeId = task.slot ? undefined : task.nodeId;
    this.clock.setTimer(this.options.taskDelayMs, () => {
      const current = this.cluster.services.get(service.id);
      if (!current) return;
      if (job) {
        if (task.jobIteration === current.jobIteration) this.createTask(current, slot, nodeId);
      } else if (slot !== undefined) this.ensureSlot(current, slot);
      else this.createTask(current, undefined, nodeId);
    });
  }

  private shutDown(task: TaskModel): void {
    task.pid = 0;
    this.setState(task, "shutdown", "shutdown");
    if (task.desiredState === "remove") this.scheduleDeletion(task);
    const service = this.cluster.services.get(task.serviceId);
    if (service && isGlobal(service.spec.Mode) && !isJob(service.spec.Mode)) {
      // One task per eligible node: covers updates and nodes that came back.
      task.replaceOnShutdown = false;
      this.startTasks(service);
    } else if (service && task.replaceOnShutdown) {
      task.replaceOnShutdown = false;
      if (task.slot !== undefined) this.ensureSlot(service, task.slot);
    }
    this.reschedulePending();
  }

  private scheduleDeletion(task: TaskModel): void {
    this.cancelTimer(task.id);
    const handle = this.clock.setTimer(this.options.taskDelayMs, () => {
      this.timers.delete(task.id);
      this.cluster.tasks.delete(task.id);
      this.reschedulePending();
    });
    this.timers.set(task.id, handle);
  }

  private checkUpdateDone(service: ServiceModel): void {
    if (service.updateStatus?.State !== "updating") return;
    const replicas = replicasOf(service.spec.Mode);
    for (let slot = 1; slot <= replicas; slot++) {
      const ok = this.cluster
        .tasksOf(service.id)
        .some((t) => t.slot === slot && t.specHash === service.specHash && t.state === "running");
      if (!ok) return;
    }
    service.updateStatus = {
      State: "completed",
      StartedAt: service.updateStatus.StartedAt,
      CompletedAt: new Date(this.clock.now()).toISOString(),
      Message: "update completed",
    };
  }

  /** Keeps at most {@link HISTORY_LIMIT} tasks per slot (per node for global services). */
  private pruneHistory(service: ServiceModel, slot: number | undefined, nodeId: string | undefined): void {
    const group = this.cluster
      .tasksOf(service.id)
      .filter((t) => (slot !== undefined ? t.slot === slot : t.nodeId === nodeId))
      .sort((a, b) => a.createdAt - b.createdAt || a.version - b.version);
    let excess = group.length - HISTORY_LIMIT;
    for (const task of group) {
      if (excess <= 0) break;
      if (!isTerminal(task.state)) continue;
      this.cancelTimer(task.id);
      this.cluster.tasks.delete(task.id);
      excess -= 1;
    }
  }

  private writeLogs(task: TaskModel, kind: TaskLogEvent): void {
    const stack = task.serviceLabels[STACK_NAMESPACE_LABEL];
    const node = task.nodeId ? this.cluster.nodes.get(task.nodeId) : undefined;
    const lines =
      kind === "fail" && task.fault && task.fault.logLines.length > 0
        ? task.fault.logLines
        : this.options.taskLogLines({
            kind,
            serviceName: task.serviceName,
            composeService:
              stack && task.serviceName.startsWith(`${stack}_`) ? task.serviceName.slice(stack.length + 1) : task.serviceName,
            stack,
            taskId: task.id,
            slot: task.slot,
            hostname: node?.hostname ?? "",
            image: task.spec.ContainerSpec.Image,
            env: Object.fromEntries((task.spec.ContainerSpec.Env ?? []).map((entry) => {
              const at = entry.indexOf("=");
              return at < 0 ? [entry, ""] : [entry.slice(0, at), entry.slice(at + 1)];
            })),
            exitCode: task.exitCode,
          });
    for (const line of lines) {
      const entry: LogEntry = { time: this.clock.now(), stream: line.stream, text: line.text, taskId: task.id, nodeId: task.nodeId };
      this.cluster.appendLog(task.serviceId, entry);
    }
  }
}
