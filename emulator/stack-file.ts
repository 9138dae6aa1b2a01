/**
 * Reads a submitted stack file the way `docker stack deploy` reads it: YAML → forbidden options →
 * `${VAR}` interpolation from the stack's Env → compose 3.x schema checks → a typed model.
 *
 * The schema checks are a faithful subset (allowed keys and value types of the documented
 * sections, with the CLI's error wording); enable `validateWithDockerCli` for the full schema.
 */
import { parseDocument, type ScalarTag } from "yaml";
import { DeployError } from "./errors";
import { interpolateDocument, type Lookup } from "./interpolate";

/** A named volume, bind or tmpfs mount of a service. */
export interface ComposeMount {
  type: "volume" | "bind" | "tmpfs";
  source: string;
  target: string;
  readOnly: boolean;
  noCopy: boolean;
}

/** A `secrets:`/`configs:` entry of a service. */
export interface ComposeFileRef {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

/** Reservation or limit of `deploy.resources`. */
export interface ComposeResources {
  cpus?: string;
  memory?: string;
}

/** `deploy.update_config` / `deploy.rollback_config`. */
export interface ComposeUpdateConfig {
  parallelism?: number;
  delay?: string;
  failureAction?: string;
  monitor?: string;
  maxFailureRatio?: number;
  order?: string;
}

/** One service of the stack file after interpolation. */
export interface ComposeService {
  name: string;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  /** `KEY=value`, or bare `KEY` when the value is unset. */
  environment: string[];
  labels: Record<string, string>;
  hostname?: string;
  user?: string;
  workingDir?: string;
  stopGracePeriod?: string;
  stopSignal?: string;
  tty?: boolean;
  stdinOpen?: boolean;
  readOnly?: boolean;
  init?: boolean;
  healthcheck?: {
    test?: string[];
    interval?: string;
    timeout?: string;
    startPeriod?: string;
    retries?: number;
    disable?: boolean;
  };
  logging?: { driver?: string; options?: Record<string, string> };
  mounts: ComposeMount[];
  /** Service network keys → aliases; empty when the service declares none (→ `default`). */
  networks: Map<string, string[]>;
  secrets: ComposeFileRef[];
  configs: ComposeFileRef[];
  ports: Array<{ target: number; published?: number; protocol: string; mode: string }>;
  deploy: {
    mode: string;
    replicas?: number;
    labels: Record<string, string>;
    constraints: string[];
    preferences: string[];
    maxReplicasPerNode?: number;
    limits?: ComposeResources;
    reservations?: ComposeResources;
    restartPolicy?: { condition?: string; delay?: string; maxAttempts?: number; window?: string };
    updateConfig?: ComposeUpdateConfig;
    rollbackConfig?: ComposeUpdateConfig;
    endpointMode?: string;
  };
}

/** A top-level `networks:` entry. */
export interface ComposeNetwork {
  external: boolean;
  /** Explicit `name:` (or the key for external networks). */
  name?: string;
  driver?: string;
  driverOpts: Record<string, string>;
  attachable: boolean;
  internal: boolean;
  labels: Record<string, string>;
  subnet?: string;
}

/** A top-level `volumes:` entry. */
export interface ComposeVolume {
  external: boolean;
  name?: string;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels: Record<string, string>;
}

/** A top-level `secrets:` or `configs:` entry. */
export interface ComposeFileObject {
  external: boolean;
  name?: string;
  file?: string;
  labels: Record<string, string>;
}

/** The whole stack file, services sorted by name. */
export interface StackFile {
  services: ComposeService[];
  networks: Map<string, ComposeNetwork>;
  volumes: Map<string, ComposeVolume>;
  secrets: Map<string, ComposeFileObject>;
  configs: Map<string, ComposeFileObject>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

const fail = (message: string): never => {
  throw new DeployError(message, "load");
};

// YAML 1.2 core (what gopkg.in/yaml.v3 decodes) plus the legacy `0444` octal that v3 still reads,
// which is how file modes of configs and secrets are usually written.
const legacyOctal: ScalarTag = {
  identify: (value) => typeof value === "number",
  default: true,
  tag: "tag:yaml.org,2002:int",
  test: /^0[0-7]+$/,
  resolve: (source) => parseInt(source, 8),
};

/** yaml.v3's wording for a repeated key, locating the first occurrence at the same indentation. */
function duplicateKeyMessage(content: string, line: number): string {
  const lines = content.split("\n");
  const text = lines[line - 1] ?? "";
  const match = /^(\s*)([^:#\s][^:]*):/.exec(text);
  if (!match) return `yaml: unmarshal errors:\n  line ${line}: mapping key already defined`;
  const [, indent = "", key = ""] = match;
  let firstLine = 0;
  for (let i = line - 2; i >= 0; i--) {
    const candidate = lines[i] ?? "";
    if (candidate.startsWith(`${indent}${key}:`)) firstLine = i + 1;
    const lead = /^(\s*)\S/.exec(candidate)?.[1] ?? indent;
    if (lead.length < indent.length) break;
  }
  const at = firstLine > 0 ? ` at line ${firstLine}` : "";
  return `yaml: unmarshal errors:\n  line ${line}: mapping key ${JSON.stringify(key.trim())} already defined${at}`;
}

function parseYaml(content: string): unknown {
  const doc = parseDocument(content, {
    version: "1.2",
    merge: true,
    uniqueKeys: true,
    customTags: (tags) => [legacyOctal, ...tags],
  });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? 1;
    if (first.code === "DUPLICATE_KEY") fail(duplicateKeyMessage(content, line));
    const reason = first.message.split(" at line ")[0] ?? first.message;
    fail(`yaml: line ${line}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`);
  }
  return doc.toJS({ maxAliasCount: 10_000 }) as unknown;
}

const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === "object" && !Array.isArray(v);

// Options the CLI refuses outright (`cli/compose/loader/loader.go`, forbiddenProperties).
const FORBIDDEN = [
  "extends",
  "volume_driver",
  "volumes_from",
  "cpu_quota",
  "cpu_shares",
  "cpuset",
  "mem_limit",
  "memswap_limit",
];

type Kind = "string" | "list" | "mapping" | "boolean" | "integer" | "number" | "null";

function kindMatches(value: Json, kind: Kind): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "list":
      return Array.isArray(value);
    case "mapping":
      return isMap(value);
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "null":
      return value === null;
  }
}

// Allowed keys and accepted types of the compose 3.13 schema; the first type is the one the CLI
// names in "must be a …" (checked against docker CLI 28.2.2 with `docker stack config`).
const SERVICE_KEYS: Record<string, Kind[]> = {
  deploy: ["mapping", "null"],
  build: ["string", "mapping"],
  cap_add: ["list"],
  cap_drop: ["list"],
  cgroup_parent: ["string"],
  cgroupns_mode: ["string"],
  command: ["string", "list"],
  configs: ["list"],
  container_name: ["string"],
  credential_spec: ["mapping"],
  depends_on: ["list"],
  devices: ["list"],
  dns: ["string", "list"],
  dns_search: ["string", "list"],
  domainname: ["string"],
  entrypoint: ["string", "list"],
  env_file: ["string", "list"],
  environment: ["mapping", "list"],
  expose: ["list"],
  external_links: ["list"],
  extra_hosts: ["mapping", "list"],
  healthcheck: ["mapping"],
  hostname: ["string"],
  image: ["string"],
  init: ["boolean"],
  ipc: ["string"],
  isolation: ["string"],
  labels: ["mapping", "list"],
  links: ["list"],
  logging: ["mapping"],
  mac_address: ["string"],
  network_mode: ["string"],
  networks: ["list", "mapping"],
  oom_score_adj: ["integer"],
  pid: ["string", "null"],
  ports: ["list"],
  privileged: ["boolean"],
  read_only: ["boolean"],
  restart: ["string"],
  secrets: ["list"],
  security_opt: ["list"],
  shm_size: ["number", "string"],
  stdin_open: ["boolean"],
  stop_grace_period: ["string"],
  stop_signal: ["string"],
  sysctls: ["mapping", "list"],
  tmpfs: ["string", "list"],
  tty: ["boolean"],
  ulimits: ["mapping"],
  user: ["string"],
  userns_mode: ["string"],
  volumes: ["list"],
  working_dir: ["string"],
};

const DEPLOY_KEYS: Record<string, Kind[]> = {
  mode: ["string"],
  replicas: ["integer"],
  labels: ["mapping", "list"],
  placement: ["mapping"],
  resources: ["mapping"],
  restart_policy: ["mapping"],
  update_config: ["mapping"],
  rollback_config: ["mapping"],
  endpoint_mode: ["string"],
};

const TOP_KEYS: Record<string, Kind[]> = {
  version: ["string"],
  services: ["mapping"],
  networks: ["mapping"],
  volumes: ["mapping"],
  secrets: ["mapping"],
  configs: ["mapping"],
};

function checkKeys(obj: JsonMap, allowed: Record<string, Kind[]>, path: string): void {
  for (const key of Object.keys(obj)) {
    if (key.startsWith("x-")) continue;
    const kinds = allowed[key];
    if (!kinds) fail(`${path} Additional property ${key} is not allowed`);
  }
  for (const [key, value] of Object.entries(obj)) {
    const kinds = allowed[key];
    if (!kinds || key.startsWith("x-")) continue;
    if (!kinds.some((k) => kindMatches(value, k))) {
      fail(`${path === "(root)" ? key : `${path}.${key}`} must be a ${kinds[0] ?? "string"}`);
    }
  }
}

const SUPPORTED_VERSIONS = new Set(["3", ...Array.from({ length: 14 }, (_, i) => `3.${i}`)]);

function versionString(value: Json | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return "<nil>";
  return String(value);
}

function strMap(value: Json | undefined, path: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return out;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== "string") fail(`${path} must be a mapping`);
      const text = item as string;
      const eq = text.indexOf("=");
      if (eq < 0) out[text] = "";
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
    return out;
  }
  if (!isMap(value)) fail(`${path} must be a mapping`);
  for (const [k, v] of Object.entries(value as JsonMap)) out[k] = v === null ? "" : String(v);
  return out;
}

