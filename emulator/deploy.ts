/**
 * Emulated `docker stack deploy` and `docker stack rm` (docker CLI v27,
 * `cli/command/stack/swarm/{deploy_composefile,remove}.go`, `cli/compose/convert/*.go`), applied
 * to a {@link SwarmCluster}. Steps and error texts follow the CLI, including what it leaves
 * behind on failure: networks created before a missing secret is detected stay in place.
 */
import type { EmulatorClock } from "./clock";
import { DeployError } from "./errors";
import type { ImageRegistry } from "./images";
import { parseConstraints } from "./placement";
import type { ComposeService, ComposeUpdateConfig, StackFile } from "./stack-file";
import {
  STACK_NAMESPACE_LABEL,
  type ConfigReference,
  type ContainerSpec,
  type MountSpec,
  type SecretReference,
  type ServiceMode,
  type ServiceModel,
  type ServiceSpec,
  type SwarmCluster,
  type TaskTemplate,
  type UpdateConfigSpec,
} from "./swarm";
import { templateHash } from "./tasks";

/** How `docker stack deploy` resolves image digests (`--resolve-image`). */
export type ResolveImage = "always" | "changed" | "never";

/** Inputs of one emulated deploy. */
export interface DeployRequest {
  namespace: string;
  file: StackFile;
  prune: boolean;
  resolveImage: ResolveImage;
  /** Directory the stack file lives in; relative `file:` paths of secrets resolve against it. */
  projectPath: string;
}

/** What a deploy needs besides the cluster. */
export interface DeployEnvironment {
  cluster: SwarmCluster;
  images: ImageRegistry;
  clock: EmulatorClock;
}

/** The CLI's `checkDaemonIsSwarmManager` text. */
export const CLI_NOT_A_MANAGER =
  'this node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again';

const DNS_NAME = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
const BUILTIN_NETWORKS = new Set(["default", "bridge", "host", "none"]);

const daemon = (what: string, grpc: string, desc: string): DeployError =>
  new DeployError(`${what}: Error response from daemon: rpc error: code = ${grpc} desc = ${desc}`, "deploy");

/** swarmkit `validateAnnotations`, as the CLI reports it. */
function validateName(kind: "service" | "network", name: string, action: "create" | "update" = "create"): void {
  const what = `failed to ${action} ${kind} ${name}`;
  if (name === "") throw daemon(what, "InvalidArgument", "meta: name must be provided");
  if (!DNS_NAME.test(name)) throw daemon(what, "InvalidArgument", "name must be valid as a DNS name component");
  if (name.length > 63) throw daemon(what, "InvalidArgument", "name must be 63 characters or fewer");
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go `time.ParseDuration` → nanoseconds. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  const trimmed = text.trim();
  if (trimmed === "0") return 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * (DURATION_UNITS[m[2] ?? "s"] ?? 1);
    matched = re.lastIndex;
  }
  if (matched !== trimmed.length || matched === 0) throw new Error(`time: invalid duration ${JSON.stringify(text)}`);
  return Math.round(total);
}

/** docker/go-units `RAMInBytes`: binary multipliers, optional `b`/`ib` suffix. */
export function parseMemory(text: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text.trim());
  if (!m) throw new Error(`invalid size: '${text}'`);
  const exponent = { k: 1, m: 2, g: 3, t: 4, p: 5 }[(m[2] ?? "").toLowerCase()] ?? 0;
  return Math.round(Number(m[1]) * 1024 ** exponent);
}

function nanoCpus(text: string): number {
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Math.round(value * 1e9);
}

function convertMode(service: ComposeService): ServiceMode {
  const { mode, replicas } = service.deploy;
  switch (mode) {
    case "global":
      if (replicas !== undefined) throw new Error("replicas can only be used with replicated or replicated-job mode");
      return { Global: {} };
    case "global-job":
      if (replicas !== undefined) throw new Error("replicas can only be used with replicated or replicated-job mode");
      return { GlobalJob: {} };
    case "replicated-job":
      return { ReplicatedJob: { MaxConcurrent: replicas ?? 1, TotalCompletions: replicas ?? 1 } };
    case "replicated":
    case "":
      return { Replicated: { Replicas: replicas ?? 1 } };
    default:
      throw new Error(`unknown mode: ${mode}`);
  }
}

