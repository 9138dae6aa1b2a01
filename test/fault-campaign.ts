/**
 * The provisioning fault campaign: one cell = one fault kind injected against the Portainer
 * emulator when a provisioning phase starts, with a panel of its own (startTestApp: its own SQLite
 * file, its own emulator on port 0, short deadlines and poll intervals), then a verdict on how the
 * panel converged. `checkConvergence` is the generic part: the invariants any run must end with,
 * given the panel's database and a view of the emulator's stacks and services.
 *
 * Used by test/fault-campaign.integration.test.ts (pass/fail) and bench/fault-campaign.ts (the full
 * matrix as a table).
 */
import fs from "node:fs";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { startEmulator, type EmulatorControl, type FaultSpec, type RunningEmulator } from "../emulator";
import type { PrismaClient } from "../server/db/client";
import { SYSTEM } from "../server/events/tenant-events";
import type { TenantPhase } from "../server/generated/prisma/enums";
import { PHASES } from "../server/provisioning/handlers/provision";
import { opsStackNameFor, stackNameFor } from "../server/stacks/names";
import { startTestApp, TEST_PORTAINER_KEY, type TestApp } from "./app";

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

/** What the checker needs of the emulator: `EmulatorControl` fits, so does an HTTP client of `/__emulator/state`. */
export interface SwarmView {
  stacks(): Array<Record<string, unknown>> | Promise<Array<Record<string, unknown>>>;
  services(): Array<Record<string, unknown>> | Promise<Array<Record<string, unknown>>>;
}

/** Events after which a phase may be started again: a retry, a resumed job, a recovered tenant. */
export const RESTART_EVENT_TYPES: ReadonlySet<string> = new Set([
  "phase.retrying",
  "job.retrying",
  "job.recovered",
  "tenant.retry_requested",
  "status.changed",
]);

/** One tenant as the checker saw it. */
export interface TenantVerdict {
  tenantId: string;
  slug: string;
  status: string;
  phase: string | null;
  /** ACTIVE, or ERROR with a cause. */
  settled: boolean;
  /** Tenant.statusReason (GraphQL `lastError`) when the tenant is in ERROR. */
  cause: string | null;
  /** Stacks in Portainer under the tenant's stack name. */
  stacks: number;
  /** The tenant's latest job: how it ended, and after how many retries. */
  lastJob: { type: string; status: string; attempts: number; maxAttempts: number } | null;
  /** Status, stack and job problems (a duplicate stack, ERROR without a cause, a job left open…). */
  problems: string[];
  /** Event history problems (out of order, a phase skipped or completed twice, a lost event…). */
  eventProblems: string[];
}

export interface ConvergenceReport {
  tenants: TenantVerdict[];
  /** Portainer stacks no (non-deleted) tenant owns. */
  orphanStacks: string[];
  /** Stack namespaces of services that have no Portainer stack (deployed or left behind outside Portainer). */
  orphanServices: string[];
  /** Problems across tenants (e.g. holes in the event ids). */
  problems: string[];
}

interface EventRow {
  id: number;
  createdAt: Date;
  type: string;
  level: string;
  phase: string | null;
  message: string;
}

const DONE = new Set(["ACTIVE", "ERROR"]);

/**
 * The provisioning history of one tenant (its events in id order) against the rules: ids strictly
 * increasing with time; phases started in PHASES order with none skipped, each completed at most once
 * and only while open; a phase started again only after a restart or retry event; at most one
 * `tenant.active`, and only after every phase completed; an ACTIVE tenant has it; an ERROR tenant has
 * an ERROR event naming its cause.
 */
