/**
 * Fault injection. A fault is switched on through `control.addFault` or `POST /__emulator/faults`,
 * is scoped to an endpoint, a stack, a service, an image and/or a route, and may expire after N occurrences.
 *
 * - HTTP faults (`delay`, `http-error`, `drop-connection`, `version`) act on matching requests;
 *   each matching request uses one occurrence.
 * - Task faults (`image-pull-failure`, `crash-loop`) decide the fate of matching tasks; each
 *   affected task uses one occurrence. `unschedulable` holds up to `times` tasks pending until the
 *   fault is removed.
 * - `endpoint-down` makes an endpoint unreachable (Status 2, proxy 502); each request that hits
 *   the down endpoint uses one occurrence.
 */
import { z } from "zod";

/** Every fault kind, HTTP-level and task-level. */
export const FAULT_KINDS = [
  "image-pull-failure",
  "crash-loop",
  "unschedulable",
  "delay",
  "http-error",
  "drop-connection",
  "endpoint-down",
  "version",
] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

const logLine = z.object({ stream: z.enum(["stdout", "stderr"]), text: z.string() }).strict();

/** Validation schema of a fault, shared by `control.addFault` and the HTTP control route. */
export const faultSpecSchema = z
  .object({
    kind: z.enum(FAULT_KINDS),
    /** Only requests/tasks of this endpoint. */
    endpointId: z.number().int().positive().optional(),
    /** Only this stack (normalized name / `com.docker.stack.namespace`). */
    stack: z.string().min(1).optional(),
    /** Only this service: the compose name (`mautic_web`) or the full name (`acme_mautic_web`). */
    service: z.string().min(1).optional(),
    /** Only tasks of this image (`mautic/mautic:7.2.0-apache`; a digest the deploy pinned is ignored). */
    image: z.string().min(1).optional(),
    /** Only this route: `"METHOD /pattern"`, a pattern (`/api/stacks/{id}`) or a literal path. */
    route: z.string().min(1).optional(),
    /** Expire after this many occurrences; absent means until removed. */
    times: z.number().int().positive().optional(),
    /** `delay`: milliseconds of wall time before the request is handled. */
    delayMs: z.number().int().nonnegative().optional(),
    /** `http-error`: status code (default 500). */
    status: z.number().int().min(400).max(599).optional(),
    /** `http-error`: `message` of the Portainer error body. */
    message: z.string().optional(),
    /** `http-error`: `details` of the Portainer error body. */
    details: z.string().optional(),
    /** `drop-connection`: carry the request out first, then drop the connection instead of answering. */
    afterHandling: z.boolean().optional(),
    /** `crash-loop`: exit code of the crashing container (default 1). */
    exitCode: z.number().int().min(1).max(255).optional(),
    /** `version`: the Portainer version matching requests are answered as. */
    version: z.string().optional(),
    /** `crash-loop`/`image-pull-failure`: lines written to the service log when the task fails. */
    logLines: z.array(logLine).optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.kind === "delay" && spec.delayMs === undefined) {
      ctx.addIssue({ code: "custom", message: "delay faults need delayMs", path: ["delayMs"] });
    }
    if (spec.kind === "version" && !spec.version) {
      ctx.addIssue({ code: "custom", message: "version faults need version", path: ["version"] });
    }
  });

/** A fault as given by a test. */
export type FaultSpec = z.input<typeof faultSpecSchema>;

/** A registered fault with its remaining occurrences. */
export interface ActiveFault {
  readonly id: string;
  readonly spec: z.output<typeof faultSpecSchema>;
  /** Occurrences left; `undefined` = unlimited. */
  remaining: number | undefined;
  /** Occurrences used so far. */
  hits: number;
}

/** What a request looks like to the fault matcher. */
export interface RequestScope {
  method: string;
  /** Route pattern, e.g. `/api/stacks/{id}`. */
  pattern: string;
  path: string;
  endpointId?: number;
  stackName?: string;
}

/** What a task looks like to the fault matcher. */
export interface TaskScope {
  endpointId: number;
  /** `com.docker.stack.namespace` of the service, if any. */
  stack?: string;
  /** Full service name. */
  service: string;
  /** The task's image, as the service spec has it (possibly pinned `@sha256:…`). */
  image?: string;
}

const HTTP_KINDS = new Set<FaultKind>(["delay", "http-error", "drop-connection", "version"]);

/** Holds the active faults and decides which one applies. */
export class FaultRegistry {
  private readonly faults: ActiveFault[] = [];
  private nextId = 1;
  private readonly listeners: Array<() => void> = [];

