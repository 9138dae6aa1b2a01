/**
 * Optional full-fidelity validation: `docker stack config -c FILE` loads a compose file exactly as
 * `docker stack deploy` does (schema, interpolation, forbidden options) without any engine, so it
 * works offline. Its stderr becomes the deploy error, as it would in Portainer.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmulatorConfigError } from "./errors";

interface RunResult {
  code: number;
  stderr: string;
}

function run(binary: string, args: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // Only the given variables: the stack's Env is the whole environment `docker stack` sees.
    const child = spawn(binary, args, { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** Checks once at start-up that the binary runs; throws {@link EmulatorConfigError} otherwise. */
export async function checkDockerCli(binary: string): Promise<void> {
  try {
    const result = await run(binary, ["--version"], {});
    if (result.code !== 0) throw new Error(result.stderr.trim() || `exit code ${result.code}`);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new EmulatorConfigError(`validateWithDockerCli: cannot run "${binary}": ${reason}`);
  }
}

/**
 * Runs `docker stack config -c <file>` with the stack's Env as the process environment (the same
 * variables `docker stack deploy` would see). Returns the CLI's stderr (without its final newline)
 * when it rejects the file.
 */
export async function validateWithDockerCli(
  binary: string,
  content: string,
  env: Array<{ name: string; value: string }>,
): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), "portainer-emulator-"));
  try {
    const file = join(dir, "docker-compose.yml");
    await writeFile(file, content, "utf8");
    const processEnv: Record<string, string> = {};
    for (const pair of env) processEnv[pair.name] = pair.value;
    // A private config dir keeps the CLI from reading or warning about the user's ~/.docker.
    processEnv.DOCKER_CONFIG = dir;
    processEnv.HOME = dir;
    const result = await run(binary, ["stack", "config", "-c", file], processEnv);
    if (result.code === 0) return undefined;
    // The caller formats the message like any other CLI error line.
    return result.stderr.replace(/\n$/, "") || `docker stack config exited with code ${result.code}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
