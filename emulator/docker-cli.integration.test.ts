/**
 * Optional validation with `docker stack config`: a stand-in binary pins the plumbing (arguments,
 * environment, stderr relayed as the deploy error); the real CLI, when installed, pins fidelity.
 */
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EmulatorConfigError, startEmulator, type RunningEmulator } from "./index";
import { call, SAMPLE_STACK } from "./testing";

let emu: RunningEmulator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

// Shell builtins only: the validator runs the binary with the stack's Env and nothing else.
const FAKE_DOCKER = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "Docker version 0.0.0-fake"; exit 0; fi
if [ "$1 $2 $3" != "stack config -c" ]; then echo "unexpected arguments: $*" >&2; exit 2; fi
while IFS= read -r line; do
  case "$line" in
    *REJECT*) echo "rejected by fake docker for tenant $TENANT" >&2; exit 1 ;;
  esac
done < "$4"
exit 0
`;

async function fakeDocker(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "fake-docker-"));
  const binary = join(dir, "docker");
  await writeFile(binary, FAKE_DOCKER, "utf8");
  await chmod(binary, 0o755);
  return binary;
}

async function create(content: string, env: Array<{ name: string; value: string }> = []) {
  if (!emu) throw new Error("emulator not started");
  const swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
  return call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
    body: { Name: "acme", SwarmID: swarmId, StackFileContent: content, Env: env },
  });
}

describe("validateWithDockerCli", () => {
  it("relays what the CLI rejects as the deploy error, with the stack's Env in its environment", async () => {
    emu = await startEmulator({
      apiKey: "ptr_test",
      clock: "manual",
      portainerVersion: "2.23.0",
      validateWithDockerCli: { binary: await fakeDocker() },
    });
    const rejected = await create(`${SAMPLE_STACK}x-note: REJECT\n`, [{ name: "TENANT", value: "acme" }]);
    expect(rejected.status).toBe(500);
    expect(rejected.json()).toEqual({
      message: "rejected by fake docker for tenant acme\n",
      details: "Rejected by fake docker for tenant acme\n",
    });
    expect((await create(SAMPLE_STACK)).status).toBe(200);
  });

  it("refuses to start when the binary cannot run", async () => {
    await expect(
      startEmulator({ apiKey: "ptr_test", clock: "manual", validateWithDockerCli: { binary: "/nonexistent/docker" } }),
    ).rejects.toBeInstanceOf(EmulatorConfigError);
  });

  const realDocker = ["/usr/local/bin/docker", "/usr/bin/docker"].find((path) => existsSync(path));
  // Runs only where a docker CLI is installed; `docker stack config` needs no engine or network.
  it.runIf(realDocker !== undefined)("matches the real docker CLI's verdicts", async () => {
    emu = await startEmulator({
      apiKey: "ptr_test",
      clock: "manual",
      portainerVersion: "2.23.0",
      validateWithDockerCli: { binary: realDocker ?? "docker" },
    });
    const rejected = await create("services:\n  web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_healthy\n");
    expect(rejected.json<{ message: string }>().message).toBe("services.web.depends_on must be a list\n");
    const missingVar = await create('x-tenant: "${TENANT:?TENANT is required}"\nservices:\n  web:\n    image: nginx\n');
    expect(missingVar.json<{ message: string }>().message).toBe(
      'invalid interpolation format for x-tenant: "required variable TENANT is missing a value: TENANT is required"; you may need to escape any $ with another $\n',
    );
    expect((await create(SAMPLE_STACK, [{ name: "TENANT", value: "acme" }])).status).toBe(200);
  });
});