function convertUpdateConfig(source: ComposeUpdateConfig | undefined): UpdateConfigSpec | undefined {
  if (!source) return undefined;
  return prune({
    Parallelism: source.parallelism ?? 1,
    Delay: source.delay ? parseDuration(source.delay) : undefined,
    FailureAction: source.failureAction as UpdateConfigSpec["FailureAction"],
    Monitor: source.monitor ? parseDuration(source.monitor) : undefined,
    MaxFailureRatio: source.maxFailureRatio ?? 0,
    Order: source.order as UpdateConfigSpec["Order"],
  });
}

/** Drops `undefined` members so JSON output mirrors Go's `omitempty`. */
function prune<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

function addStackLabel(namespace: string, labels: Record<string, string>): Record<string, string> {
  return { ...labels, [STACK_NAMESPACE_LABEL]: namespace };
}

/** Converts one compose service to a swarm ServiceSpec (`convert.Service`). */
function convertService(
  request: DeployRequest,
  service: ComposeService,
  secrets: SecretReference[],
  configs: ConfigReference[],
): ServiceSpec {
  const { namespace, file } = request;
  const name = `${namespace}_${service.name}`;
  const mode = convertMode(service);

  const mounts: MountSpec[] = service.mounts.map((mount) => {
    if (mount.type !== "volume") {
      return prune({ Type: mount.type, Source: mount.source || undefined, Target: mount.target, ReadOnly: mount.readOnly || undefined });
    }
    if (!mount.source) return prune({ Type: "volume", Target: mount.target, ReadOnly: mount.readOnly || undefined });
    const stackVolume = file.volumes.get(mount.source);
    if (!stackVolume) throw new Error(`undefined volume ${JSON.stringify(mount.source)}`);
    const result: MountSpec = prune({
      Type: "volume",
      Source: stackVolume.name ?? `${namespace}_${mount.source}`,
      Target: mount.target,
      ReadOnly: mount.readOnly || undefined,
      VolumeOptions: prune({ NoCopy: mount.noCopy || undefined }),
    });
    if (!stackVolume.external && result.VolumeOptions) {
      result.VolumeOptions.Labels = addStackLabel(namespace, stackVolume.labels);
      if (stackVolume.driver || stackVolume.driverOpts) {
        result.VolumeOptions.DriverConfig = prune({ Name: stackVolume.driver, Options: stackVolume.driverOpts });
      }
    }
    return result;
  });

  const limits = service.deploy.limits;
  const reservations = service.deploy.reservations;
  const resources = (r: typeof limits): { NanoCPUs?: number; MemoryBytes?: number } | undefined =>
    r ? prune({ NanoCPUs: r.cpus ? nanoCpus(r.cpus) : undefined, MemoryBytes: r.memory ? parseMemory(r.memory) : undefined }) : undefined;

  const restart = service.deploy.restartPolicy;
  const networkKeys = service.networks.size > 0 ? [...service.networks.keys()] : ["default"];
  const networks = networkKeys
    .map((key) => {
      const cfg = file.networks.get(key);
      if (!cfg && key !== "default") throw new Error(`undefined network ${JSON.stringify(key)}`);
      const target = cfg?.name ?? `${namespace}_${key}`;
      const aliases = [...(service.networks.get(key) ?? [])];
      if (!BUILTIN_NETWORKS.has(target)) aliases.push(service.name);
      return { Target: target, Aliases: aliases };
    })
    .sort((a, b) => (a.Target < b.Target ? -1 : a.Target > b.Target ? 1 : 0));

  const health = service.healthcheck;
  const containerSpec: ContainerSpec = prune({
    Image: service.image ?? "",
    Labels: addStackLabel(namespace, service.labels),
    Command: service.entrypoint,
    Args: service.command,
    Hostname: service.hostname,
    Env: service.environment.length > 0 ? service.environment : undefined,
    Dir: service.workingDir,
    User: service.user,
    Mounts: mounts.length > 0 ? mounts : undefined,
    StopGracePeriod: service.stopGracePeriod ? parseDuration(service.stopGracePeriod) : undefined,
    StopSignal: service.stopSignal,
    TTY: service.tty,
    OpenStdin: service.stdinOpen,
    ReadOnly: service.readOnly,
    Init: service.init,
    Healthcheck: health
      ? health.disable
        ? { Test: ["NONE"] }
        : prune({
            Test: health.test,
            Interval: health.interval ? parseDuration(health.interval) : undefined,
            Timeout: health.timeout ? parseDuration(health.timeout) : undefined,
            Retries: health.retries,
            StartPeriod: health.startPeriod ? parseDuration(health.startPeriod) : undefined,
          })
      : undefined,
    Secrets: secrets.length > 0 ? secrets : undefined,
    Configs: configs.length > 0 ? configs : undefined,
    Isolation: "default",
  });

  const template: TaskTemplate = prune({
    ContainerSpec: containerSpec,
    Resources: prune({ Limits: resources(limits), Reservations: resources(reservations) }),
    RestartPolicy: restart
      ? prune({
          Condition: (restart.condition ?? "any") as "any" | "none" | "on-failure",
          Delay: restart.delay ? parseDuration(restart.delay) : undefined,
          MaxAttempts: restart.maxAttempts,
          Window: restart.window ? parseDuration(restart.window) : undefined,
        })
      : undefined,
    Placement: prune({
      Constraints: service.deploy.constraints.length > 0 ? service.deploy.constraints : undefined,
      Preferences:
        service.deploy.preferences.length > 0
          ? service.deploy.preferences.map((spread) => ({ Spread: { SpreadDescriptor: spread } }))
          : undefined,
      MaxReplicas: service.deploy.maxReplicasPerNode,
    }),
    Networks: networks,
    LogDriver: service.logging?.driver
      ? prune({ Name: service.logging.driver, Options: service.logging.options })
      : undefined,
    ForceUpdate: 0,
    Runtime: "container",
  });

  return prune({
    Name: name,
    Labels: { ...addStackLabel(namespace, service.deploy.labels), "com.docker.stack.image": service.image ?? "" },
    TaskTemplate: template,
    Mode: mode,
    UpdateConfig: convertUpdateConfig(service.deploy.updateConfig),
    RollbackConfig: convertUpdateConfig(service.deploy.rollbackConfig),
    EndpointSpec: prune({
      Mode: (service.deploy.endpointMode?.toLowerCase() ?? "vip") as "vip" | "dnsrr",
      Ports:
        service.ports.length > 0
          ? service.ports.map((p) =>
              prune({ Protocol: p.protocol, TargetPort: p.target, PublishedPort: p.published, PublishMode: p.mode }),
            )
          : undefined,
    }),
  });
}

