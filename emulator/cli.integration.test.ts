/**
 * The command line entry: banner, a working server on the requested port, clean exit on SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
// tsx's entry run by this very node binary, so the test does not depend on PATH.
const tsxCli = join(here, "..", "node_modules", "tsx", "dist", "cli.mjs");
const runCli = (args: string[], env?: NodeJS.ProcessEnv): ChildProcess =>
  spawn(process.execPath, [tsxCli, join(here, "cli.ts"), ...args], { stdio: ["ignore", "pipe", "pipe"], env });
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Resolves with the first stdout line matching `pattern`. */
function waitForLine(proc: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    proc.stdout?.setEncoding("utf8");
    proc.stdout?.on("data", (chunk: string) => {
      buffer += chunk;
      const line = buffer.split("\n").find((l) => pattern.test(l));
      if (line) resolve(line);
    });
    proc.once("exit", (code) => reject(new Error(`exited with ${code} before printing ${pattern}: ${buffer}`)));
  });
}

describe("emulator/cli.ts", () => {
  it("prints the emulator banner, serves the API and stops on SIGTERM", async () => {
    child = runCli(["--port", "0", "--api-key", "ptr_cli", "--portainer-version", "2.23.0", "--nodes", "2", "--quiet"]);
    const banner = await waitForLine(child, /listening on/);
    expect(banner).toMatch(/EMULATOR \(not Portainer\)/);
    expect(banner).toMatch(/version 2\.23\.0, synchronous deploys, 2 nodes/);
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    expect(url).toBeDefined();
    const status = await fetch(`${url}/api/system/status`);
    expect(((await status.json()) as { Version: string }).Version).toBe("2.23.0");
    const nodes = await fetch(`${url}/api/endpoints/1/docker/nodes`, { headers: { "X-API-Key": "ptr_cli" } });
    expect(((await nodes.json()) as unknown[]).length).toBe(2);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it("refuses to start without an API key", async () => {
    // An empty environment, so PORTAINER_EMULATOR_API_KEY cannot leak in.
    child = runCli(["--port", "0"], {} as NodeJS.ProcessEnv);
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(2);
  });
});
