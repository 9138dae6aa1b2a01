/**
 * The deploy queue's timing model (Portainer's `stackDeployer` mutex): each deploy holds the queue
 * for `deployDurationMs` in all, the emulator's own work included; work that takes longer takes
 * longer; deploys never overlap. Driven on a manual clock, with the emulator's work made to take
 * emulator time, so nothing here depends on how fast the machine is.
 */
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { ManualClock } from "./clock";
import { resolveOptions } from "./options";
import { Emulator, type StackDeployInput } from "./runtime";
import type { EndpointRecord } from "./state";
import { SAMPLE_STACK } from "./testing";

const DURATION = 1000;

let clock: ManualClock;
let emulator: Emulator;
let endpoint: EndpointRecord;
/** What each deploy did, on the emulator clock: when its work started and when it was answered. */
let timeline: Array<{ name: string; started: number; answered?: number }>;

/** The emulator's private steps, to make them take emulator time. */
interface Steps {
  prepareDeploy(input: StackDeployInput): Promise<unknown>;
  applyDeploy(endpoint: EndpointRecord, input: StackDeployInput, file: unknown): unknown;
}

beforeEach(() => {
  clock = new ManualClock();
  emulator = new Emulator(resolveOptions({ apiKey: "ptr_test", clock, deployDurationMs: DURATION, taskDelayMs: 0 }), clock);
  endpoint = emulator.state.endpoint(1)!;
  timeline = [];
});
afterEach(() => emulator.dispose());

/** Makes the checks and parsing of every deploy take `ms` of emulator time. */
function workTakes(ms: number): void {
  const steps = emulator as unknown as Steps;
  const prepare = steps.prepareDeploy.bind(emulator);
  vi.spyOn(steps, "prepareDeploy").mockImplementation((input) => {
    timeline.push({ name: input.name, started: clock.now() });
    clock.advance(ms);
    return prepare(input);
  });
}

/** Queues a synchronous-family deploy and records when it is answered. */
function deploy(name: string): Promise<unknown> {
  const input: StackDeployInput = { name, content: SAMPLE_STACK, env: null, prune: false, resolveImage: "always", projectPath: `/data/compose/${name}` };
  return emulator.runStackDeploy(endpoint, input, "inline").then((failure) => {
    const entry = timeline.find((t) => t.name === name);
    if (entry) entry.answered = clock.now();
    return failure;
  });
}

/** Lets queued promise callbacks run (no wall-clock wait). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Plays emulator time forward to `t0 + ms` in 10 ms steps, letting the emulator react after each,
 * so every answer is recorded at the instant it is given.
 */
async function playUntil(t0: number, ms: number): Promise<void> {
  await settle();
  while (clock.now() < t0 + ms) {
    clock.advance(Math.min(10, t0 + ms - clock.now()));
    await settle();
  }
}

const answers = (t0: number) => timeline.map((t) => (t.answered === undefined ? undefined : t.answered - t0));

it("counts the emulator's own work towards deployDurationMs instead of adding it", async () => {
  workTakes(600);
  const t0 = clock.now();
  void deploy("alpha");
  await playUntil(t0, 990);
  expect(answers(t0)).toEqual([undefined]);
  await playUntil(t0, 1000);
  expect(answers(t0)).toEqual([1000]);
});

it("takes longer when the work itself outlasts deployDurationMs, and the next deploy waits for it", async () => {
  workTakes(1500);
  const t0 = clock.now();
  void deploy("alpha");
  void deploy("beta");
  await playUntil(t0, 3000);
  // beta's work (another 1500 ms) started only once alpha was answered.
  expect(timeline.map((t) => t.started - t0)).toEqual([0, 1500]);
  expect(answers(t0)).toEqual([1500, 3000]);
});

it("serializes deploys: each holds the queue deployDurationMs, one after the other, never overlapping", async () => {
  workTakes(100);
  const t0 = clock.now();
  const all = Promise.all(["alpha", "beta", "gamma", "delta"].map((name) => deploy(name)));
  await playUntil(t0, 4000);
  expect(timeline.map((t) => t.name)).toEqual(["alpha", "beta", "gamma", "delta"]);
  expect(answers(t0)).toEqual([1000, 2000, 3000, 4000]);
  for (let i = 1; i < timeline.length; i++) expect(timeline[i]!.started).toBeGreaterThanOrEqual(timeline[i - 1]!.answered!);
  expect(await all).toEqual([undefined, undefined, undefined, undefined]);
  expect(emulator.deployStats.count).toBe(4);
  expect(endpoint.cluster.stackServices("delta").length).toBeGreaterThan(0);
});

it("does not push the next deploy back by the time the previous one spent applying its changes", async () => {
  workTakes(0);
  const steps = emulator as unknown as Steps;
  const apply = steps.applyDeploy.bind(emulator);
  // Applying takes 30 ms of emulator time (as a late timer would on a busy event loop).
  vi.spyOn(steps, "applyDeploy").mockImplementation((...args) => {
    clock.advance(30);
    return apply(...args);
  });
  const t0 = clock.now();
  void deploy("alpha");
  void deploy("beta");
  await playUntil(t0, 1990);
  expect(answers(t0)).toEqual([1030, undefined]);
  // beta's slot began when alpha's ended (t0 + 1000), not when alpha had applied its changes
  // (t0 + 1030): it is answered at 2000 + its own 30, not at 2060.
  await playUntil(t0, 2050);
  expect(answers(t0)).toEqual([1030, 2030]);
});