/** Looks up referenced secrets/configs by name (`servicecli.ParseSecrets`/`ParseConfigs`). */
function resolveFileRefs<K extends "secret" | "config">(
  env: DeployEnvironment,
  request: DeployRequest,
  service: ComposeService,
  kind: K,
): K extends "secret" ? SecretReference[] : ConfigReference[] {
  const section = kind === "secret" ? request.file.secrets : request.file.configs;
  const refs = kind === "secret" ? service.secrets : service.configs;
  const seenTargets = new Set<string>();
  const out: Array<SecretReference | ConfigReference> = [];
  for (const ref of refs) {
    const spec = section.get(ref.source);
    if (!spec) throw new Error(`undefined ${kind} ${JSON.stringify(ref.source)}`);
    const objectName = spec.name ?? `${request.namespace}_${ref.source}`;
    const target = ref.target ?? ref.source;
    if (seenTargets.has(target)) throw new Error(`duplicate ${kind} target for ${objectName} not allowed`);
    seenTargets.add(target);
    const object = env.cluster.findObjectByName(kind, objectName);
    if (!object) throw new Error(`${kind} not found: ${objectName}`);
    const file = { Name: target, UID: ref.uid ?? "0", GID: ref.gid ?? "0", Mode: ref.mode ?? 0o444 };
    out.push(
      kind === "secret"
        ? { File: file, SecretID: object.id, SecretName: objectName }
        : { File: file, ConfigID: object.id, ConfigName: objectName },
    );
  }
  out.sort((a, b) => {
    const an = "SecretName" in a ? a.SecretName : a.ConfigName;
    const bn = "SecretName" in b ? b.SecretName : b.ConfigName;
    return an < bn ? -1 : an > bn ? 1 : 0;
  });
  return out as K extends "secret" ? SecretReference[] : ConfigReference[];
}