function stringList(value: Json | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => String(v));
  // A string command is split like a shell would for simple cases (the CLI uses shellwords).
  return String(value).match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)?.map((w) => w.replace(/^["']|["']$/g, "")) ?? [];
}

const optString = (v: Json | undefined): string | undefined =>
  v === undefined || v === null ? undefined : String(v);
const optNumber = (v: Json | undefined): number | undefined => (typeof v === "number" ? v : undefined);
const optBool = (v: Json | undefined): boolean | undefined => (typeof v === "boolean" ? v : undefined);

function environment(value: Json | undefined, lookup: Lookup): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((item) => {
      const text = String(item);
      if (text.includes("=")) return text;
      const resolved = lookup(text);
      return resolved === undefined ? text : `${text}=${resolved}`;
    });
  }
  const map = value as JsonMap;
  return Object.keys(map)
    .sort()
    .map((key) => {
      const v = map[key];
      if (v === null || v === undefined) {
        const resolved = lookup(key);
        return resolved === undefined ? key : `${key}=${resolved}`;
      }
      return `${key}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`;
    });
}

function mounts(value: Json | undefined, path: string): ComposeMount[] {
  if (!Array.isArray(value)) return [];
  return value.map((item, i) => {
    if (typeof item === "string") {
      const parts = item.split(":");
      if (parts.length === 1) {
        return { type: "volume", source: "", target: parts[0] ?? "", readOnly: false, noCopy: false };
      }
      const source = parts[0] ?? "";
      const target = parts[1] ?? "";
      const mode = parts.slice(2).join(":");
      const isBind = source.startsWith("/") || source.startsWith(".") || source.startsWith("~");
      return {
        type: isBind ? "bind" : "volume",
        source,
        target,
        readOnly: mode.split(",").includes("ro"),
        noCopy: mode.split(",").includes("nocopy"),
      };
    }
    if (!isMap(item)) return fail(`${path}.volumes.${i} must be a string`);
    const type = optString(item.type) ?? "volume";
    if (type !== "volume" && type !== "bind" && type !== "tmpfs") {
      return fail(`service ${path.split(".")[1] ?? ""}: volume type must be volume, bind, tmpfs, npipe, or cluster`);
    }
    const volumeOpts = isMap(item.volume) ? item.volume : {};
    return {
      type,
      source: optString(item.source) ?? "",
      target: optString(item.target) ?? "",
      readOnly: item.read_only === true,
      noCopy: volumeOpts.nocopy === true,
    };
  });
}

