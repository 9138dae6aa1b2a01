/**
 * Stack routes of the asynchronous family (2.45+, the default): create and update return at once
 * with Status 3 (deploying) and record the outcome later (portainer-api.md corrections 5–6).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./index";
import { call, SAMPLE_STACK } from "./testing";

let emu: RunningEmulator;
let swarmId: string;

const MISSING_NETWORK = SAMPLE_STACK.replace("name: traefik-public", "name: no-such-net");
const NETWORK_ERROR =
  'network "no-such-net" is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed';

const create = (name: string, content = SAMPLE_STACK) =>
  call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
    body: { Name: name, SwarmID: swarmId, StackFileContent: content },
  });
const getStack = async (id = 1) => (await call(emu, "GET", `/api/stacks/${id}`)).json<Record<string, unknown>>();

beforeEach(async () => {
  emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", taskDelayMs: 100, deployDurationMs: 1000 });
  swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
});
afterEach(async () => {
  await emu.close();
});

describe("asynchronous create", () => {
  it("returns Status 3 at once, then becomes active when the background deploy finishes", async () => {
    const t0 = Math.floor(emu.control.clock.now() / 1000);
    const res = await create("acme");
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      Id: 1,
      Name: "acme",
      Status: 3,
      DeploymentStatus: [{ Status: 3, Time: t0 }],
      DeploymentStartStatus: 0,
      ResourceControl: { ResourceId: "1_acme", Type: 6 },
    });
    expect((await getStack()).Status).toBe(3);
    expect((await call(emu, "GET", "/api/endpoints/1/docker/services")).json()).toEqual([]);
    emu.control.advance(1000);
    const stack = await getStack();
    expect(stack.Status).toBe(1);
    expect(stack.DeploymentStatus).toEqual([
      { Status: 3, Time: t0 },
      { Status: 1, Time: t0 + 1 },
    ]);
    expect((await call(emu, "GET", "/api/endpoints/1/docker/services")).json<unknown[]>()).toHaveLength(3);
  });

  it("records a failed deploy on the stack (Status 4) instead of answering 500", async () => {
    const res = await create("acme", MISSING_NETWORK);
    expect(res.status).toBe(200);
    emu.control.advance(1000);
    const stack = await getStack();
    expect(stack.Status).toBe(4);
    expect(stack.DeploymentStatus).toEqual([
      { Status: 3, Time: expect.any(Number) },
      { Status: 4, Time: expect.any(Number), Message: NETWORK_ERROR },
    ]);
    // The stack row stays, so the name stays taken.
    expect((await create("acme")).status).toBe(409);
    const start = await call(emu, "POST", "/api/stacks/1/start?endpointId=1");
    expect(start.status).toBe(409);
    expect(start.json()).toEqual({ message: "Unable to start stack", details: `N${NETWORK_ERROR.slice(1)}` });
  });
});

describe("asynchronous update, start and stop", () => {
  beforeEach(async () => {
    await create("acme");
  });

  it("update answers 409 while a deploy is in progress", async () => {
    const res = await call(emu, "PUT", "/api/stacks/1?endpointId=1", { body: { StackFileContent: SAMPLE_STACK } });
    expect(res.status).toBe(409);
    expect(res.text).toBe('{"message":"Unable to update stack","details":"Stack deployment is already in progress"}');
  });

  it("update returns Status 3 and deploys in the background; Env replaces the old one", async () => {
    emu.control.advance(1000);
    const res = await call(emu, "PUT", "/api/stacks/1?endpointId=1", {
      body: { StackFileContent: SAMPLE_STACK, Env: [{ name: "TRAEFIK_ENABLE", value: "true" }], RepullImageAndRedeploy: false },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      Status: 3,
      DeploymentStartStatus: 1,
      Env: [{ name: "TRAEFIK_ENABLE", value: "true" }],
      UpdateDate: Math.floor(emu.control.clock.now() / 1000),
      ResourceControl: null,
    });
    emu.control.advance(1000);
    expect((await getStack()).Status).toBe(1);
    const web = (await call(emu, "GET", "/api/endpoints/1/docker/services/acme_web")).json<{ Spec: { Labels: Record<string, string> } }>();
    expect(web.Spec.Labels["traefik.enable"]).toBe("true");
  });

  it("a failed update rolls the file back and marks the stack as errored; the next update recovers it", async () => {
    emu.control.advance(1000);
    await call(emu, "PUT", "/api/stacks/1?endpointId=1", { body: { StackFileContent: MISSING_NETWORK } });
    emu.control.advance(1000);
    expect((await getStack()).Status).toBe(4);
    expect((await call(emu, "GET", "/api/stacks/1/file")).json()).toEqual({ StackFileContent: SAMPLE_STACK });
    const retry = await call(emu, "PUT", "/api/stacks/1?endpointId=1", { body: { StackFileContent: SAMPLE_STACK } });
    expect(retry.json()).toMatchObject({ Status: 3, DeploymentStartStatus: 4 });
    emu.control.advance(1000);
    expect((await getStack()).Status).toBe(1);
  });

  it("start checks Status first: 409 for an active stack", async () => {
    emu.control.advance(1000);
    const res = await call(emu, "POST", "/api/stacks/1/start?endpointId=1");
    expect(res.status).toBe(409);
    expect(res.text).toBe('{"message":"Unable to start stack","details":"Stack is already active"}');
  });

  it("stop answers 409 while deploying, then stops; start brings it back", async () => {
    const busy = await call(emu, "POST", "/api/stacks/1/stop?endpointId=1");
    expect(busy.status).toBe(409);
    expect(busy.text).toBe('{"message":"Stack deployment is in progress","details":"Stack deployment is in progress"}');
    emu.control.advance(1000);
    const stop = await call(emu, "POST", "/api/stacks/1/stop?endpointId=1");
    expect(stop.json()).toMatchObject({ Status: 2 });
    expect((await call(emu, "POST", "/api/stacks/1/stop?endpointId=1")).text).toBe(
      '{"message":"Stack is already inactive","details":"Stack is already inactive"}',
    );
    // Start is synchronous even in this family: the deploy happens inside the request.
    const waiting = emu.control.nextTimer();
    const start = call(emu, "POST", "/api/stacks/1/start?endpointId=1");
    await waiting;
    emu.control.advance(1000);
    const started = await start;
    expect(started.status).toBe(200);
    expect(started.json()).toMatchObject({ Status: 1, DeploymentStatus: [{ Status: 1 }] });
  });

  it("delete answers 204", async () => {
    emu.control.advance(1000);
    expect((await call(emu, "DELETE", "/api/stacks/1?endpointId=1")).status).toBe(204);
    expect((await call(emu, "GET", "/api/stacks/1")).status).toBe(404);
  });
});

describe("switching families at run time", () => {
  it("control.setPortainerVersion changes the reported version and the behaviour", async () => {
    emu.control.setPortainerVersion("2.39.0");
    expect((await call(emu, "GET", "/api/system/status")).json<{ Version: string }>().Version).toBe("2.39.0");
    const waiting = emu.control.nextTimer();
    const created = call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
      body: { Name: "sync", SwarmID: swarmId, StackFileContent: SAMPLE_STACK },
    });
    // The synchronous deploy takes deployDurationMs of emulator time inside the request.
    await waiting;
    emu.control.advance(1000);
    const res = await created;
    expect(res.json()).toMatchObject({ Status: 1 });
    expect(res.json()).not.toHaveProperty("DeploymentStatus");
  });
});