export function eventProblems(
  tenant: { status: string; phase: string | null; statusReason: string | null },
  events: readonly EventRow[],
  restartTypes: ReadonlySet<string> = RESTART_EVENT_TYPES,
): string[] {
  const problems: string[] = [];
  const completed = new Set<string>();
  const skipped = new Set<string>();
  let open: string | null = null;
  let restartedSinceStart = false;
  let actives = 0;
  let previous: EventRow | undefined;
  for (const event of events) {
    if (previous && !(event.id > previous.id)) problems.push(`event ${event.id} (${event.type}) comes after event ${previous.id}`);
    if (previous && event.createdAt.getTime() < previous.createdAt.getTime()) {
      problems.push(`event ${event.id} (${event.type}) is older than event ${previous.id} before it`);
    }
    previous = event;
    if (restartTypes.has(event.type)) restartedSinceStart = true;
    const phase = event.phase ?? "?";
    if (event.type === "phase.started") {
      const index = PHASES.indexOf(phase as TenantPhase);
      if (open !== null && open === phase) {
        if (!restartedSinceStart) problems.push(`${phase} started again (event ${event.id}) with no restart or retry event since it started`);
      } else if (open !== null) {
        problems.push(`${phase} started (event ${event.id}) while ${open} was still open`);
      } else if (completed.has(phase)) {
        problems.push(`${phase} started again (event ${event.id}) after it completed`);
      } else if (index < 0) {
        problems.push(`an unknown phase ${phase} started (event ${event.id})`);
      } else {
        // Each skipped phase is reported once, at the first phase started without it.
        const missing = PHASES.slice(0, index).filter((p) => !completed.has(p) && !skipped.has(p));
        for (const p of missing) skipped.add(p);
        if (missing.length > 0) problems.push(`${phase} started (event ${event.id}) with ${missing.join(", ")} not completed`);
      }
      open = phase;
      restartedSinceStart = false;
    } else if (event.type === "phase.completed") {
      if (completed.has(phase)) problems.push(`${phase} completed twice (event ${event.id})`);
      else if (open !== phase) problems.push(`${phase} completed (event ${event.id}) without being started`);
      completed.add(phase);
      if (open === phase) open = null;
    } else if (event.type === "tenant.active") {
      actives++;
      if (actives > 1) problems.push(`tenant.active recorded again (event ${event.id})`);
      const notDone = PHASES.filter((p) => !completed.has(p));
      if (notDone.length > 0) problems.push(`tenant.active (event ${event.id}) before ${notDone.join(", ")} completed`);
    }
  }
  if (tenant.status === "ACTIVE" && actives === 0) problems.push("ACTIVE without a tenant.active event");
  if (tenant.status === "ERROR") {
    const cause = tenant.statusReason?.trim() ?? "";
    // statusReason is "<PHASE>: <message>"; the event says "<PHASE> failed: <message>".
    const words = cause.replace(/^[A-Z_]+: /, "");
    const named = events.some((e) => e.level === "ERROR" && words !== "" && e.message.includes(words));
    if (cause !== "" && !named) problems.push(`no ERROR event names the cause "${cause.slice(0, 120)}"`);
    if (tenant.phase && open !== null && open !== tenant.phase) problems.push(`ERROR at ${tenant.phase}, but the open phase in the events is ${open}`);
  }
  return problems;
}

/**
 * Checks every non-deleted tenant (or those given) against the emulator: settled (ACTIVE, or ERROR
 * with a cause), one stack per tenant that needs one and none no tenant owns, no job left open for
 * a settled tenant, and an orderly event history (see {@link eventProblems}).
 */