function serviceNetworks(value: Json | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (Array.isArray(value)) {
    for (const item of value) out.set(String(item), []);
  } else if (isMap(value)) {
    for (const [name, cfg] of Object.entries(value)) {
      const aliases = isMap(cfg) && Array.isArray(cfg.aliases) ? cfg.aliases.map(String) : [];
      out.set(name, aliases);
    }
  }
  return out;
}

function fileRefs(value: Json | undefined): ComposeFileRef[] {
  if (!Array.isArray(value)) return [];
  return value.map((item) => {
    if (typeof item === "string") return { source: item };
    const map = isMap(item) ? item : {};
    return {
      source: optString(map.source) ?? "",
      target: optString(map.target),
      uid: optString(map.uid),
      gid: optString(map.gid),
      mode: optNumber(map.mode),
    };
  });
}

function ports(value: Json | undefined): ComposeService["ports"] {
  if (!Array.isArray(value)) return [];
  const out: ComposeService["ports"] = [];
  for (const item of value) {
    if (isMap(item)) {
      out.push({
        target: Number(item.target ?? 0),
        published: item.published === undefined ? undefined : Number(item.published),
        protocol: optString(item.protocol) ?? "tcp",
        mode: optString(item.mode) ?? "ingress",
      });
      continue;
    }
    const [spec = "", protocol = "tcp"] = String(item).split("/");
    const parts = spec.split(":");
    const target = Number(parts[parts.length - 1]);
    const published = parts.length > 1 ? Number(parts[parts.length - 2]) : undefined;
    out.push({ target, published, protocol, mode: "ingress" });
  }
  return out;
}