/** Replaces network names by IDs, as the daemon's `populateNetworkID` does. */
function networkIds(cluster: SwarmCluster, spec: ServiceSpec, serviceName: string, action: "create" | "update"): void {
  for (const attachment of spec.TaskTemplate.Networks ?? []) {
    const network = cluster.findNetwork(attachment.Target);
    if (!network) {
      throw new DeployError(
        `failed to ${action} service ${serviceName}: Error response from daemon: network ${attachment.Target} not found`,
        "deploy",
      );
    }
    attachment.Target = network.id;
  }
}

function allocateVips(cluster: SwarmCluster, service: ServiceModel): void {
  if (service.spec.EndpointSpec.Mode !== "vip") {
    service.virtualIps = [];
    return;
  }
  const wanted = (service.spec.TaskTemplate.Networks ?? []).map((n) => n.Target);
  const kept = service.virtualIps.filter((v) => wanted.includes(v.NetworkID));
  for (const id of wanted) {
    if (kept.some((v) => v.NetworkID === id)) continue;
    const network = cluster.networks.get(id);
    if (network && network.driver === "overlay") kept.push({ NetworkID: id, Addr: cluster.allocateAddress(network) });
  }
  service.virtualIps = kept;
}

/** Removes a service the way `ServiceRemove` does: gone at once, its tasks shut down after. */
export function removeService(cluster: SwarmCluster, service: ServiceModel): void {
  cluster.services.delete(service.id);
  cluster.orchestrator?.serviceRemoved(service);
  cluster.logs.delete(service.id);
  for (const follower of cluster.logFollowers.get(service.id) ?? []) follower.end();
  cluster.logFollowers.delete(service.id);
}

/**
 * Runs an emulated `docker stack deploy --with-registry-auth [--prune] [--resolve-image=…]`.
 * Throws a {@link DeployError} carrying the CLI's error line; objects created before the failing
 * step are kept, as with the real CLI.
 */
