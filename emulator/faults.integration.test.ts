/**
 * HTTP faults, endpoint-down, per-route request counting, and the `/__emulator` control routes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./index";
import { call, SAMPLE_STACK } from "./testing";

let emu: RunningEmulator;
let swarmId: string;

beforeEach(async () => {
  emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", portainerVersion: "2.23.0", taskDelayMs: 100 });
  swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
  emu.control.resetRequestCounts();
});
afterEach(async () => {
  await emu.close();
});

const create = (name: string) =>
  call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
    body: { Name: name, SwarmID: swarmId, StackFileContent: SAMPLE_STACK },
  });
const control = (method: string, path: string, body?: unknown) => call(emu, method, `/__emulator${path}`, { body, apiKey: null });

describe("HTTP faults", () => {
  it("answers a scoped 500 for N occurrences, then recovers", async () => {
    emu.control.addFault({ kind: "http-error", route: "GET /api/stacks", times: 1 });
    const failed = await call(emu, "GET", "/api/stacks");
    expect(failed.status).toBe(500);
    expect(failed.text).toBe(
      '{"message":"Internal server error","details":"Emulated fault injected by the Portainer emulator"}',
    );
    expect((await call(emu, "GET", "/api/endpoints/1")).status).toBe(200);
    expect((await call(emu, "GET", "/api/stacks")).status).toBe(200);
    expect(emu.control.faults()).toEqual([]);
  });

  it("takes a custom status and body, and can target one stack", async () => {
    await create("acme");
    await create("beta");
    emu.control.addFault({ kind: "http-error", stack: "beta", status: 503, message: "Busy", details: "try later" });
    expect((await call(emu, "GET", "/api/stacks/1")).status).toBe(200);
    const res = await call(emu, "GET", "/api/stacks/2");
    expect(res.status).toBe(503);
    expect(res.text).toBe('{"message":"Busy","details":"Try later"}');
    expect((await create("beta")).status).toBe(503);
  });

  it("drops the connection", async () => {
    emu.control.addFault({ kind: "drop-connection", route: "/api/stacks/create/{type}/{method}", times: 1 });
    await expect(create("acme")).rejects.toThrow();
    expect((await create("acme")).status).toBe(200);
  });

  it("delays a response by at least the configured wall time", async () => {
    emu.control.addFault({ kind: "delay", delayMs: 150, route: "GET /api/system/status" });
    const started = performance.now();
    expect((await call(emu, "GET", "/api/system/status")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers as another Portainer version", async () => {
    emu.control.addFault({ kind: "version", version: "2.18.4", route: "GET /api/system/status", times: 1 });
    expect((await call(emu, "GET", "/api/system/status")).json<{ Version: string }>().Version).toBe("2.18.4");
    expect((await call(emu, "GET", "/api/system/status")).json<{ Version: string }>().Version).toBe("2.23.0");
  });
});

describe("endpoint down", () => {
  it("reports Status 2, fails the proxy with an empty 502 and the create's name check with 500", async () => {
    const id = emu.control.addFault({ kind: "endpoint-down", endpointId: 1 });
    expect((await call(emu, "GET", "/api/endpoints/1")).json<{ Status: number }>().Status).toBe(2);
    const proxy = await call(emu, "GET", "/api/endpoints/1/docker/services");
    expect(proxy.status).toBe(502);
    expect(proxy.text).toBe("");
    const created = await create("acme");
    expect(created.status).toBe(500);
    expect(created.json()).toEqual({
      message: "Unable to check for name collision",
      details: "Cannot connect to the Docker daemon at tcp://tasks.agent:9001. Is the docker daemon running?",
    });
    emu.control.removeFault(id);
    expect((await call(emu, "GET", "/api/endpoints/1")).json<{ Status: number }>().Status).toBe(1);
    expect((await create("acme")).status).toBe(200);
  });
});

describe("request counting", () => {
  it("counts per method and route pattern, Docker proxy paths included", async () => {
    await create("acme");
    await call(emu, "GET", "/api/stacks/1");
    await call(emu, "GET", "/api/stacks/1");
    await call(emu, "GET", "/api/endpoints/1/docker/tasks");
    await call(emu, "GET", "/api/endpoints/1/docker/v1.45/tasks");
    await call(emu, "GET", "/api/endpoints/1/docker/services/acme_web");
    expect(emu.control.requestCounts()).toEqual({
      "POST /api/stacks/create/{type}/{method}": 1,
      "GET /api/stacks/{id}": 2,
      "GET /api/endpoints/{id}/docker/tasks": 2,
      "GET /api/endpoints/{id}/docker/services/{id}": 1,
    });
    emu.control.resetRequestCounts();
    expect(emu.control.requestCounts()).toEqual({});
  });
});

describe("/__emulator control routes", () => {
  it("manages faults over HTTP and validates them", async () => {
    const bad = await control("POST", "/faults", { kind: "meteor" });
    expect(bad.status).toBe(400);
    expect(bad.json<{ message: string }>().message).toBe("invalid control request");
    const added = await control("POST", "/faults", { kind: "http-error", route: "GET /api/stacks", status: 502 });
    expect(added.status).toBe(201);
    const { id } = added.json<{ id: string }>();
    expect((await control("GET", "/faults")).json<Array<{ id: string }>>().map((f) => f.id)).toEqual([id]);
    expect((await call(emu, "GET", "/api/stacks")).status).toBe(502);
    expect((await control("DELETE", `/faults/${id}`)).status).toBe(200);
    expect((await call(emu, "GET", "/api/stacks")).status).toBe(200);
  });

  it("reads and resets request counts, and never counts itself", async () => {
    await call(emu, "GET", "/api/stacks");
    const counts = await control("GET", "/requests");
    expect(counts.json()).toEqual({ counts: { "GET /api/stacks": 1 }, total: 1 });
    await control("DELETE", "/requests");
    expect((await control("GET", "/requests")).json()).toEqual({ counts: {}, total: 0 });
  });

  it("advances the clock, switches version, writes logs, deploys outside Portainer and resets", async () => {
    await create("acme");
    expect((await control("POST", "/clock/advance", { ms: 1000 })).status).toBe(200);
    const tasks = (await call(emu, "GET", "/api/endpoints/1/docker/tasks")).json<Array<{ Status: { State: string } }>>();
    expect(tasks.map((t) => t.Status.State)).toContain("running");

    expect((await control("PUT", "/version", { version: "2.39.1" })).json()).toEqual({ version: "2.39.1" });
    expect((await call(emu, "GET", "/api/system/status")).json<{ Version: string }>().Version).toBe("2.39.1");

    expect((await control("POST", "/logs", { service: "acme_web", lines: [{ stream: "stderr", text: "boom" }] })).status).toBe(200);
    const logs = await fetch(`${emu.url}/api/endpoints/1/docker/services/acme_web/logs?stderr=1`, { headers: { "X-API-Key": "ptr_test" } });
    expect(Buffer.from(await logs.arrayBuffer()).toString("utf8")).toContain("boom");

    const outside = await control("POST", "/stacks/outside", { name: "cli", stackFileContent: "services:\n  web:\n    image: nginx\n" });
    expect(outside.status).toBe(200);
    expect((await create("cli")).status).toBe(409);
    const failing = await control("POST", "/stacks/outside", { name: "bad", stackFileContent: "services:\n  web:\n    image: nginx\n    foo: 1\n" });
    expect(failing.status).toBe(422);
    expect(failing.json()).toEqual({ message: "services.web Additional property foo is not allowed" });

    const state = (await control("GET", "/state")).json<{ stacks: unknown[]; endpoints: Array<{ services: unknown[] }> }>();
    expect(state.stacks).toHaveLength(1);
    expect(state.endpoints[0]?.services).toHaveLength(4);

    expect((await control("POST", "/reset")).status).toBe(200);
    expect((await call(emu, "GET", "/api/stacks")).json()).toEqual([]);
    expect((await call(emu, "GET", "/api/system/status")).json<{ Version: string }>().Version).toBe("2.23.0");
  });

  it("drives nodes, endpoint status and the manager flag", async () => {
    expect((await control("PUT", "/nodes/node-3", { availability: "drain" })).status).toBe(200);
    const nodes = (await call(emu, "GET", "/api/endpoints/1/docker/nodes")).json<Array<{ Spec: { Availability: string } }>>();
    expect(nodes[2]?.Spec.Availability).toBe("drain");
    expect((await control("PUT", "/endpoints/1/status", { status: 2 })).status).toBe(200);
    expect((await call(emu, "GET", "/api/endpoints/1")).json<{ Status: number }>().Status).toBe(2);
    expect((await control("PUT", "/endpoints/1/swarm-manager", { manager: false })).status).toBe(200);
    expect((await call(emu, "GET", "/api/endpoints/1/docker/swarm")).status).toBe(503);
    const unknown = await control("PUT", "/endpoints/7/status", { status: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual({ message: "no endpoint 7" });
  });
});
