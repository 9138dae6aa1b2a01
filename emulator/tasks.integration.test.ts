/**
 * Task life cycle on the test-controlled clock: swarmkit's state order and messages, jobs,
 * placement, the three task faults, rolling updates, digest pinning and node-local volumes.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./index";
import { call, filters, SAMPLE_STACK } from "./testing";

interface Task {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  Status: { State: string; Message: string; Err?: string; ContainerStatus?: { ContainerID: string; ExitCode: number } };
  Spec: { ContainerSpec: { Image: string } };
}
interface Service {
  ID: string;
  Spec: { Name: string; TaskTemplate: { ContainerSpec: { Image: string; Env?: string[] } } };
  ServiceStatus: { RunningTasks: number; DesiredTasks: number; CompletedTasks: number };
  UpdateStatus?: { State: string; Message: string };
  JobStatus?: { JobIteration: { Index: number } };
}

const STEP = 100;
let emu: RunningEmulator;
let swarmId: string;

beforeEach(async () => {
  emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", portainerVersion: "2.23.0", taskDelayMs: STEP, seed: 7 });
  swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
});
afterEach(async () => {
  await emu.close();
});

const deploy = async (name: string, content = SAMPLE_STACK, env: Array<{ name: string; value: string }> = []) => {
  const res = await call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
    body: { Name: name, SwarmID: swarmId, StackFileContent: content, Env: env },
  });
  expect(res.status).toBe(200);
  return res.json<{ Id: number }>();
};
const tasksOf = async (service: string): Promise<Task[]> =>
  (await call(emu, "GET", `/api/endpoints/1/docker/tasks?filters=${filters({ service: [service] })}`)).json<Task[]>();
const serviceOf = async (name: string): Promise<Service> =>
  (await call(emu, "GET", `/api/endpoints/1/docker/services?status=true&filters=${filters({ name: [name] })}`)).json<Service[]>()[0] as Service;
const nodeId = async (hostname: string): Promise<string> =>
  (await call(emu, "GET", `/api/endpoints/1/docker/nodes/${hostname}`)).json<{ ID: string }>().ID;

const ONE_SERVICE = (extra = "", image = "nginx:1.27") =>
  `services:\n  web:\n    image: ${image}\n${extra}`;

describe("task states", () => {
  it("moves forward through swarmkit's states with its messages, and ServiceStatus follows", async () => {
    await deploy("acme", ONE_SERVICE());
    const seen: Array<[string, string]> = [];
    for (let i = 0; i < 8; i++) {
      const [task] = await tasksOf("acme_web");
      seen.push([task?.Status.State ?? "", task?.Status.Message ?? ""]);
      if (i === 0) expect((await serviceOf("acme_web")).ServiceStatus).toEqual({ RunningTasks: 0, DesiredTasks: 1, CompletedTasks: 0 });
      emu.control.advance(STEP);
    }
    expect(seen).toEqual([
      ["new", "created"],
      ["pending", "pending task scheduling"],
      ["assigned", "scheduler assigned task to node"],
      ["accepted", "accepted"],
      ["preparing", "preparing"],
      ["ready", "prepared"],
      ["starting", "starting"],
      ["running", "started"],
    ]);
    expect((await serviceOf("acme_web")).ServiceStatus).toEqual({ RunningTasks: 1, DesiredTasks: 1, CompletedTasks: 0 });
    const [task] = await tasksOf("acme_web");
    expect(task).toMatchObject({ Slot: 1, DesiredState: "running" });
    // A service without networks joins the stack's default overlay, created by the deploy.
    const network = await call(emu, "GET", "/api/endpoints/1/docker/networks/acme_default");
    expect(network.json()).toMatchObject({ Scope: "swarm", Driver: "overlay", Labels: { "com.docker.stack.namespace": "acme" } });
    expect(task?.Status.ContainerStatus?.ContainerID).toMatch(/^[0-9a-f]{64}$/);
  });

  it("runs a replicated-job to complete", async () => {
    await deploy("acme");
    emu.control.advance(10 * STEP);
    const [task] = await tasksOf("acme_install");
    expect(task).toMatchObject({ DesiredState: "complete", Status: { State: "complete", Message: "finished" } });
    const service = await serviceOf("acme_install");
    expect(service.ServiceStatus).toEqual({ RunningTasks: 0, DesiredTasks: 1, CompletedTasks: 1 });
    expect(service.JobStatus?.JobIteration.Index).toBe(1);
  });

  it("honours node.hostname constraints", async () => {
    await deploy("acme");
    emu.control.advance(10 * STEP);
    const [db] = await tasksOf("acme_db");
    expect(db?.NodeID).toBe(await nodeId("node-2"));
    expect(db?.Status.State).toBe("running");
  });

  it("leaves a task pending with 'no suitable node' for an unknown hostname, until such a node joins", async () => {
    await deploy("acme", SAMPLE_STACK, [{ name: "TENANT_NODE", value: "node-9" }]);
    emu.control.advance(60_000);
    const [db] = await tasksOf("acme_db");
    expect(db?.Status).toMatchObject({
      State: "pending",
      Message: "pending task scheduling",
      Err: "no suitable node (scheduling constraints not satisfied on 3 nodes)",
    });
    expect(db?.NodeID).toBeUndefined();
    emu.control.addNode({ hostname: "node-9" });
    emu.control.advance(10 * STEP);
    expect((await tasksOf("acme_db"))[0]?.Status.State).toBe("running");
  });

  it("filters services and tasks by label, in both filter encodings", async () => {
    await deploy("acme");
    emu.control.deployOutsidePortainer({ name: "other", stackFileContent: ONE_SERVICE() });
    const byLabel = await call(emu, "GET", `/api/endpoints/1/docker/services?filters=${filters({ label: ["panel.tenant=acme"] })}`);
    expect(byLabel.json<Service[]>().map((s) => s.Spec.Name).sort()).toEqual(["acme_db", "acme_install", "acme_web"]);
    const legacy = encodeURIComponent(JSON.stringify({ label: { "com.docker.stack.namespace=other": true } }));
    expect((await call(emu, "GET", `/api/endpoints/1/docker/services?filters=${legacy}`)).json<Service[]>().map((s) => s.Spec.Name)).toEqual([
      "other_web",
    ]);
    const tasks = await call(emu, "GET", `/api/endpoints/1/docker/tasks?filters=${filters({ label: ["panel.tenant"] })}`);
    expect(tasks.json<Task[]>()).toHaveLength(3);
    const invalid = await call(emu, "GET", `/api/endpoints/1/docker/tasks?filters=${filters({ color: ["red"] })}`);
    expect(invalid.status).toBe(400);
    expect(invalid.text).toBe('{"message":"invalid filter \'color\'"}\n');
  });
});

describe("task faults", () => {
  it("image pull failure: rejected with 'No such image', then a replacement runs once the fault is used up", async () => {
    emu.control.addFault({ kind: "image-pull-failure", service: "web", times: 1 });
    await deploy("acme", ONE_SERVICE());
    emu.control.advance(5 * STEP);
    const [first] = await tasksOf("acme_web");
    expect(first?.Status).toMatchObject({ State: "rejected", Message: "preparing", Err: "No such image: nginx:1.27" });
    expect(first?.DesiredState).toBe("shutdown");
    emu.control.advance(10 * STEP);
    const tasks = await tasksOf("acme_web");
    expect(tasks.map((t) => [t.Slot, t.Status.State])).toEqual([
      [1, "rejected"],
      [1, "running"],
    ]);
  });

  it("crash loop: failed with 'task: non-zero exit (1)', replaced in the same slot, logs on stderr", async () => {
    emu.control.addFault({ kind: "crash-loop", stack: "acme", service: "web", times: 2, logLines: [{ stream: "stderr", text: "PHP Fatal error" }] });
    await deploy("acme", ONE_SERVICE());
    emu.control.advance(8 * STEP);
    const [first] = await tasksOf("acme_web");
    expect(first?.Status).toMatchObject({ State: "failed", Message: "started", Err: "task: non-zero exit (1)" });
    expect(first?.Status.ContainerStatus?.ExitCode).toBe(1);
    emu.control.advance(30 * STEP);
    const states = (await tasksOf("acme_web")).map((t) => t.Status.State);
    expect(states).toEqual(["failed", "failed", "running"]);
    expect((await serviceOf("acme_web")).ServiceStatus.RunningTasks).toBe(1);
    const logs = await fetch(`${emu.url}/api/endpoints/1/docker/services/acme_web/logs?stderr=1`, { headers: { "X-API-Key": "ptr_test" } });
    expect(Buffer.from(await logs.arrayBuffer()).toString("utf8")).toContain("PHP Fatal error");
  });

  it("a restart policy with max_attempts stops the crash loop", async () => {
    emu.control.addFault({ kind: "crash-loop", service: "web" });
    await deploy("acme", ONE_SERVICE("    deploy:\n      restart_policy:\n        condition: on-failure\n        max_attempts: 2\n"));
    emu.control.runUntilIdle();
    const states = (await tasksOf("acme_web")).map((t) => t.Status.State);
    expect(states).toEqual(["failed", "failed", "failed"]);
  });

  it("unschedulable: pending with 'insufficient resources' until the fault is removed", async () => {
    const id = emu.control.addFault({ kind: "unschedulable", stack: "acme" });
    await deploy("acme", ONE_SERVICE());
    emu.control.advance(20 * STEP);
    expect((await tasksOf("acme_web"))[0]?.Status).toMatchObject({
      State: "pending",
      Err: "no suitable node (insufficient resources on 3 nodes)",
    });
    emu.control.removeFault(id);
    emu.control.advance(10 * STEP);
    expect((await tasksOf("acme_web"))[0]?.Status.State).toBe("running");
  });

  it("a drained node reports its tasks unavailable", async () => {
    emu.control.setNode("node-2", { availability: "drain" });
    await deploy("acme");
    emu.control.advance(10 * STEP);
    expect((await tasksOf("acme_db"))[0]?.Status.Err).toBe(
      "no suitable node (scheduling constraints not satisfied on 2 nodes; 1 node not available for new tasks)",
    );
  });
});

describe("global services and node failures", () => {
  it("runs one task per node, replaces tasks of a node that goes down, and returns when it is back", async () => {
    emu.control.deployOutsidePortainer({
      name: "infra",
      stackFileContent: "services:\n  agent:\n    image: portainer/agent:2.23.0\n    deploy:\n      mode: global\n  web:\n    image: nginx\n    deploy:\n      replicas: 2\n",
    });
    emu.control.advance(10 * STEP);
    expect((await serviceOf("infra_agent")).ServiceStatus).toEqual({ RunningTasks: 3, DesiredTasks: 3, CompletedTasks: 0 });
    const node2 = await nodeId("node-2");
    emu.control.setNode("node-2", { state: "down" });
    emu.control.advance(10 * STEP);
    const web = await tasksOf("infra_web");
    // The task on the lost node is left as last reported, marked for shutdown, and replaced elsewhere.
    expect(web.filter((t) => t.NodeID === node2).map((t) => [t.Status.State, t.DesiredState])).toEqual([["running", "shutdown"]]);
    expect(web.filter((t) => t.DesiredState === "running" && t.Status.State === "running")).toHaveLength(2);
    expect((await serviceOf("infra_agent")).ServiceStatus.DesiredTasks).toBe(2);
    emu.control.setNode("node-2", { state: "ready" });
    emu.control.advance(10 * STEP);
    expect((await serviceOf("infra_agent")).ServiceStatus).toEqual({ RunningTasks: 3, DesiredTasks: 3, CompletedTasks: 0 });
    expect((await tasksOf("infra_web")).find((t) => t.NodeID === node2)?.Status.State).toBe("shutdown");
  });
});

describe("updates", () => {
  it("replaces tasks when the task spec changes (stop-first) and reports the update", async () => {
    await deploy("acme", ONE_SERVICE());
    emu.control.advance(10 * STEP);
    await call(emu, "PUT", "/api/stacks/1?endpointId=1", {
      body: { StackFileContent: ONE_SERVICE("    environment:\n      A: b\n") },
    });
    expect((await serviceOf("acme_web")).UpdateStatus).toMatchObject({ State: "updating", Message: "update in progress" });
    emu.control.advance(20 * STEP);
    const tasks = await tasksOf("acme_web");
    expect(tasks.map((t) => [t.Status.State, t.DesiredState])).toEqual([
      ["shutdown", "shutdown"],
      ["running", "running"],
    ]);
    expect((await serviceOf("acme_web")).UpdateStatus).toMatchObject({ State: "completed", Message: "update completed" });
  });

  it("keeps tasks when only service labels change", async () => {
    await deploy("acme");
    emu.control.advance(10 * STEP);
    const before = (await tasksOf("acme_web")).map((t) => t.ID);
    await call(emu, "PUT", "/api/stacks/1?endpointId=1", {
      body: { StackFileContent: SAMPLE_STACK, Env: [{ name: "TRAEFIK_ENABLE", value: "true" }] },
    });
    emu.control.advance(20 * STEP);
    expect((await tasksOf("acme_web")).map((t) => t.ID)).toEqual(before);
  });

  it("pins images by digest; PullImage:false keeps the pin, PullImage:true picks up a pushed build", async () => {
    await deploy("acme", ONE_SERVICE());
    const pinned = (await serviceOf("acme_web")).Spec.TaskTemplate.ContainerSpec.Image;
    expect(pinned).toMatch(/^nginx:1\.27@sha256:[0-9a-f]{64}$/);
    const pushed = emu.control.pushImage("nginx:1.27");
    await call(emu, "PUT", "/api/stacks/1?endpointId=1", { body: { StackFileContent: ONE_SERVICE(), PullImage: false } });
    expect((await serviceOf("acme_web")).Spec.TaskTemplate.ContainerSpec.Image).toBe(pinned);
    await call(emu, "PUT", "/api/stacks/1?endpointId=1", { body: { StackFileContent: ONE_SERVICE(), PullImage: true } });
    expect((await serviceOf("acme_web")).Spec.TaskTemplate.ContainerSpec.Image).toBe(`nginx:1.27@${pushed}`);
  });

  it("re-runs a job on every redeploy", async () => {
    await deploy("acme");
    emu.control.advance(10 * STEP);
    await call(emu, "PUT", "/api/stacks/1?endpointId=1", { body: { StackFileContent: SAMPLE_STACK } });
    emu.control.advance(10 * STEP);
    const service = await serviceOf("acme_install");
    expect(service.JobStatus?.JobIteration.Index).toBe(2);
    expect(service.ServiceStatus.CompletedTasks).toBe(1);
    expect((await tasksOf("acme_install")).map((t) => t.Status.State)).toEqual(["complete", "complete"]);
  });
});

describe("volumes", () => {
  it("are created on the task's node, outlive the stack, and are 'in use' until the tasks are gone", async () => {
    await deploy("acme");
    emu.control.advance(10 * STEP);
    const list = (await call(emu, "GET", "/api/endpoints/1/docker/volumes")).json<{ Volumes: Array<Record<string, unknown>> }>();
    expect(list.Volumes).toHaveLength(1);
    expect(list.Volumes[0]).toMatchObject({
      Name: "acme_db_data",
      Driver: "local",
      Labels: { "com.docker.stack.namespace": "acme" },
      Scope: "local",
    });
    const [db] = await tasksOf("acme_db");
    expect((await call(emu, "DELETE", "/api/stacks/1?endpointId=1")).status).toBe(204);
    const busy = await call(emu, "DELETE", "/api/endpoints/1/docker/volumes/acme_db_data");
    expect(busy.status).toBe(409);
    expect(busy.text).toBe(`{"message":"remove acme_db_data: volume is in use - [${db?.Status.ContainerStatus?.ContainerID}]"}\n`);
    emu.control.advance(5 * STEP);
    expect((await call(emu, "GET", "/api/endpoints/1/docker/volumes")).json<{ Volumes: unknown[] }>().Volumes).toHaveLength(1);
    expect((await call(emu, "DELETE", "/api/endpoints/1/docker/volumes/acme_db_data")).status).toBe(204);
    const gone = await call(emu, "DELETE", "/api/endpoints/1/docker/volumes/acme_db_data");
    expect(gone.status).toBe(404);
    expect(gone.text).toBe('{"message":"get acme_db_data: no such volume"}\n');
  });

  it("can be narrowed to one node with X-PortainerAgent-Target", async () => {
    await deploy("acme");
    emu.control.advance(10 * STEP);
    const onNode1 = await call(emu, "GET", "/api/endpoints/1/docker/volumes", { headers: { "X-PortainerAgent-Target": "node-1" } });
    expect(onNode1.json<{ Volumes: unknown[] }>().Volumes).toEqual([]);
    const onNode2 = await call(emu, "GET", "/api/endpoints/1/docker/volumes", { headers: { "X-PortainerAgent-Target": "node-2" } });
    expect(onNode2.json<{ Volumes: unknown[] }>().Volumes).toHaveLength(1);
  });
});