  /** Registers a fault; throws a `ZodError` for an invalid spec. */
  add(input: FaultSpec): ActiveFault {
    const spec = faultSpecSchema.parse(input);
    const fault: ActiveFault = { id: `fault-${this.nextId++}`, spec, remaining: spec.times, hits: 0 };
    this.faults.push(fault);
    this.changed();
    return fault;
  }

  remove(id: string): boolean {
    const index = this.faults.findIndex((f) => f.id === id);
    if (index < 0) return false;
    this.faults.splice(index, 1);
    this.changed();
    return true;
  }

  clear(): void {
    if (this.faults.length === 0) return;
    this.faults.length = 0;
    this.changed();
  }

  list(): ActiveFault[] {
    return [...this.faults];
  }

  /** Called whenever faults are added or expire, so pending tasks can be re-scheduled. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** HTTP faults matching `scope`, each consuming one occurrence. */
  takeHttpFaults(scope: RequestScope): ActiveFault[] {
    const hits = this.faults.filter((f) => HTTP_KINDS.has(f.spec.kind) && this.matchesRequest(f, scope));
    for (const fault of hits) this.consume(fault);
    return hits;
  }

  /** Whether `endpointId` is down; `consume` uses one occurrence of the fault. */
  endpointDown(endpointId: number, consume: boolean): boolean {
    const fault = this.faults.find(
      (f) => f.spec.kind === "endpoint-down" && (f.spec.endpointId === undefined || f.spec.endpointId === endpointId),
    );
    if (!fault) return false;
    if (consume) this.consume(fault);
    return true;
  }

  /** The first `image-pull-failure`/`crash-loop` fault matching `scope`, consuming one occurrence. */
  takeTaskFault(kind: "image-pull-failure" | "crash-loop", scope: TaskScope): ActiveFault | undefined {
    const fault = this.faults.find((f) => f.spec.kind === kind && matchesTask(f, scope));
    if (fault) this.consume(fault);
    return fault;
  }

  /**
   * Claims an `unschedulable` fault for one task. Unlike the other task faults it is not removed
   * when its occurrences run out: `times` caps how many tasks it holds, and the held tasks stay
   * pending until the fault is removed (otherwise `times: 1` would release its task at once).
   */
  claimUnschedulable(scope: TaskScope): ActiveFault | undefined {
    const fault = this.faults.find(
      (f) => f.spec.kind === "unschedulable" && (f.remaining === undefined || f.remaining > 0) && matchesTask(f, scope),
    );
    if (!fault) return undefined;
    fault.hits += 1;
    if (fault.remaining !== undefined) fault.remaining -= 1;
    return fault;
  }

  /** Whether the fault with this ID is still registered. */
  isActive(id: string): boolean {
    return this.faults.some((f) => f.id === id);
  }

  private matchesRequest(fault: ActiveFault, scope: RequestScope): boolean {
    const { spec } = fault;
    if (spec.endpointId !== undefined && spec.endpointId !== scope.endpointId) return false;
    if (spec.stack !== undefined && spec.stack !== scope.stackName) return false;
    if (spec.route !== undefined) {
      const route = spec.route.trim();
      const space = route.indexOf(" ");
      if (space > 0) {
        const method = route.slice(0, space).toUpperCase();
        const target = route.slice(space + 1).trim();
        if (method !== "*" && method !== scope.method) return false;
        if (target !== scope.pattern && target !== scope.path) return false;
      } else if (route !== scope.pattern && route !== scope.path) {
        return false;
      }
    }
    return true;
  }

  private consume(fault: ActiveFault): void {
    fault.hits += 1;
    if (fault.remaining === undefined) return;
    fault.remaining -= 1;
    if (fault.remaining <= 0) {
      const index = this.faults.indexOf(fault);
      if (index >= 0) this.faults.splice(index, 1);
      this.changed();
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function matchesTask(fault: ActiveFault, scope: TaskScope): boolean {
  const { spec } = fault;
  if (spec.endpointId !== undefined && spec.endpointId !== scope.endpointId) return false;
  if (spec.stack !== undefined && spec.stack !== scope.stack) return false;
  if (spec.service !== undefined) {
    const composeName = scope.stack && scope.service.startsWith(`${scope.stack}_`)
      ? scope.service.slice(scope.stack.length + 1)
      : scope.service;
    if (spec.service !== scope.service && spec.service !== composeName) return false;
  }
  if (spec.image !== undefined && (scope.image === undefined || scope.image.split("@")[0] !== spec.image)) return false;
  return true;
}
