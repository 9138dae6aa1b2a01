/**
 * Command line entry: `tsx emulator/cli.ts --port 9000 --api-key ptr_demo [--portainer-version 2.23.0]
 * [--nodes 3] [--task-delay-ms 500] [--deploy-duration-ms 800] [--seed 42] [--validate-with-docker]
 * [--docker-binary PATH] [--quiet]`. Prints one banner line saying this is an emulator, then (unless `--quiet`) one line
 * per request; stops cleanly on SIGINT/SIGTERM.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type EmulatorOptions } from "./index";

const USAGE = `Usage: tsx emulator/cli.ts --api-key KEY [options]
  --port N                  TCP port (default 9000; 0 picks a free one)
  --host ADDR               interface to bind (default 127.0.0.1)
  --api-key KEY             the admin API key clients send as X-API-Key (or PORTAINER_EMULATOR_API_KEY)
  --portainer-version X.Y.Z reported version; 2.20-2.39 deploy synchronously, newer asynchronously
  --nodes N                 swarm nodes node-1..node-N (default 3)
  --task-delay-ms N         time per task state step (default 500)
  --deploy-duration-ms N    time one stack deploy takes (default 800)
  --seed N                  reproducible IDs
  --validate-with-docker    validate stack files with "docker stack config" (docker on PATH)
  --docker-binary PATH      docker CLI to use with --validate-with-docker
  --quiet                   no per-request log lines`;

/** Finds an executable on PATH (the only environment read of the emulator lives here). */
function which(command: string): string | undefined {
  if (command.includes("/")) return command;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a non-negative integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "api-key": { type: "string" },
      "portainer-version": { type: "string" },
      nodes: { type: "string" },
      "task-delay-ms": { type: "string" },
      "deploy-duration-ms": { type: "string" },
      seed: { type: "string" },
      "validate-with-docker": { type: "boolean" },
      "docker-binary": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean" },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const apiKey = values["api-key"] ?? process.env.PORTAINER_EMULATOR_API_KEY;
  if (!apiKey) {
    console.error(`--api-key is required\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  let dockerCli: EmulatorOptions["validateWithDockerCli"];
  if (values["validate-with-docker"]) {
    const binary = which(values["docker-binary"] ?? "docker");
    if (!binary) throw new Error("--validate-with-docker: no docker CLI on PATH");
    dockerCli = { binary };
  }
  const quiet = values.quiet === true;
  const emulator = await startEmulator({
    port: integer("port", values.port, 9000),
    host: values.host,
    apiKey,
    portainerVersion: values["portainer-version"],
    nodes: integer("nodes", values.nodes, 3),
    taskDelayMs: integer("task-delay-ms", values["task-delay-ms"], 500),
    deployDurationMs: integer("deploy-duration-ms", values["deploy-duration-ms"], 800),
    seed: values.seed === undefined ? undefined : integer("seed", values.seed, 0),
    validateWithDockerCli: dockerCli,
    logger: quiet ? undefined : (line) => console.log(`[portainer-emulator] ${line}`),
  });
  const version = emulator.control.portainerVersion;
  console.log(
    `Portainer EMULATOR (not Portainer) listening on ${emulator.url} - reports version ${version}, ` +
      `${emulator.state.version.family === "async" ? "asynchronous" : "synchronous"} deploys, ` +
      `${[...emulator.state.endpoints.values()][0]?.cluster.nodes.size ?? 0} nodes; control API at ${emulator.url}/__emulator`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`[portainer-emulator] ${signal} received, shutting down`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`portainer-emulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
