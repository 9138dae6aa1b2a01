/**
 * `/__emulator/…`: the control surface over HTTP, for end-to-end runs and benchmarks in another
 * process. Not part of Portainer's API; no auth, not counted, never faulted. Bodies are JSON and
 * validated; errors answer `{ "message", "issues"? }`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { z, ZodError } from "zod";
import type { EmulatorControl } from "../control";
import { DeployError, DockerApiError, EmulatorControlError, EmulatorConfigError } from "../errors";
import { faultSpecSchema } from "../faults";
import { sendJson } from "../http";
import type { Emulator } from "../runtime";
import { Router } from "./router";

/** The control prefix. */
export const CONTROL_PREFIX = "/__emulator";

interface ControlContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  body: unknown;
  control: EmulatorControl;
  emulator: Emulator;
}

const endpointId = z.number().int().positive().optional();
const lines = z.array(z.object({ stream: z.enum(["stdout", "stderr"]).optional(), text: z.string() }).strict());

const schemas = {
  advance: z.object({ ms: z.number().nonnegative() }).strict(),
  runUntilIdle: z.object({ maxMs: z.number().positive().optional() }).strict(),
  version: z.object({ version: z.string().min(1) }).strict(),
  status: z.object({ status: z.union([z.literal(1), z.literal(2)]) }).strict(),
  manager: z.object({ manager: z.boolean() }).strict(),
  logs: z.object({ endpointId, service: z.string().min(1), lines }).strict(),
  node: z
    .object({
      endpointId,
      availability: z.enum(["active", "pause", "drain"]).optional(),
      state: z.enum(["ready", "down"]).optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
  newNode: z
    .object({
      endpointId,
      hostname: z.string().min(1),
      role: z.enum(["manager", "worker"]).optional(),
      labels: z.record(z.string(), z.string()).optional(),
      nanoCpus: z.number().int().positive().optional(),
      memoryBytes: z.number().int().positive().optional(),
    })
    .strict(),
  push: z.object({ ref: z.string().min(1) }).strict(),
  compose: z.object({ endpointId, project: z.string().min(1), name: z.string().optional(), image: z.string().optional() }).strict(),
  outside: z
    .object({
      endpointId,
      name: z.string().min(1),
      stackFileContent: z.string().min(1),
      env: z.array(z.object({ name: z.string(), value: z.string() }).strict()).optional(),
    })
    .strict(),
  network: z
    .object({
      endpointId,
      name: z.string().min(1),
      driver: z.string().optional(),
      scope: z.enum(["swarm", "local"]).optional(),
      subnet: z.string().optional(),
      attachable: z.boolean().optional(),
    })
    .strict(),
  object: z
    .object({ endpointId, name: z.string().min(1), data: z.string(), labels: z.record(z.string(), z.string()).optional() })
    .strict(),
};

const ok = (ctx: ControlContext, body: unknown = { ok: true }, status = 200): void => sendJson(ctx.res, status, body);

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

function stateSummary(ctx: ControlContext): Record<string, unknown> {
  const { state } = ctx.emulator;
  return {
    version: state.version.raw,
    family: state.version.family,
    clock: { now: ctx.emulator.clock.now() },
    deploys: { ...ctx.emulator.deployStats },
    // CPU time of the process the emulator runs in (all of it when run on its own, as by the CLI).
    process: { cpuMs: cpuMs(process.cpuUsage()) },
    endpoints: [...state.endpoints.values()].map((e) => ({
      id: e.id,
      name: e.name,
      status: ctx.emulator.endpointStatus(e),
      swarmId: e.cluster.swarmId,
      swarmManager: e.cluster.isManager,
      nodes: ctx.control.nodes(e.id),
      services: ctx.control.services(e.id),
      tasks: ctx.control.tasks(e.id),
      networks: [...e.cluster.networks.values()].map((n) => ({ id: n.id, name: n.name, scope: n.scope, driver: n.driver })),
      volumes: ctx.control.volumes(e.id),
      configs: [...e.cluster.configs.values()].map((c) => ({ id: c.id, name: c.name })),
      secrets: [...e.cluster.secrets.values()].map((s) => ({ id: s.id, name: s.name })),
    })),
    stacks: ctx.control.stacks(),
    faults: ctx.control.faults(),
    requests: ctx.control.requestCounts(),
  };
}

const router = new Router<ControlContext>()
  .get("/__emulator", (ctx) =>
    ok(ctx, {
      name: "portainer-emulator",
      note: "Test control surface of the Portainer emulator; not part of Portainer's API.",
      routes: [
        "GET /__emulator/state",
        "GET|DELETE /__emulator/requests",
        "GET|POST|DELETE /__emulator/faults",
        "DELETE /__emulator/faults/{id}",
        "POST /__emulator/clock/advance",
        "POST /__emulator/clock/run-until-idle",
        "PUT /__emulator/version",
        "PUT /__emulator/endpoints/{id}/status",
        "PUT /__emulator/endpoints/{id}/swarm-manager",
        "POST /__emulator/logs",
        "POST /__emulator/nodes",
        "PUT /__emulator/nodes/{hostname}",
        "POST /__emulator/networks",
        "DELETE /__emulator/networks/{name}",
        "POST /__emulator/configs",
        "POST /__emulator/secrets",
        "POST /__emulator/images/push",
        "POST /__emulator/compose-containers",
        "POST /__emulator/stacks/outside",
        "POST /__emulator/reset",
      ],
    }),
  )
  .get("/__emulator/state", (ctx) => ok(ctx, stateSummary(ctx)))
  .get("/__emulator/requests", (ctx) => {
    const counts = ctx.control.requestCounts();
    ok(ctx, { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) });
  })
  .delete("/__emulator/requests", (ctx) => {
    ctx.control.resetRequestCounts();
    ok(ctx);
  })
  .get("/__emulator/faults", (ctx) => ok(ctx, ctx.control.faults()))
  .post("/__emulator/faults", (ctx) => ok(ctx, { id: ctx.control.addFault(faultSpecSchema.parse(ctx.body)) }, 201))
  .delete("/__emulator/faults", (ctx) => {
    ctx.control.clearFaults();
    ok(ctx);
  })
  .delete("/__emulator/faults/{id}", (ctx) => {
    if (!ctx.control.removeFault(ctx.params.id ?? "")) throw new EmulatorControlError(`no fault ${ctx.params.id}`);
    ok(ctx);
  })
  .post("/__emulator/clock/advance", (ctx) => {
    ctx.control.advance(schemas.advance.parse(ctx.body).ms);
    ok(ctx, { now: ctx.emulator.clock.now() });
  })
  .post("/__emulator/clock/run-until-idle", (ctx) => {
    const elapsed = ctx.control.runUntilIdle(schemas.runUntilIdle.parse(ctx.body ?? {}).maxMs);
    ok(ctx, { elapsedMs: elapsed, now: ctx.emulator.clock.now() });
  })
  .put("/__emulator/version", (ctx) => {
    ctx.control.setPortainerVersion(schemas.version.parse(ctx.body).version);
    ok(ctx, { version: ctx.control.portainerVersion });
  })
  .put("/__emulator/endpoints/{id}/status", (ctx) => {
    ctx.control.setEndpointStatus(Number(ctx.params.id), schemas.status.parse(ctx.body).status);
    ok(ctx);
  })
  .put("/__emulator/endpoints/{id}/swarm-manager", (ctx) => {
    ctx.control.setSwarmManager(Number(ctx.params.id), schemas.manager.parse(ctx.body).manager);
    ok(ctx);
  })
  .post("/__emulator/logs", (ctx) => {
    ctx.control.appendServiceLogs(schemas.logs.parse(ctx.body));
    ok(ctx);
  })
  .post("/__emulator/nodes", (ctx) => {
    const { endpointId: id, ...seed } = schemas.newNode.parse(ctx.body);
    ok(ctx, { id: ctx.control.addNode(seed, id) }, 201);
  })
  .put("/__emulator/nodes/{hostname}", (ctx) => {
    const { endpointId: id, ...patch } = schemas.node.parse(ctx.body);
    ctx.control.setNode(ctx.params.hostname ?? "", patch, id);
    ok(ctx);
  })
  .post("/__emulator/networks", (ctx) => ok(ctx, { id: ctx.control.addNetwork(schemas.network.parse(ctx.body)) }, 201))
  .delete("/__emulator/networks/{name}", (ctx) => {
    const id = ctx.url.searchParams.get("endpointId");
    ctx.control.removeNetwork(ctx.params.name ?? "", id ? Number(id) : undefined);
    ok(ctx);
  })
  .post("/__emulator/configs", (ctx) => ok(ctx, { id: ctx.control.createConfig(schemas.object.parse(ctx.body)) }, 201))
  .post("/__emulator/secrets", (ctx) => ok(ctx, { id: ctx.control.createSecret(schemas.object.parse(ctx.body)) }, 201))
  .post("/__emulator/images/push", (ctx) => ok(ctx, { digest: ctx.control.pushImage(schemas.push.parse(ctx.body).ref) }))
  .post("/__emulator/compose-containers", (ctx) =>
    ok(ctx, { id: ctx.control.addComposeContainer(schemas.compose.parse(ctx.body)) }, 201),
  )
  .post("/__emulator/stacks/outside", (ctx) => {
    ctx.control.deployOutsidePortainer(schemas.outside.parse(ctx.body));
    ok(ctx);
  })
  .post("/__emulator/reset", (ctx) => {
    ctx.control.reset();
    ok(ctx);
  });

/** Handles a `/__emulator` request. */
export async function handleControl(
  emulator: Emulator,
  control: EmulatorControl,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rawBody: Buffer,
): Promise<void> {
  const match = router.match(req.method ?? "GET", url.pathname);
  if (match.kind !== "found") {
    sendJson(res, match.kind === "not-found" ? 404 : 405, { message: `no control route ${req.method} ${url.pathname}` });
    return;
  }
  let body: unknown;
  try {
    const text = rawBody.toString("utf8");
    body = text.trim() === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    sendJson(res, 400, { message: "invalid JSON body" });
    return;
  }
  try {
    await match.handler({ req, res, url, params: match.params, body, control, emulator });
  } catch (err) {
    if (err instanceof ZodError) sendJson(res, 400, { message: "invalid control request", issues: err.issues });
    else if (err instanceof DeployError) sendJson(res, 422, { message: err.message });
    else if (err instanceof DockerApiError) sendJson(res, err.status, { message: err.message });
    else if (err instanceof EmulatorControlError || err instanceof EmulatorConfigError) sendJson(res, 400, { message: err.message });
    else throw err;
  }
}
