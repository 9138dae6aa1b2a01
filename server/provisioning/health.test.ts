import { describe, expect, it } from "vitest";
import type { SwarmService, SwarmTask } from "../portainer/domain";
import { describeProblems, tenantHealth } from "./health";

const STACK = "mautic-acme";

function service(name: string, over: Partial<SwarmService> = {}): SwarmService {
  return {
    id: `svc-${name}`, name: `${STACK}_${name}`, stack: STACK, labels: {}, image: "img", mode: "replicated", replicas: 1,
    runningTasks: 1, desiredTasks: 1, completedTasks: 0, createdAt: null, updatedAt: null, updateState: null, updateMessage: null, ...over,
  };
}

let seq = 0;
function task(serviceName: string, state: string, over: Partial<SwarmTask> = {}): SwarmTask {
  seq++;
  return {
    id: `t${seq}`, serviceId: `svc-${serviceName}`, nodeId: "n1", slot: 1, state, desiredState: "running", message: state, error: null,
    timestamp: new Date(1_000_000 + seq * 1000), containerId: null, exitCode: null, createdAt: null, updatedAt: null, ...over,
  };
}

const healthy = () => [service("db"), service("mautic_web"), service("mautic_cron"), service("mautic_worker")];

describe("tenantHealth", () => {
  it("is healthy when every long-running service runs, and notes the finished install job", () => {
    const services = [...healthy(), service("mautic_install", { mode: "replicated-job", runningTasks: 0, desiredTasks: 0, completedTasks: 1 })];
    const health = tenantHealth(STACK, services, [task("mautic_install", "complete", { desiredState: "complete" })]);
    expect(health.overall).toBe("healthy");
    expect(health.services.map((s) => [s.service, s.state])).toEqual([
      ["db", "running"], ["mautic_web", "running"], ["mautic_cron", "running"], ["mautic_worker", "running"], ["mautic_install", "complete"],
    ]);
    expect(describeProblems(health)).toEqual([]);
  });

  it("names a crash-looping worker with Swarm's error, and calls the tenant degraded", () => {
    const services = [...healthy().filter((s) => !s.name.endsWith("worker")), service("mautic_worker", { runningTasks: 0 })];
    const tasks = [
      task("mautic_worker", "failed", { desiredState: "shutdown", error: "task: non-zero exit (1)" }),
      task("mautic_worker", "failed", { desiredState: "shutdown", error: "task: non-zero exit (1)" }),
      task("mautic_worker", "starting"),
    ];
    const health = tenantHealth(STACK, services, tasks, 1_000_000 + 60_000);
    expect(health.overall).toBe("degraded");
    expect(describeProblems(health)).toEqual(["mautic_worker crash-looping: task: non-zero exit (1)"]);
    // Still crash-looping in the moment a replacement runs; fine again once the failures are old.
    const runningNow = [service("mautic_worker")];
    expect(tenantHealth(STACK, [...healthy().slice(0, 3), ...runningNow], tasks, 1_000_000 + 60_000).overall).toBe("degraded");
    expect(tenantHealth(STACK, [...healthy().slice(0, 3), ...runningNow], tasks, 1_000_000 + 3_600_000).overall).toBe("healthy");
  });

  it("calls the tenant down when the web service cannot pull its image", () => {
    const services = [...healthy().filter((s) => !s.name.endsWith("web")), service("mautic_web", { runningTasks: 0 })];
    const tasks = [task("mautic_web", "rejected", { desiredState: "shutdown", error: "No such image: mautic/mautic:9.9.9-apache" })];
    const health = tenantHealth(STACK, services, tasks);
    expect(health.overall).toBe("down");
    expect(describeProblems(health)).toEqual(["mautic_web image-failure: No such image: mautic/mautic:9.9.9-apache"]);
  });

  it("reports unschedulable tasks with the scheduler's message", () => {
    const services = [service("db", { runningTasks: 0 }), ...healthy().slice(1)];
    const tasks = [task("db", "pending", { message: "pending task scheduling", error: "no suitable node (scheduling constraints not satisfied on 3 nodes)" })];
    const health = tenantHealth(STACK, services, tasks);
    expect(health.overall).toBe("down");
    expect(health.services[0]).toMatchObject({ service: "db", state: "unschedulable", message: "no suitable node (scheduling constraints not satisfied on 3 nodes)" });
  });

  it("is stopped with no services (suspended) and starting while tasks come up", () => {
    expect(tenantHealth(STACK, [], []).overall).toBe("stopped");
    const services = healthy().map((s) => ({ ...s, runningTasks: 0 }));
    expect(tenantHealth(STACK, services, [task("db", "preparing")]).overall).toBe("starting");
  });
});