function updateConfig(value: Json | undefined): ComposeUpdateConfig | undefined {
  if (!isMap(value)) return undefined;
  return {
    parallelism: optNumber(value.parallelism),
    delay: optString(value.delay),
    failureAction: optString(value.failure_action),
    monitor: optString(value.monitor),
    maxFailureRatio: optNumber(value.max_failure_ratio),
    order: optString(value.order),
  };
}

function resources(value: Json | undefined): ComposeResources | undefined {
  if (!isMap(value)) return undefined;
  return { cpus: optString(value.cpus), memory: optString(value.memory) };
}

function toService(name: string, raw: JsonMap, lookup: Lookup): ComposeService {
  const path = `services.${name}`;
  checkKeys(raw, SERVICE_KEYS, path);
  const deployRaw = isMap(raw.deploy) ? raw.deploy : {};
  checkKeys(deployRaw, DEPLOY_KEYS, `${path}.deploy`);
  const placement = isMap(deployRaw.placement) ? deployRaw.placement : {};
  if (placement.constraints !== undefined && !Array.isArray(placement.constraints)) {
    fail(`${path}.deploy.placement.constraints must be a list`);
  }
  const res = isMap(deployRaw.resources) ? deployRaw.resources : {};
  const restart = isMap(deployRaw.restart_policy) ? deployRaw.restart_policy : undefined;
  const health = isMap(raw.healthcheck) ? raw.healthcheck : undefined;
  const logging = isMap(raw.logging) ? raw.logging : undefined;
  return {
    name,
    image: optString(raw.image),
    command: stringList(raw.command),
    entrypoint: stringList(raw.entrypoint),
    environment: environment(raw.environment, lookup),
    labels: strMap(raw.labels, `${path}.labels`),
    hostname: optString(raw.hostname),
    user: optString(raw.user),
    workingDir: optString(raw.working_dir),
    stopGracePeriod: optString(raw.stop_grace_period),
    stopSignal: optString(raw.stop_signal),
    tty: optBool(raw.tty),
    stdinOpen: optBool(raw.stdin_open),
    readOnly: optBool(raw.read_only),
    init: optBool(raw.init),
    healthcheck: health && {
      test: stringList(health.test),
      interval: optString(health.interval),
      timeout: optString(health.timeout),
      startPeriod: optString(health.start_period),
      retries: optNumber(health.retries),
      disable: optBool(health.disable),
    },
    logging: logging && {
      driver: optString(logging.driver),
      options: isMap(logging.options) ? strMap(logging.options, `${path}.logging.options`) : undefined,
    },
    mounts: mounts(raw.volumes, path),
    networks: serviceNetworks(raw.networks),
    secrets: fileRefs(raw.secrets),
    configs: fileRefs(raw.configs),
    ports: ports(raw.ports),
    deploy: {
      mode: optString(deployRaw.mode) ?? "replicated",
      replicas: optNumber(deployRaw.replicas),
      labels: strMap(deployRaw.labels, `${path}.deploy.labels`),
      constraints: Array.isArray(placement.constraints) ? placement.constraints.map(String) : [],
      preferences: Array.isArray(placement.preferences)
        ? placement.preferences.flatMap((p) => (isMap(p) && p.spread !== undefined ? [String(p.spread)] : []))
        : [],
      maxReplicasPerNode: optNumber(placement.max_replicas_per_node),
      limits: resources(res.limits),
      reservations: resources(res.reservations),
      restartPolicy: restart && {
        condition: optString(restart.condition),
        delay: optString(restart.delay),
        maxAttempts: optNumber(restart.max_attempts),
        window: optString(restart.window),
      },
      updateConfig: updateConfig(deployRaw.update_config),
      rollbackConfig: updateConfig(deployRaw.rollback_config),
      endpointMode: optString(deployRaw.endpoint_mode),
    },
  };
}

