import { afterEach, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./index";
import { call, SAMPLE_STACK } from "./testing";

let emu: RunningEmulator;
afterEach(() => emu.close());

it("reports how many deploys ran, how long its serialized deploy queue was busy, and its own work in it", async () => {
  emu = await startEmulator({ apiKey: "ptr_test", portainerVersion: "2.23.0", deployDurationMs: 20, taskDelayMs: 0 });
  const swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
  const create = (name: string) =>
    call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", { body: { Name: name, SwarmID: swarmId, StackFileContent: SAMPLE_STACK } });
  const started = performance.now();
  const results = await Promise.all([create("one"), create("two"), create("three")]);
  const elapsed = performance.now() - started;
  expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
  const state = (await call(emu, "GET", "/__emulator/state")).json<{
    deploys: { count: number; busyMs: number; workMs: number };
    process: { cpuMs: number };
  }>();
  expect(state.deploys.count).toBe(3);
  // Serialized: at least three deploy durations, and never more than the wall time they took.
  expect(state.deploys.busyMs).toBeGreaterThanOrEqual(55); // timers may round a millisecond early
  expect(state.deploys.busyMs).toBeLessThanOrEqual(elapsed + 1);
  // The emulator's own work (checks, parsing, creating objects) is part of that time, not added to it.
  expect(state.deploys.workMs).toBeGreaterThan(0);
  expect(state.deploys.workMs).toBeLessThanOrEqual(state.deploys.busyMs);
  expect(state.process.cpuMs).toBeGreaterThan(0);
});
