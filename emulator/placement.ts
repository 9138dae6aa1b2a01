/**
 * Scheduling decisions as swarmkit makes them: a pipeline of node filters (ready, resources,
 * constraints, max replicas) and, when no node passes, the `no suitable node (…)` explanation
 * listing each filter's failures, most frequent first (`manager/scheduler/{filter,pipeline}.go`).
 */
import { isTerminal, type NodeModel, type SwarmCluster, type TaskModel } from "./swarm";

interface Constraint {
  key: string;
  equal: boolean;
  value: string;
}

const KEY_RE = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE_RE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;

/** `constraint.Parse`; returns the swarmkit error text for an invalid expression. */
export function parseConstraints(exprs: string[]): Constraint[] | { error: string } {
  const out: Constraint[] = [];
  for (const expr of exprs) {
    const op = ["==", "!="].find((o) => expr.includes(o));
    if (!op) return { error: "constraint expected one operator from ==, !=" };
    const index = expr.indexOf(op);
    const key = expr.slice(0, index).trim();
    const value = expr.slice(index + op.length).trim();
    if (!KEY_RE.test(key)) return { error: `key '${key}' is invalid` };
    if (!VALUE_RE.test(value)) return { error: `value '${value}' is invalid` };
    out.push({ key, equal: op === "==", value });
  }
  return out;
}

function matches(c: Constraint, ...candidates: string[]): boolean {
  const hit = candidates.some((candidate) => candidate.toLowerCase() === c.value.toLowerCase());
  return c.equal ? hit : !hit;
}

function nodeMatches(constraints: Constraint[], node: NodeModel): boolean {
  for (const c of constraints) {
    const key = c.key.toLowerCase();
    if (key === "node.id") {
      if (!matches(c, node.id)) return false;
    } else if (key === "node.hostname") {
      if (!matches(c, node.hostname)) return false;
    } else if (key === "node.role") {
      if (!matches(c, node.role)) return false;
    } else if (key === "node.platform.os") {
      if (!matches(c, "linux")) return false;
    } else if (key === "node.platform.arch") {
      if (!matches(c, "x86_64", "amd64")) return false;
    } else if (key.startsWith("node.labels.")) {
      // Label keys are case sensitive in swarmkit; only the value comparison folds case.
      const label = node.labels[c.key.slice("node.labels.".length)];
      if (label === undefined ? c.equal : !matches(c, label)) return false;
    } else if (key.startsWith("engine.labels.")) {
      if (c.equal) return false;
    } else {
      // Unknown keys never match (swarmkit: "key doesn't match predefined syntax").
      return false;
    }
  }
  return true;
}

/** Sum of reservations of live tasks assigned to `node`. */
function reserved(cluster: SwarmCluster, node: NodeModel): { cpus: number; memory: number } {
  let cpus = 0;
  let memory = 0;
  for (const task of cluster.tasks.values()) {
    if (task.nodeId !== node.id || isTerminal(task.state)) continue;
    if (task.desiredState === "shutdown" || task.desiredState === "remove") continue;
    cpus += task.spec.Resources?.Reservations?.NanoCPUs ?? 0;
    memory += task.spec.Resources?.Reservations?.MemoryBytes ?? 0;
  }
  return { cpus, memory };
}

/** Outcome of one scheduling attempt. */
export type Placement = { node: NodeModel } | { error: string };

type FilterName = "ready" | "resources" | "constraints" | "maxReplicas";

const EXPLAIN: Record<FilterName, (n: number) => string> = {
  ready: (n) => (n === 1 ? "1 node not available for new tasks" : `${n} nodes not available for new tasks`),
  resources: (n) => (n === 1 ? "insufficient resources on 1 node" : `insufficient resources on ${n} nodes`),
  constraints: (n) =>
    n === 1 ? "scheduling constraints not satisfied on 1 node" : `scheduling constraints not satisfied on ${n} nodes`,
  maxReplicas: () => "max replicas per node limit exceed",
};

/**
 * Picks a node for `task`, or explains why none fits. `forceInsufficient` models the
 * `unschedulable` fault: every otherwise available node reports insufficient resources.
 */
export function placeTask(cluster: SwarmCluster, task: TaskModel, forceInsufficient: boolean): Placement {
  const parsed = parseConstraints(task.spec.Placement?.Constraints ?? []);
  const constraints = Array.isArray(parsed) ? parsed : [];
  const need = task.spec.Resources?.Reservations ?? {};
  const maxReplicas = task.spec.Placement?.MaxReplicas ?? 0;
  const failures = new Map<FilterName, number>();
  const fits: NodeModel[] = [];

  for (const node of cluster.nodes.values()) {
    let failed: FilterName | undefined;
    if (node.state !== "ready" || node.availability !== "active") failed = "ready";
    else if (forceInsufficient) failed = "resources";
    else {
      const used = reserved(cluster, node);
      if (
        (need.NanoCPUs ?? 0) > node.nanoCpus - used.cpus ||
        (need.MemoryBytes ?? 0) > node.memoryBytes - used.memory
      ) {
        failed = "resources";
      } else if (!nodeMatches(constraints, node)) failed = "constraints";
      else if (maxReplicas > 0) {
        const running = [...cluster.tasks.values()].filter(
          (t) => t.serviceId === task.serviceId && t.nodeId === node.id && !isTerminal(t.state),
        ).length;
        if (running >= maxReplicas) failed = "maxReplicas";
      }
    }
    if (failed) failures.set(failed, (failures.get(failed) ?? 0) + 1);
    else fits.push(node);
  }

  if (fits.length === 0) {
    const explanation = [...failures.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => EXPLAIN[name](count))
      .join("; ");
    return { error: explanation ? `no suitable node (${explanation})` : "no suitable node" };
  }

  // Spread: fewest tasks of this service first, then fewest tasks overall (swarmkit's defaults).
  const load = (node: NodeModel, sameService: boolean): number =>
    [...cluster.tasks.values()].filter(
      (t) => t.nodeId === node.id && !isTerminal(t.state) && (!sameService || t.serviceId === task.serviceId),
    ).length;
  const chosen = [...fits].sort((a, b) => load(a, true) - load(b, true) || load(a, false) - load(b, false))[0];
  return chosen ? { node: chosen } : { error: "no suitable node" };
}