export function deployStack(env: DeployEnvironment, request: DeployRequest): void {
  const { cluster } = env;
  const { namespace, file } = request;
  if (!cluster.isManager) throw new DeployError(CLI_NOT_A_MANAGER, "deploy");

  if (request.prune) {
    const wanted = new Set(file.services.map((s) => `${namespace}_${s.name}`));
    for (const service of cluster.stackServices(namespace)) {
      if (!wanted.has(service.spec.Name)) removeService(cluster, service);
    }
  }

  // Networks the services use: stack networks to create, external ones to check first.
  const used = new Set<string>();
  for (const service of file.services) {
    if (service.networks.size === 0) used.add("default");
    for (const key of service.networks.keys()) used.add(key);
  }
  const toCreate: Array<{ name: string; key: string }> = [];
  const external: string[] = [];
  for (const key of [...used].sort()) {
    const cfg = file.networks.get(key);
    if (cfg?.external) external.push(cfg.name ?? key);
    else toCreate.push({ name: cfg?.name ?? `${namespace}_${key}`, key });
  }
  for (const name of external) {
    if (BUILTIN_NETWORKS.has(name) || name.startsWith("container:")) continue;
    const network = cluster.findNetwork(name);
    if (!network) {
      throw new DeployError(
        `network ${JSON.stringify(name)} is declared as external, but could not be found. ` +
          "You need to create a swarm-scoped network before the stack is deployed",
        "deploy",
      );
    }
    if (network.scope !== "swarm") {
      throw new DeployError(
        `network ${JSON.stringify(name)} is declared as external, but it is not in the right scope: ` +
          `${JSON.stringify(network.scope)} instead of "swarm"`,
        "deploy",
      );
    }
  }
  const existingStackNetworks = new Set(cluster.stackNetworks(namespace).map((n) => n.name));
  for (const { name, key } of toCreate) {
    if (existingStackNetworks.has(name)) continue;
    validateName("network", name);
    if (cluster.findNetworkByName(name)) {
      throw new DeployError(
        `failed to create network ${name}: Error response from daemon: network with name ${name} already exists`,
        "deploy",
      );
    }
    const cfg = file.networks.get(key);
    const network = cluster.addNetwork({
      name,
      driver: cfg?.driver ?? "overlay",
      scope: (cfg?.driver ?? "overlay") === "overlay" ? "swarm" : "local",
      subnet: cfg?.subnet,
      attachable: cfg?.attachable ?? false,
      labels: addStackLabel(namespace, cfg?.labels ?? {}),
    });
    network.internal = cfg?.internal ?? false;
    Object.assign(network.options, cfg?.driverOpts ?? {});
  }

  // Stack-owned secrets and configs are created from files next to the stack file. Portainer
  // keeps only the stack file in its project folder, so such files never exist there.
  for (const kind of ["secret", "config"] as const) {
    const section = kind === "secret" ? file.secrets : file.configs;
    for (const cfg of section.values()) {
      if (cfg.external) continue;
      const path = cfg.file ? (cfg.file.startsWith("/") ? cfg.file : `${request.projectPath}/${cfg.file.replace(/^\.\//, "")}`) : "";
      throw new DeployError(`open ${path}: no such file or directory`, "deploy");
    }
  }

  const specs: ServiceSpec[] = [];
  for (const service of file.services) {
    try {
      const secrets = resolveFileRefs(env, request, service, "secret");
      const configs = resolveFileRefs(env, request, service, "config");
      specs.push(convertService(request, service, secrets, configs));
    } catch (err) {
      if (err instanceof DeployError) throw err;
      throw new DeployError(`service ${service.name}: ${err instanceof Error ? err.message : String(err)}`, "deploy");
    }
  }

  const existing = new Map(cluster.stackServices(namespace).map((s) => [s.spec.Name, s]));
  for (const spec of specs) {
    const current = existing.get(spec.Name);
    const image = spec.Labels["com.docker.stack.image"] ?? "";
    if (current) updateService(env, current, spec, image, request.resolveImage);
    else createService(env, spec, image, request.resolveImage);
  }
}

function checkTemplate(spec: ServiceSpec, action: "create" | "update"): void {
  const what = `failed to ${action} service ${spec.Name}`;
  if (!spec.TaskTemplate.ContainerSpec.Image) {
    throw daemon(what, "InvalidArgument", "ContainerSpec: image reference must be provided");
  }
  const constraints = parseConstraints(spec.TaskTemplate.Placement?.Constraints ?? []);
  if (!Array.isArray(constraints)) throw daemon(what, "InvalidArgument", constraints.error);
}

function createService(env: DeployEnvironment, spec: ServiceSpec, image: string, resolve: ResolveImage): void {
  const { cluster, clock } = env;
  validateName("service", spec.Name);
  checkTemplate(spec, "create");
  networkIds(cluster, spec, spec.Name, "create");
  if (resolve !== "never") spec.TaskTemplate.ContainerSpec.Image = env.images.pin(image);
  const now = clock.now();
  const service: ServiceModel = {
    id: cluster.ids.swarmId(),
    spec,
    createdAt: now,
    updatedAt: now,
    version: cluster.nextVersion(),
    jobIteration: 0,
    jobLastExecution: "ReplicatedJob" in spec.Mode || "GlobalJob" in spec.Mode ? now : undefined,
    specHash: "",
    virtualIps: [],
  };
  service.specHash = templateHash(service);
  allocateVips(cluster, service);
  cluster.services.set(service.id, service);
  const queued = cluster.pendingLogs.get(spec.Name);
  if (queued) {
    cluster.logs.set(service.id, queued);
    cluster.pendingLogs.delete(spec.Name);
  }
  cluster.orchestrator?.serviceCreated(service);
}