export async function checkConvergence(
  prisma: PrismaClient,
  emulator: SwarmView,
  options: { tenantIds?: readonly string[]; restartTypes?: ReadonlySet<string> } = {},
): Promise<ConvergenceReport> {
  const [stacks, services, everyTenant] = await Promise.all([
    emulator.stacks(),
    emulator.services(),
    prisma.tenant.findMany({
      where: { status: { not: "DELETED" } },
      select: { id: true, slug: true, status: true, phase: true, statusReason: true, stackId: true, stackName: true },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const tenants = options.tenantIds ? everyTenant.filter((t) => options.tenantIds!.includes(t.id)) : everyTenant;
  const ids = tenants.map((t) => t.id);
  const [events, allJobs] = await Promise.all([
    prisma.tenantEvent.findMany({
      where: { tenantId: { in: ids } },
      select: { id: true, tenantId: true, createdAt: true, type: true, level: true, phase: true, message: true },
      orderBy: { id: "asc" },
    }),
    prisma.job.findMany({
      where: { tenantId: { in: ids } },
      select: { tenantId: true, type: true, status: true, attempts: true, maxAttempts: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    }),
  ]);
  const stackName = (s: Record<string, unknown>) => String(s.Name ?? "");
  const owned = new Set(everyTenant.flatMap((t) => [t.stackName ?? stackNameFor(t.slug), opsStackNameFor(t.slug)]));

  const verdicts = tenants.map((tenant): TenantVerdict => {
    const name = tenant.stackName ?? stackNameFor(tenant.slug);
    const mine = stacks.filter((s) => stackName(s) === name);
    const problems: string[] = [];
    const cause = tenant.status === "ERROR" ? (tenant.statusReason?.trim() || null) : null;
    if (!DONE.has(tenant.status)) problems.push(`still ${tenant.status}${tenant.phase ? ` at ${tenant.phase}` : ""}`);
    if (tenant.status === "ERROR" && cause === null) problems.push("ERROR without a cause (lastError is empty)");
    if (mine.length > 1) problems.push(`${mine.length} stacks named ${name} (ids ${mine.map((s) => s.Id).join(", ")})`);
    if (tenant.status === "ACTIVE") {
      if (mine.length === 0) problems.push(`ACTIVE, but Portainer has no stack ${name}`);
      else if (mine.length === 1 && mine[0]!.Id !== tenant.stackId) problems.push(`records stack ${tenant.stackId}, but Portainer's ${name} is ${String(mine[0]!.Id)}`);
    }
    if (tenant.stackId !== null && mine.length > 0 && !mine.some((s) => s.Id === tenant.stackId)) {
      problems.push(`records stack ${tenant.stackId}, which Portainer does not have under ${name}`);
    }
    const jobs = allJobs.filter((j) => j.tenantId === tenant.id && (j.status === "QUEUED" || j.status === "RUNNING"));
    if (DONE.has(tenant.status) && jobs.length > 0) problems.push(`${tenant.status}, but ${jobs.map((j) => `${j.type} ${j.status}`).join(", ")} is still open`);
    return {
      tenantId: tenant.id,
      slug: tenant.slug,
      status: tenant.status,
      phase: tenant.phase,
      settled: tenant.status === "ACTIVE" || (tenant.status === "ERROR" && cause !== null),
      cause,
      stacks: mine.length,
      lastJob: allJobs.find((j) => j.tenantId === tenant.id) ?? null,
      problems,
      eventProblems: eventProblems(tenant, events.filter((e) => e.tenantId === tenant.id), options.restartTypes),
    };
  });

  const stackNames = new Set(stacks.map(stackName));
  const namespaces = new Set(
    services
      .map((s) => ((s.Spec as { Labels?: Record<string, string> } | undefined)?.Labels ?? {})["com.docker.stack.namespace"])
      .filter((n): n is string => typeof n === "string"),
  );
  const problems: string[] = [];
  // Event ids are SQLite AUTOINCREMENT: a rolled-back write leaves no hole, so a hole is a lost event.
  const all = await prisma.tenantEvent.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  const holes: number[] = [];
  for (let i = 1; i < all.length && holes.length < 10; i++) {
    for (let id = all[i - 1]!.id + 1; id < all[i]!.id && holes.length < 10; id++) holes.push(id);
  }
  if (holes.length > 0) problems.push(`event ids missing: ${holes.join(", ")}`);
  return {
    tenants: verdicts,
    orphanStacks: [...stackNames].filter((n) => !owned.has(n)).sort(),
    orphanServices: [...namespaces].filter((n) => !stackNames.has(n)).sort(),
    problems,
  };
}

/** A cell's (or a run's) outcome: see {@link verdictOf}. */
export type Verdict = "converged" | "stuck" | "duplicated" | "disordered";

/**
 * - duplicated: a tenant has more than one stack, or a stack (or stack's services) no tenant owns;
 * - stuck: a tenant is neither ACTIVE nor ERROR, or is ERROR without a cause, or has a job left open;
 * - disordered: every tenant settled, but events are missing or out of order;
 * - converged: none of these.
 */
export function verdictOf(report: ConvergenceReport): Verdict {
  if (report.orphanStacks.length > 0 || report.orphanServices.length > 0 || report.tenants.some((t) => t.stacks > 1)) return "duplicated";
  if (report.tenants.some((t) => !t.settled || t.problems.length > 0)) return "stuck";
  if (report.problems.length > 0 || report.tenants.some((t) => t.eventProblems.length > 0)) return "disordered";
  return "converged";
}

/** Every problem of a report, one line each, for messages and logs. */
export function reportProblems(report: ConvergenceReport): string[] {
  return [
    ...report.problems,
    ...report.orphanStacks.map((n) => `stack ${n} belongs to no tenant`),
    ...report.orphanServices.map((n) => `services of ${n} have no Portainer stack`),
    ...report.tenants.flatMap((t) => [...t.problems, ...t.eventProblems].map((p) => `${t.slug}: ${p}`)),
  ];
}

// ---------------------------------------------------------------------------------------------
// A gate in front of the emulator: "Portainer is down" as refused connections
// ---------------------------------------------------------------------------------------------

/**
 * A TCP pass-through in front of the emulator. `refuse()` stops listening and cuts every open
 * connection (what the panel sees when Portainer's process is gone: refused connections, and resets
 * of the requests in flight); `restore()` listens on the same port again.
 */
export class PortainerGate {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async open(targetUrl: string): Promise<PortainerGate> {
    const url = new URL(targetUrl);
    const gate = new PortainerGate({ host: url.hostname, port: Number(url.port) });
    await gate.listen(0);
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async refuse(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    // The port was ours a moment ago; something else may have taken it meanwhile: try a while.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.listen(this.port);
        return;
      } catch (error) {
        if (attempt >= 50) throw error;
        await sleep(20);
      }
    }
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        this.port = (server.address() as net.AddressInfo).port;
        this.server = server;
        resolve();
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

/** The fault kinds of the campaign, in the issue's order. */
export const CAMPAIGN_FAULTS = ["down", "slow", "http-500", "dropped", "conflict-409", "image-failure", "crash-loop", "unschedulable", "endpoint-down"] as const;
export type CampaignFault = (typeof CAMPAIGN_FAULTS)[number];

/** Transient faults are removed after the window; the others stay until the cell ends. */
export const TRANSIENT_FAULTS: ReadonlySet<CampaignFault> = new Set(["down", "slow", "http-500", "dropped", "conflict-409", "endpoint-down"]);

/** Timing of a cell. The defaults keep a cell to a few seconds. */
export interface CampaignSettings {
  pollMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  phaseTimeoutSeconds: number;
  /** The panel's Portainer request timeout (30 s in production; scaled down like the rest). */
  requestTimeoutMs: number;
  /** How long a transient fault lasts. */
  windowMs: number;
  /**
   * When the window starts: at the injection, or at the fault's first bite (so that every cell's
   * fault really lasts the window where it matters; at most FIRST_BITE_WAIT_MS after the injection).
   */
  windowFrom: "injection" | "first-bite";
  /** The delay of the "slow" fault (the issue's 30 s: always longer than the request timeout). */
  slowDelayMs: number;
  /** Tenants per cell: all but the last are created first; the last one while the fault is on. */
  tenants: number;
  /** A cell whose tenants have not all settled by then is stuck. */
  budgetMs: number;
  portainerVersion?: string;
}

export const DEFAULT_SETTINGS: CampaignSettings = {
  pollMs: 25,
  retryBaseMs: 20,
  retryMaxMs: 200,
  phaseTimeoutSeconds: 3,
  requestTimeoutMs: 500,
  windowMs: 1000,
  windowFrom: "injection",
  slowDelayMs: 30_000,
  tenants: 3,
  budgetMs: 30_000,
};

interface FaultTarget {
  control: EmulatorControl;
  gate: PortainerGate;
  stacks: readonly string[];
  settings: CampaignSettings;
  /** Calls the panel saw refused or cut (the gate cannot count them itself). */
  refusals(): number;
}

/** A fault switched on: how often it bit so far, and how to switch it off. */
interface InjectedFault {
  hits(): number;
  off(): Promise<void>;
}

/** Emulator faults, switched off together; a fault that expired after `times` bit `times` times. */
function emulatorFaults(control: EmulatorControl, specs: FaultSpec[]): InjectedFault {
  const added = specs.map((spec) => ({ id: control.addFault(spec), times: spec.times }));
  let final: number | undefined;
  const hits = () => {
    const active = new Map(control.faults().map((f) => [f.id, f.hits]));
    return added.reduce((sum, fault) => sum + (active.get(fault.id) ?? fault.times ?? 0), 0);
  };
  return {
    hits: () => final ?? hits(),
    async off() {
      final ??= hits();
      for (const fault of added) control.removeFault(fault.id);
    },
  };
}

/** What each campaign fault does to the emulator (see emulator/README.md, "Faults"). */
export const FAULT_DESCRIPTIONS: Record<CampaignFault, string> = {
  down: "Portainer unreachable: connections refused (a gate in front of the emulator stops listening and cuts open connections)",
  slow: "every request delayed (delay fault; longer than the panel's request timeout)",
  "http-500": "http-error 500 on every route",
  dropped: "drop-connection after handling on every write the panel sends while provisioning (config and secret creates, stack create and update): Portainer acts, the answer is lost",
  "conflict-409":
    "409 where Portainer answers one: stack create \"A stack with the normalized name '…' already exists\", stack update \"Stack deployment is already in progress\" (times 2 each, per tenant stack)",
  "image-failure": "image-pull-failure on every tenant task (persistent)",
  "crash-loop": "crash-loop of mautic_web (persistent)",
  unschedulable: "unschedulable: every new task stays pending (persistent)",
  "endpoint-down": "endpoint-down on environment 1 (Status 2, Docker proxy 502, name check 500)",
};

/**
 * The writes a provision sends. Dropping every route would make the reads before each write (the
 * stack looked up before it is created) take the whole window; dropping the writes makes the fault
 * bite where a lost answer could duplicate something.
 */
const WRITES = [
  "POST /api/endpoints/{id}/docker/configs/create",
  "POST /api/endpoints/{id}/docker/secrets/create",
  "POST /api/stacks/create/swarm/string",
  "PUT /api/stacks/{id}",
];

async function inject(fault: CampaignFault, target: FaultTarget): Promise<InjectedFault> {
  const { control, gate, stacks, settings } = target;
  switch (fault) {
    case "down": {
      const before = target.refusals();
      await gate.refuse();
      return {
        hits: () => target.refusals() - before,
        off: () => gate.restore(),
      };
    }
    case "slow":
      return emulatorFaults(control, [{ kind: "delay", delayMs: settings.slowDelayMs }]);
    case "http-500":
      return emulatorFaults(control, [{ kind: "http-error", status: 500, message: "Internal server error", details: "Internal server error" }]);
    case "dropped":
      return emulatorFaults(
        control,
        WRITES.map((route) => ({ kind: "drop-connection", route, afterHandling: true })),
      );
    case "conflict-409":
      return emulatorFaults(
        control,
        stacks.flatMap((stack): FaultSpec[] => {
          const taken = `A stack with the normalized name '${stack}' already exists`;
          return [
            { kind: "http-error", status: 409, route: "POST /api/stacks/create/swarm/string", stack, message: taken, details: taken, times: 2 },
            { kind: "http-error", status: 409, route: "PUT /api/stacks/{id}", stack, message: "Unable to update stack", details: "Stack deployment is already in progress", times: 2 },
          ];
        }),
      );
    case "image-failure":
      return emulatorFaults(control, [{ kind: "image-pull-failure" }]);
    case "crash-loop":
      return emulatorFaults(control, [{ kind: "crash-loop", service: "mautic_web" }]);
    case "unschedulable":
      return emulatorFaults(control, [{ kind: "unschedulable" }]);
    case "endpoint-down":
      return emulatorFaults(control, [{ kind: "endpoint-down", endpointId: 1 }]);
  }
}

// ---------------------------------------------------------------------------------------------
// A cell
// ---------------------------------------------------------------------------------------------

export interface CellResult {
  fault: CampaignFault;
  phase: TenantPhase;
  verdict: Verdict;
  /** Each tenant's final status, in creation order (the last one was created during the fault). */
  statuses: string[];
  /** From the first tenant's creation until every tenant settled (or the budget ran out). */
  durationMs: number;
  /** How often the fault bit: the emulator's count of faulted requests or tasks; for `down`, the panel's calls refused or cut. */
  hits: number;
  /** The phase never started, so the fault was not injected (a campaign problem, not the panel's). */
  injected: boolean;
  report: ConvergenceReport;
  /** The panel's WARN and ERROR log lines (Portainer retries, failed jobs), for evidence. */
  warnings: string[];
}


/** With `windowFrom: "first-bite"`, the window starts this long after the injection at the latest. */
const FIRST_BITE_WAIT_MS = 2000;

/**
 * Runs one cell: a panel of its own, `settings.tenants` tenants (all but one created at once, the
 * last one right after the fault is injected), the fault injected when the first tenant starts
 * `phase`, removed after the window if transient; then waits until every tenant is ACTIVE or ERROR
 * (or the budget runs out) and checks the invariants.
 */
export async function runCell(
  kind: CampaignFault,
  phase: TenantPhase,
  options: Partial<CampaignSettings> & { databasePath?: () => string } = {},
): Promise<CellResult> {
  const settings = { ...DEFAULT_SETTINGS, ...options };
  if (settings.tenants < 2) throw new RangeError("a cell needs at least 2 tenants: one to reach the phase, one created during the fault");
  const emulator: RunningEmulator = await startEmulator({
    port: 0,
    apiKey: TEST_PORTAINER_KEY,
    taskDelayMs: 2,
    ...(settings.portainerVersion ? { portainerVersion: settings.portainerVersion } : {}),
  });
  let gate: PortainerGate | undefined;
  let t: TestApp | undefined;
  let fault: InjectedFault | undefined;
  let switchedOff: Promise<void> | undefined;
  const switchOff = () => (switchedOff ??= fault ? fault.off() : Promise.resolve());
  try {
    gate = await PortainerGate.open(emulator.url);
    t = await startTestApp(
      {
        // Debug: every failed Portainer call is a line (how the refusals of `down` are counted).
        LOG_LEVEL: "debug",
        PROVISIONING_POLL_INTERVAL_MS: String(settings.pollMs),
        PROVISIONING_RETRY_BASE_MS: String(settings.retryBaseMs),
        PROVISIONING_RETRY_MAX_MS: String(settings.retryMaxMs),
        PROVISIONING_PHASE_TIMEOUT_SECONDS: String(settings.phaseTimeoutSeconds),
      },
      {
        reuseEmulator: emulator,
        portainer: { url: gate.url, timeoutMs: settings.requestTimeoutMs },
        ...(options.databasePath ? { databasePath: options.databasePath() } : {}),
      },
    );
    const { services } = t.app;
    const logs = t.logs;
    const owner = await services.users.create({ email: "campaign-owner@example.com", password: "campaign password 123", role: "CLIENT" });
    const slugs = Array.from({ length: settings.tenants }, (_, i) => `cell-${i + 1}`);
    const create = async (slug: string) =>
      (await services.tenants.create({ name: slug, slug, domain: `${slug}.example.com`, ownerId: owner.id }, SYSTEM)).id;

    // Inject when the first tenant starts the phase: the event is published once its write commits,
    // before the phase's first call to Portainer leaves the process.
    const target: FaultTarget = {
      control: emulator.control,
      gate,
      stacks: slugs.map(stackNameFor),
      settings,
      refusals: () => logs.filter((line) => line.includes('"msg":"Portainer call failed"') && /"reason":"CONNECTION_(REFUSED|RESET)"/.test(line)).length,
    };
    const subscription = services.bus.subscribe("tenant:event:any");
    let injected = false;
    let removed = !TRANSIENT_FAULTS.has(kind);
    const watching = (async () => {
      for await (const event of subscription) {
        if (event.type !== "phase.started" || event.phase !== phase) continue;
        injected = true;
        fault = await inject(kind, target);
        if (!removed) {
          const on = fault;
          void (async () => {
            if (settings.windowFrom === "first-bite") {
              for (const until = performance.now() + FIRST_BITE_WAIT_MS; on.hits() === 0 && performance.now() < until; ) await sleep(5);
            }
            await sleep(settings.windowMs);
            await switchOff();
            removed = true;
          })();
        }
        return;
      }
    })();

    const started = performance.now();
    const ids: string[] = [];
    for (const slug of slugs.slice(0, -1)) ids.push(await create(slug));
    let statuses: string[] = [];
    let settledAt = 0;
    for (;;) {
      if (fault && ids.length < slugs.length) ids.push(await create(slugs.at(-1)!));
      const rows = await services.prisma.tenant.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
      statuses = ids.map((id) => rows.find((r) => r.id === id)?.status ?? "MISSING");
      const allDone = statuses.every((s) => DONE.has(s));
      // A transient fault is switched off before the cell ends, so it ends with Portainer healthy.
      if (allDone && ids.length === slugs.length && removed) {
        settledAt = performance.now();
        break;
      }
      // Every tenant settled before any started the phase: nothing will be injected.
      if (allDone && !injected) break;
      if (performance.now() - started > settings.budgetMs) break;
      await sleep(50);
    }
    const durationMs = (settledAt || performance.now()) - started;
    await subscription.return?.();
    await watching;
    await switchOff();
    const report = await checkConvergence(services.prisma, emulator.control, { tenantIds: ids });
    return {
      fault: kind,
      phase,
      verdict: verdictOf(report),
      statuses,
      durationMs,
      hits: fault?.hits() ?? 0,
      injected,
      report,
      warnings: logs.filter((line) => /"level":(40|50|60)[,}]/.test(line)),
    };
  } finally {
    await switchOff().catch(() => undefined);
    await t?.close();
    await gate?.close();
    await emulator.close();
    if (t && options.databasePath) for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(`${t.databasePath}${suffix}`, { force: true });
  }
}

/** Runs cells `parallel` at a time, reporting each result as it comes. */
export async function runCells<T>(cells: readonly T[], parallel: number, run: (cell: T) => Promise<CellResult>, onResult?: (result: CellResult) => void): Promise<CellResult[]> {
  const results: CellResult[] = new Array(cells.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(parallel, cells.length)) }, async () => {
    while (next < cells.length) {
      const index = next++;
      const result = await run(cells[index]!);
      results[index] = result;
      onResult?.(result);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Short form of a verdict and its tenants' ends: `ok AAE 2.1s` (A ACTIVE, E ERROR, ? other). */
export function cellLabel(result: CellResult): string {
  const ends = result.statuses.map((s) => (s === "ACTIVE" ? "A" : s === "ERROR" ? "E" : "?")).join("");
  const verdict = !result.injected ? "NOT-INJECTED" : result.verdict === "converged" ? "ok" : result.verdict.toUpperCase();
  return `${verdict} ${ends} ${(result.durationMs / 1000).toFixed(1)}s`;
}

/** The matrix as text: faults (rows) × phases (columns). */
export function formatTable(results: readonly CellResult[], faults: readonly CampaignFault[], phases: readonly TenantPhase[]): string {
  const label = (fault: CampaignFault, phase: TenantPhase) => {
    const result = results.find((r) => r.fault === fault && r.phase === phase);
    return result ? cellLabel(result) : "-";
  };
  const first = Math.max(5, ...faults.map((f) => f.length));
  const widths = phases.map((p) => Math.max(p.length, ...faults.map((f) => label(f, p).length)));
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(first) : c.padEnd(widths[i - 1]!))).join("  ").trimEnd();
  return [row(["fault", ...phases]), row(["-".repeat(first), ...widths.map((w) => "-".repeat(w))]), ...faults.map((f) => row([f, ...phases.map((p) => label(f, p))]))].join("\n");
}
