/**
 * The subset of the Compose file format (legacy v3 schema, version "3.8") that `docker stack deploy`
 * accepts and the tenant stack uses. Only what the builder emits is typed, so an object of these types
 * can only describe a stack we know Docker accepts (checked by `docker stack config` in the tests).
 *
 * Conventions: durations are Go duration strings ("10s", "2m"); sizes are Compose byte strings ("512M");
 * file modes are plain numbers (decimal 292 is octal 0444), because YAML 1.1 and 1.2 parsers disagree
 * on leading-zero octal literals while every parser reads a decimal integer the same way.
 */

/** String-to-string map used for environment variables and labels (mapping form, never `KEY=value` lists). */
export type StringMap = Readonly<Record<string, string>>;

/** A whole stack file. */
export interface ComposeFile {
  readonly version: "3.8";
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly networks: Readonly<Record<string, ComposeNetwork>>;
  readonly volumes: Readonly<Record<string, ComposeVolume>>;
  readonly configs: Readonly<Record<string, ComposeExternalObject>>;
  readonly secrets: Readonly<Record<string, ComposeExternalObject>>;
}

/** One service of the stack. Swarm reads `deploy.labels` (service labels); `labels` go on the containers. */
export interface ComposeService {
  readonly image: string;
  /** Exec form only: no shell parses it. */
  readonly entrypoint?: readonly string[];
  readonly environment: StringMap;
  readonly volumes?: readonly ComposeVolumeMount[];
  readonly networks: readonly string[];
  readonly configs?: readonly ComposeFileMount[];
  readonly secrets?: readonly ComposeFileMount[];
  readonly healthcheck?: ComposeHealthcheck;
  readonly stop_grace_period?: string;
  readonly labels: StringMap;
  readonly logging: ComposeLogging;
  readonly deploy: ComposeDeploy;
}

/** Long volume syntax: no `source:target` strings to split or escape. */
export interface ComposeVolumeMount {
  readonly type: "volume";
  readonly source: string;
  readonly target: string;
}

/** A Swarm config or secret mounted into a service (long syntax). */
export interface ComposeFileMount {
  /** Key under the top-level `configs` / `secrets` section. */
  readonly source: string;
  /** Absolute path for configs; file name under /run/secrets for secrets. */
  readonly target: string;
  readonly mode?: number;
}

/** Exec-form health check (`CMD`), so no shell and no `$` expansion happens inside the container. */
export interface ComposeHealthcheck {
  readonly test: readonly ["CMD", ...string[]];
  readonly interval: string;
  readonly timeout: string;
  readonly retries: number;
  readonly start_period: string;
}

export interface ComposeLogging {
  readonly driver: "json-file";
  readonly options: StringMap;
}

/** CPU count as a decimal string ("0.5") and memory as a Compose size ("512M"). */
export interface ComposeResourceSpec {
  readonly cpus?: string;
  readonly memory?: string;
}

export interface ComposeDeploy {
  readonly mode: "replicated" | "replicated-job";
  readonly replicas: number;
  readonly placement?: { readonly constraints: readonly string[] };
  readonly resources: {
    readonly limits: ComposeResourceSpec;
    readonly reservations: ComposeResourceSpec;
  };
  readonly restart_policy: ComposeRestartPolicy;
  /** Absent for jobs: Swarm rejects update settings on job services. */
  readonly update_config?: ComposeUpdateConfig;
  readonly labels: StringMap;
}

export interface ComposeRestartPolicy {
  /** `none` for one-shot jobs whose failure the panel handles itself. */
  readonly condition: "any" | "on-failure" | "none";
  readonly delay: string;
  readonly window?: string;
  readonly max_attempts?: number;
}

export interface ComposeUpdateConfig {
  readonly parallelism: number;
  readonly order: "stop-first";
  readonly failure_action: "pause";
  readonly monitor?: string;
}

/** The tenant's own overlay network, or a network used by name (Traefik's, or the tenant's from an ops job). */
export type ComposeNetwork =
  | { readonly driver: "overlay"; readonly labels: StringMap }
  | { readonly external: true; readonly name: string };

/**
 * A stack's own volume (`<stack>_<key>`), one with a fixed `name` that outlives any stack (the
 * backup volume), or another stack's volume used by name (an ops job mounting the tenant's data).
 */
export type ComposeVolume =
  | { readonly labels: StringMap }
  | { readonly name: string; readonly labels: StringMap }
  | { readonly external: true; readonly name: string };

/** Configs and secrets are created by the provisioning engine before the deploy, so the stack only names them. */
export interface ComposeExternalObject {
  readonly external: true;
  readonly name: string;
}
