/**
 * Stack routes (`api/http/handler/stacks/*.go`) for Swarm stacks created from a string, in both
 * behaviour families:
 *
 * - synchronous (2.20–2.39): create/update/start/stop/delete run the CLI inside the request; a
 *   failed create answers 500 with the CLI's stderr and saves nothing (the ID is still used up);
 * - asynchronous (newer): create and update save the stack as "deploying" (Status 3) and deploy in
 *   the background, recording the outcome in `Status` (1 or 4) and `DeploymentStatus`.
 *
 * Validation order and messages follow portainer-api.md §4–§6 and its verification.
 */
import { PortainerHttpError } from "../errors";
import {
  boolField,
  decodePayload,
  envField,
  field,
  numericParam,
  numericQuery,
  sendEmpty,
  sendJson,
  stringField,
  type RequestContext,
} from "../http";
import { formatDeployFailure, UNREACHABLE_MESSAGE, type Emulator } from "../runtime";
import { stackJson } from "../serialize";
import { StackStatus, type EndpointRecord, type StackRecord } from "../state";
import { NOT_A_MANAGER, STACK_NAMESPACE_LABEL } from "../swarm";
import { endpointNotFound } from "./endpoints";
import type { Router } from "./router";

/** `NormalizeStackName`: lower-case (Unicode-aware), then drop every run outside `[-_a-z0-9]`. */
export function normalizeStackName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]+/g, "");
}

const now = (emulator: Emulator): number => Math.floor(emulator.clock.now() / 1000);

function stackFromRoute(ctx: RequestContext): StackRecord {
  const id = numericParam(ctx, "id", "Invalid stack identifier route variable");
  const stack = ctx.emulator.state.stacks.get(id);
  if (!stack) {
    throw new PortainerHttpError(
      404,
      "Unable to find a stack with the specified identifier inside the database",
      `object not found inside the database (bucket=stacks, key=${id})`,
    );
  }
  return stack;
}