function updateService(
  env: DeployEnvironment,
  service: ServiceModel,
  spec: ServiceSpec,
  image: string,
  resolve: ResolveImage,
): void {
  const { cluster, clock } = env;
  checkTemplate(spec, "update");
  const previousMode = service.spec.Mode;
  const sameKind = Object.keys(previousMode)[0] === Object.keys(spec.Mode)[0];
  if (!sameKind) {
    throw daemon(`failed to update service ${spec.Name}`, "Unimplemented", "service mode change is not allowed");
  }
  networkIds(cluster, spec, spec.Name, "update");
  const previousImage = service.spec.Labels["com.docker.stack.image"];
  if (resolve === "always" || (resolve === "changed" && image !== previousImage)) {
    spec.TaskTemplate.ContainerSpec.Image = env.images.pin(image);
  } else if (image === previousImage) {
    // Unchanged reference: keep the digest pinned by the previous deploy (`deployServices`).
    spec.TaskTemplate.ContainerSpec.Image = service.spec.TaskTemplate.ContainerSpec.Image;
  }
  spec.TaskTemplate.ForceUpdate = service.spec.TaskTemplate.ForceUpdate;
  const oldHash = service.specHash;
  service.previousSpec = service.spec;
  service.spec = spec;
  service.updatedAt = clock.now();
  service.version = cluster.nextVersion();
  service.specHash = templateHash(service);
  if ("ReplicatedJob" in spec.Mode || "GlobalJob" in spec.Mode) service.jobLastExecution = clock.now();
  allocateVips(cluster, service);
  cluster.orchestrator?.serviceUpdated(service, service.specHash !== oldHash, previousMode);
}

/**
 * Emulated `docker stack rm <namespace>`: services, then stack secrets, configs and networks.
 * Returns the CLI's stderr when something could not be removed (the CLI then exits 1), or
 * `undefined` on success, including the "Nothing found in stack" case (exit 0).
 */
export function removeStack(cluster: SwarmCluster, namespace: string): string | undefined {
  cluster.requireManager();
  const services = cluster.stackServices(namespace).sort((a, b) => (a.spec.Name < b.spec.Name ? -1 : 1));
  const networks = cluster.stackNetworks(namespace);
  const secrets = cluster.stackObjects("secret", namespace);
  const configs = cluster.stackObjects("config", namespace);
  if (services.length + networks.length + secrets.length + configs.length === 0) return undefined;

  let stderr = "";
  for (const service of services) removeService(cluster, service);
  for (const [kind, objects] of [
    ["secret", secrets],
    ["config", configs],
  ] as const) {
    for (const object of objects) {
      const users = cluster.servicesUsing(kind, object.id);
      if (users.length > 0) {
        // The CLI prints these with Fprintf and no newline.
        stderr += `Failed to remove ${kind} ${object.id}: Error response from daemon: ${inUseMessage(kind, object.name, users)}`;
        continue;
      }
      (kind === "secret" ? cluster.secrets : cluster.configs).delete(object.id);
    }
  }
  for (const network of networks) {
    const user = [...cluster.services.values()].find((s) =>
      (s.spec.TaskTemplate.Networks ?? []).some((n) => n.Target === network.id),
    );
    if (user) {
      stderr +=
        `Failed to remove network ${network.id}: Error response from daemon: ` +
        `rpc error: code = FailedPrecondition desc = network ${network.id} is in use by service ${user.id}`;
      continue;
    }
    cluster.networks.delete(network.id);
  }
  if (stderr) return `${stderr}failed to remove some resources from stack: ${namespace}\n`;
  return undefined;
}

/** swarmkit's in-use refusal for configs and secrets. */
export function inUseMessage(kind: "config" | "secret", name: string, users: ServiceModel[]): string {
  const names = users.map((s) => s.spec.Name).sort();
  const plural = names.length > 1 ? "s" : "";
  return `rpc error: code = InvalidArgument desc = ${kind} '${name}' is in use by the following service${plural}: ${names.join(", ")}`;
}