/** `external: true`, or the legacy `external: {name: …}` form. */
function externalOf(value: Json | undefined): { external: boolean; name?: string } {
  if (value === true) return { external: true };
  if (isMap(value)) return { external: true, name: optString(value.name) };
  return { external: false };
}

function topMap(doc: JsonMap, key: string): Array<[string, JsonMap]> {
  const section = doc[key];
  if (!isMap(section)) return [];
  return Object.entries(section).map(([name, value]) => [name, isMap(value) ? value : {}]);
}

/**
 * Parses, interpolates and validates a stack file. Throws a load-stage {@link DeployError} whose
 * message is what docker CLI would print for the same problem.
 */
export function parseStackFile(content: string, lookup: Lookup): StackFile {
  const parsed = parseYaml(content);
  if (!isMap(parsed as Json)) fail("top-level object must be a mapping");
  const raw = parsed as JsonMap;

  const services = isMap(raw.services) ? raw.services : {};
  for (const svc of Object.values(services)) {
    if (isMap(svc) && FORBIDDEN.some((key) => key in svc)) fail("Configuration contains forbidden properties");
  }

  const doc = interpolateDocument(raw, lookup) as JsonMap;

  const version = versionString(doc.version);
  if (version !== undefined && !SUPPORTED_VERSIONS.has(version)) fail(`unsupported Compose file version: ${version}`);
  checkKeys(doc, TOP_KEYS, "(root)");

  const out: StackFile = {
    services: [],
    networks: new Map(),
    volumes: new Map(),
    secrets: new Map(),
    configs: new Map(),
  };

  const serviceEntries = Object.entries(isMap(doc.services) ? doc.services : {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  for (const [name, svc] of serviceEntries) {
    if (!isMap(svc)) fail(`services.${name} must be a mapping`);
    out.services.push(toService(name, svc as JsonMap, lookup));
  }

  for (const [name, cfg] of topMap(doc, "networks")) {
    const ext = externalOf(cfg.external);
    const ipam = isMap(cfg.ipam) ? cfg.ipam : {};
    const ipamConfig = Array.isArray(ipam.config) ? ipam.config : [];
    const firstSubnet = ipamConfig.find((c) => isMap(c) && typeof c.subnet === "string");
    out.networks.set(name, {
      external: ext.external,
      name: optString(cfg.name) ?? ext.name ?? (ext.external ? name : undefined),
      driver: optString(cfg.driver),
      driverOpts: strMap(cfg.driver_opts, `networks.${name}.driver_opts`),
      attachable: cfg.attachable === true,
      internal: cfg.internal === true,
      labels: strMap(cfg.labels, `networks.${name}.labels`),
      subnet: isMap(firstSubnet) ? optString(firstSubnet.subnet) : undefined,
    });
  }
  for (const [name, cfg] of topMap(doc, "volumes")) {
    const ext = externalOf(cfg.external);
    out.volumes.set(name, {
      external: ext.external,
      name: optString(cfg.name) ?? ext.name,
      driver: optString(cfg.driver),
      driverOpts: isMap(cfg.driver_opts) ? strMap(cfg.driver_opts, `volumes.${name}.driver_opts`) : undefined,
      labels: strMap(cfg.labels, `volumes.${name}.labels`),
    });
  }
  for (const section of ["secrets", "configs"] as const) {
    for (const [name, cfg] of topMap(doc, section)) {
      const ext = externalOf(cfg.external);
      out[section].set(name, {
        external: ext.external,
        name: optString(cfg.name) ?? ext.name,
        file: optString(cfg.file),
        labels: strMap(cfg.labels, `${section}.${name}.labels`),
      });
    }
  }
  return out;
}