function endpointOr404(ctx: RequestContext, id: number, message: string): EndpointRecord {
  const endpoint = ctx.emulator.state.endpoint(id);
  if (!endpoint) throw new PortainerHttpError(404, message, `object not found inside the database (bucket=endpoints, key=${id})`);
  return endpoint;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * `checkUniqueStackNameInDocker`: taken when another stack row on the endpoint has the name (any
 * Status, any Type), a service carries `com.docker.stack.namespace=<name>`, or a container carries
 * `com.docker.compose.project=<name>`. The Docker lists run even after a database hit, and their
 * failure wins: 500 `Unable to check for name collision`.
 */
function nameTaken(ctx: RequestContext, endpoint: EndpointRecord, name: string, excludeStackId: number): boolean {
  const { emulator } = ctx;
  const inDb = [...emulator.state.stacks.values()].some(
    (s) => sameName(s.name, name) && s.id !== excludeStackId && s.endpointId === endpoint.id,
  );
  if (emulator.endpointDown(endpoint.id, true)) {
    throw new PortainerHttpError(500, "Unable to check for name collision", UNREACHABLE_MESSAGE);
  }
  if (!endpoint.cluster.isManager) {
    throw new PortainerHttpError(500, "Unable to check for name collision", `Error response from daemon: ${NOT_A_MANAGER}`);
  }
  const inServices = [...endpoint.cluster.services.values()].some((s) => s.spec.Labels[STACK_NAMESPACE_LABEL] === name);
  const inContainers = endpoint.cluster.composeContainers.some((c) => c.labels["com.docker.compose.project"] === name);
  return inDb || inServices || inContainers;
}

/** A failed CLI run: `InternalServerError(err.Error(), err)`, so message and details agree. */
function cliFailure(message: string): PortainerHttpError {
  return new PortainerHttpError(500, message, message);
}

async function createSwarmStackFromString(ctx: RequestContext, endpoint: EndpointRecord): Promise<void> {
  const { emulator } = ctx;
  const struct = "swarmStackFromFileContentPayload";
  const payload = decodePayload(ctx, `stacks.${struct}`);
  const rawName = stringField(payload, "Name", struct);
  const swarmId = stringField(payload, "SwarmID", struct);
  const content = stringField(payload, "StackFileContent", struct);
  const env = envField(payload, struct);
  const fromAppTemplate = boolField(payload, "FromAppTemplate", struct);
  if (rawName === "") throw new PortainerHttpError(400, "Invalid request payload", "Invalid stack name");
  if (swarmId === "") throw new PortainerHttpError(400, "Invalid request payload", "Invalid Swarm ID");
  if (content === "") throw new PortainerHttpError(400, "Invalid request payload", "Invalid stack file content");

  const name = normalizeStackName(rawName);
  if (nameTaken(ctx, endpoint, name, 0)) {
    const message = `A stack with the normalized name '${name}' already exists`;
    throw new PortainerHttpError(409, message, message);
  }

  // The ID comes from the bucket sequence before the deploy, so a failed create leaves a gap.
  const id = emulator.state.nextStackId++;
  const created = now(emulator);
  const stack: StackRecord = {
    id,
    name,
    endpointId: endpoint.id,
    swarmId,
    env,
    status: StackStatus.Active,
    creationDate: created,
    createdBy: ctx.user?.username ?? "admin",
    updateDate: 0,
    updatedBy: "",
    option: null,
    fromAppTemplate,
    fileContent: content,
    resourceControlId: 0,
    deploymentStatus: [],
    deploymentStartStatus: 0,
  };
  const input = { name, content, env, prune: false, resolveImage: "always" as const, projectPath: `/data/compose/${id}` };

  if (ctx.version.family === "sync") {
    const failure = await emulator.runStackDeploy(endpoint, input, "inline");
    if (failure) throw cliFailure(formatDeployFailure(ctx.version, failure));
    stack.resourceControlId = emulator.state.nextResourceControlId++;
    emulator.state.stacks.set(id, stack);
    sendJson(ctx.res, 200, stackJson(stack, ctx.version, true));
    return;
  }

  stack.status = StackStatus.Deploying;
  stack.deploymentStatus = [{ Status: StackStatus.Deploying, Time: created }];
  stack.resourceControlId = emulator.state.nextResourceControlId++;
  emulator.state.stacks.set(id, stack);
  sendJson(ctx.res, 200, stackJson(stack, ctx.version, true));
  const version = ctx.version;
  void emulator.runStackDeploy(endpoint, input, "background").then((failure) => {
    const current = emulator.state.stacks.get(id);
    if (!current) return;
    const time = now(emulator);
    if (failure) {
      current.status = StackStatus.Error;
      current.deploymentStatus.push({ Status: StackStatus.Error, Time: time, Message: formatDeployFailure(version, failure) });
    } else {
      current.status = StackStatus.Active;
      current.deploymentStatus.push({ Status: StackStatus.Active, Time: time });
    }
  });
}

function notImplemented(what: string): PortainerHttpError {
  return new PortainerHttpError(
    501,
    "Not implemented by the Portainer emulator",
    `${what} is not modelled; only Swarm stacks from a string are`,
  );
}

async function createRoute(ctx: RequestContext): Promise<void> {
  const endpointId = numericQuery(ctx, "endpointId", false, "Invalid query parameter: endpointId");
  const endpoint = ctx.emulator.state.endpoint(endpointId);
  if (!endpoint) throw endpointNotFound(endpointId);
  const type = ctx.params.type ?? "";
  const method = ctx.params.method ?? "";
  if (!["swarm", "standalone", "kubernetes"].includes(type)) {
    throw new PortainerHttpError(
      400,
      "Invalid value for query parameter: type. Value must be one of: 1 (Swarm stack) or 2 (Compose stack)",
      "Invalid query parameter",
    );
  }
  if (type === "swarm" && !["string", "repository", "file"].includes(method)) {
    throw new PortainerHttpError(
      400,
      "Invalid value for query parameter: method. Value must be one of: string, repository or file",
      "Invalid query parameter",
    );
  }
  if (type !== "swarm" || method !== "string") throw notImplemented(`POST /api/stacks/create/${type}/${method}`);
  await createSwarmStackFromString(ctx, endpoint);
}

/** The deprecated `POST /api/stacks?type=1&method=string&endpointId=N`, re-dispatched. */
async function deprecatedCreateRoute(ctx: RequestContext): Promise<void> {
  const method = ctx.url.searchParams.get("method") ?? "";
  if (!["string", "file", "repository"].includes(method)) {
    const message = "Invalid query parameter: method. Valid values are: file or string";
    throw new PortainerHttpError(400, message, message);
  }
  const type = ctx.url.searchParams.get("type") ?? "";
  const typeName = { "1": "swarm", "2": "standalone", "3": "kubernetes" }[type];
  if (!typeName) throw new PortainerHttpError(400, "Invalid query parameter: type", "Invalid query parameter: type");
  ctx.params = { type: typeName, method };
  await createRoute(ctx);
}

function listRoute(ctx: RequestContext): void {
  const raw = ctx.url.searchParams.get("filters");
  let swarmId = "";
  let endpointId = 0;
  if (raw !== null && raw !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new PortainerHttpError(400, "Invalid query parameter: filters", `invalid character '${raw.trim()[0] ?? ""}' looking for beginning of value`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new PortainerHttpError(400, "Invalid query parameter: filters", "json: cannot unmarshal into Go value of type stacks.stackListOperationFilters");
    }
    const filters = parsed as Record<string, unknown>;
    const swarm = field(filters, "SwarmID");
    const endpoint = field(filters, "EndpointID");
    if (typeof swarm === "string") swarmId = swarm;
    if (typeof endpoint === "number") endpointId = endpoint;
  }
  const stacks = [...ctx.emulator.state.stacks.values()]
    .sort((a, b) => a.id - b.id)
    // Every stack here is a Swarm stack: matched by SwarmId only, never by EndpointID (§6.1).
    .filter((s) => (endpointId === 0 && swarmId === "") || s.swarmId === swarmId);
  sendJson(ctx.res, 200, stacks.map((s) => stackJson(s, ctx.version, true)));
}

async function updateRoute(ctx: RequestContext): Promise<void> {
  const { emulator } = ctx;
  const async = ctx.version.family === "async";
  let endpointId: number;
  let stack: StackRecord;
  if (async) {
    // Newer Portainer parses endpointId before it reads the stack.
    endpointId = numericQuery(ctx, "endpointId", false, "Invalid query parameter: endpointId");
    stack = stackFromRoute(ctx);
    if (stack.status === StackStatus.Deploying) {
      throw new PortainerHttpError(409, "Unable to update stack", "Stack deployment is already in progress");
    }
  } else {
    stack = stackFromRoute(ctx);
    endpointId = numericQuery(ctx, "endpointId", false, "Invalid query parameter: endpointId");
  }
  // An endpointId different from the stack's re-points the stack (a work-around for old stacks).
  const targetId = endpointId !== 0 ? endpointId : stack.endpointId;
  const endpoint = endpointOr404(ctx, targetId, "Unable to find the environment associated to the stack inside the database");

  const struct = "updateSwarmStackPayload";
  const payload = decodePayload(ctx, `stacks.${struct}`);
  const content = stringField(payload, "StackFileContent", struct);
  const env = envField(payload, struct);
  const prune = boolField(payload, "Prune", struct);
  const pullImage = boolField(payload, "PullImage", struct);
  const repull = async && boolField(payload, "RepullImageAndRedeploy", struct);
  if (content === "") throw new PortainerHttpError(400, "Invalid request payload", "Invalid stack file content");

  const input = {
    name: stack.name,
    content,
    env,
    prune,
    resolveImage: pullImage || repull ? ("always" as const) : ("never" as const),
    projectPath: `/data/compose/${stack.id}`,
  };

  if (!async) {
    const failure = await emulator.runStackDeploy(endpoint, input, "inline");
    // On failure the previous file is restored and the row is not saved.
    if (failure) throw cliFailure(formatDeployFailure(ctx.version, failure));
    stack.endpointId = endpoint.id;
    stack.env = env;
    stack.fileContent = content;
    stack.option = { prune };
    stack.updateDate = now(emulator);
    stack.updatedBy = ctx.user?.username ?? "admin";
    stack.status = StackStatus.Active;
    sendJson(ctx.res, 200, stackJson(stack, ctx.version, false));
    return;
  }

  const previousFile = stack.fileContent;
  stack.endpointId = endpoint.id;
  stack.env = env;
  stack.fileContent = content;
  stack.option = { prune };
  stack.updateDate = now(emulator);
  stack.updatedBy = ctx.user?.username ?? "admin";
  stack.deploymentStartStatus = stack.status;
  stack.status = StackStatus.Deploying;
  stack.deploymentStatus = [{ Status: StackStatus.Deploying, Time: stack.updateDate }];
  sendJson(ctx.res, 200, stackJson(stack, ctx.version, false));

  const version = ctx.version;
  const stackId = stack.id;
  // A stack coming out of an error state is taken down before it is deployed again.
  const undeployFirst = stack.deploymentStartStatus === StackStatus.Error;
  void (async () => {
    if (undeployFirst) {
      const stderr = emulator.runStackRemove(endpoint, stack.name);
      const current = emulator.state.stacks.get(stackId);
      if (stderr !== undefined && current) {
        current.status = StackStatus.Error;
        current.deploymentStatus.push({ Status: StackStatus.Error, Time: now(emulator), Message: stderr });
      }
    }
    const failure = await emulator.runStackDeploy(endpoint, input, "background");
    const current = emulator.state.stacks.get(stackId);
    if (!current) return;
    const time = now(emulator);
    if (failure) {
      current.fileContent = previousFile;
      current.status = StackStatus.Error;
      current.deploymentStatus.push({ Status: StackStatus.Error, Time: time, Message: formatDeployFailure(version, failure) });
    } else {
      current.status = StackStatus.Active;
      current.deploymentStatus.push({ Status: StackStatus.Active, Time: time });
    }
  })();
}

function stopRoute(ctx: RequestContext): void {
  const { emulator } = ctx;
  const stack = stackFromRoute(ctx);
  const endpointId = numericQuery(ctx, "endpointId", false, "Invalid query parameter: endpointId");
  const endpoint = ctx.emulator.state.endpoint(endpointId);
  if (!endpoint) throw endpointNotFound(endpointId);
  if (stack.status === StackStatus.Inactive) {
    throw new PortainerHttpError(400, "Stack is already inactive", "Stack is already inactive");
  }
  const async = ctx.version.family === "async";
  if (async && stack.status === StackStatus.Deploying) {
    throw new PortainerHttpError(409, "Stack deployment is in progress", "stack deployment is in progress");
  }
  const stderr = emulator.runStackRemove(endpoint, stack.name);
  if (stderr !== undefined) {
    if (async) {
      stack.status = StackStatus.Error;
      stack.deploymentStatus.push({ Status: StackStatus.Error, Time: now(emulator), Message: stderr });
    }
    throw new PortainerHttpError(500, "Unable to stop stack", stderr);
  }
  stack.status = StackStatus.Inactive;
  if (async) stack.deploymentStatus.push({ Status: StackStatus.Inactive, Time: now(emulator) });
  sendJson(ctx.res, 200, stackJson(stack, ctx.version, false));
}

async function startRoute(ctx: RequestContext): Promise<void> {
  const { emulator } = ctx;
  const stack = stackFromRoute(ctx);
  const async = ctx.version.family === "async";
  if (async) {
    // Newer Portainer checks Status before anything else.
    if (stack.status === StackStatus.Active) throw new PortainerHttpError(409, "Unable to start stack", "Stack is already active");
    if (stack.status === StackStatus.Deploying) {
      throw new PortainerHttpError(409, "Unable to start stack", "Stack deployment is already in progress");
    }
    if (stack.status === StackStatus.Error) {
      const last = stack.deploymentStatus[stack.deploymentStatus.length - 1];
      const message = last?.Status === StackStatus.Error && last.Message ? last.Message : "Stack is in error state";
      throw new PortainerHttpError(409, "Unable to start stack", message);
    }
  }
  const endpointId = numericQuery(ctx, "endpointId", false, "Invalid query parameter: endpointId");
  const endpoint = endpointOr404(ctx, endpointId, "Unable to find an endpoint with the specified identifier inside the database");
  if (nameTaken(ctx, endpoint, stack.name, stack.id)) {
    const message = `A stack with the name '${stack.name}' is already running`;
    throw new PortainerHttpError(409, message, message);
  }
  if (!async && stack.status === StackStatus.Active) {
    throw new PortainerHttpError(400, "Stack is already active", "Stack is already active");
  }
  const failure = await emulator.runStackDeploy(
    endpoint,
    {
      name: stack.name,
      content: stack.fileContent,
      env: stack.env,
      prune: true,
      resolveImage: "always",
      projectPath: `/data/compose/${stack.id}`,
    },
    "inline",
  );
  if (failure) {
    const message = formatDeployFailure(ctx.version, failure);
    if (async) {
      stack.status = StackStatus.Error;
      stack.deploymentStatus.push({ Status: StackStatus.Error, Time: now(emulator), Message: message });
    }
    throw new PortainerHttpError(500, "Unable to start stack", message);
  }
  stack.status = StackStatus.Active;
  if (async) stack.deploymentStatus = [{ Status: StackStatus.Active, Time: now(emulator) }];
  sendJson(ctx.res, 200, stackJson(stack, ctx.version, false));
}

function deleteExternal(ctx: RequestContext): void {
  const name = ctx.params.id ?? "";
  if ([...ctx.emulator.state.stacks.values()].some((s) => s.name === name)) {
    throw new PortainerHttpError(
      400,
      "A stack with this name exists inside the database. Cannot use external delete method",
      "A stack with this name exists inside the database. Cannot use external delete method",
    );
  }
  const endpointId = numericQuery(ctx, "endpointId", false, "Invalid query parameter: endpointId");
  const endpoint = endpointOr404(ctx, endpointId, "Unable to find the environment with the specified identifier inside the database");
  const stderr = ctx.emulator.runStackRemove(endpoint, name);
  if (stderr !== undefined) throw new PortainerHttpError(500, "Unable to delete stack", stderr);
  sendEmpty(ctx.res, 204);
}

function deleteRoute(ctx: RequestContext): void {
  if (ctx.url.searchParams.get("external") === "true") {
    deleteExternal(ctx);
    return;
  }
  const stack = stackFromRoute(ctx);
  // Parsed as optional: a missing endpointId means endpoint 0, which does not exist (§6.6).
  const endpointId = numericQuery(ctx, "endpointId", true, "Invalid query parameter: endpointId");
  const endpoint = endpointOr404(ctx, endpointId, "Unable to find the endpoint associated to the stack inside the database");
  const stderr = ctx.emulator.runStackRemove(endpoint, stack.name);
  // The CLI failed: the row stays, the message is the CLI's stderr.
  if (stderr !== undefined) throw cliFailure(stderr);
  ctx.emulator.state.stacks.delete(stack.id);
  sendEmpty(ctx.res, 204);
}

/** Registers the stack routes. */
export function registerStackRoutes(router: Router): void {
  router.post("/api/stacks/create/{type}/{method}", createRoute);
  router.post("/api/stacks", deprecatedCreateRoute);
  router.get("/api/stacks", listRoute);
  router.get("/api/stacks/{id}", (ctx) => {
    sendJson(ctx.res, 200, stackJson(stackFromRoute(ctx), ctx.version, true));
  });
  router.get("/api/stacks/{id}/file", (ctx) => {
    sendJson(ctx.res, 200, { StackFileContent: stackFromRoute(ctx).fileContent });
  });
  router.put("/api/stacks/{id}", updateRoute);
  router.post("/api/stacks/{id}/stop", stopRoute);
  router.post("/api/stacks/{id}/start", startRoute);
  router.delete("/api/stacks/{id}", deleteRoute);
}
