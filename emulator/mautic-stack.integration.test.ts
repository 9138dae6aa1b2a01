/**
 * The reference Mautic tenant stack (mautic-stack.md §7.1) deployed end to end: external configs,
 * secret and network, node pinning, a replicated-job installer, resources and healthchecks.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./index";
import { call, filters } from "./testing";

const here = dirname(fileURLToPath(import.meta.url));
let emu: RunningEmulator;
let stackFile: string;

const ENV = [
  { name: "TENANT", value: "acme" },
  { name: "MAUTIC_DOMAIN", value: "mautic.acme.example" },
  { name: "MAUTIC_IMAGE_TAG", value: "5.2.1-20241210-apache" },
  { name: "DB_PASSWORD", value: "dbpass" },
  { name: "DB_ROOT_PASSWORD", value: "rootpass" },
  { name: "TENANT_NODE", value: "node-3" },
  { name: "ADMIN_EMAIL", value: "admin@acme.example" },
  { name: "TRUSTED_PROXY_CIDR", value: "10.0.1.0/24" },
];

beforeEach(async () => {
  emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", taskDelayMs: 200 });
  stackFile = await readFile(join(here, "fixtures", "mautic-tenant.yml"), "utf8");
});
afterEach(async () => {
  await emu.close();
});

async function deploy(env = ENV) {
  const swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
  return call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
    body: { Name: "mautic-acme", SwarmID: swarmId, StackFileContent: stackFile, Env: env },
  });
}

describe("the reference Mautic tenant stack", () => {
  it("fails on the first missing external object, then goes live once they exist", async () => {
    expect((await deploy()).status).toBe(200);
    emu.control.advance(0);
    const failed = (await call(emu, "GET", "/api/stacks/1")).json<{ Status: number; DeploymentStatus: Array<{ Message?: string }> }>();
    expect(failed.Status).toBe(4);
    expect(failed.DeploymentStatus.at(-1)?.Message).toBe("service mautic_cron: config not found: mautic-crontab-v1");
    await call(emu, "DELETE", "/api/stacks/1?endpointId=1");

    emu.control.createConfig({ name: "mautic-crontab-v1", data: "* * * * * true\n" });
    emu.control.createConfig({ name: "mautic-provision-v1", data: "#!/bin/bash\n" });
    emu.control.createSecret({ name: "mautic-acme-admin-password", data: "s3cret" });
    expect((await deploy()).json<{ Id: number }>().Id).toBe(2);
    emu.control.advance(0);
    expect((await call(emu, "GET", "/api/stacks/2")).json<{ Status: number }>().Status).toBe(1);
    emu.control.advance(10_000);

    const services = (
      await call(emu, "GET", `/api/endpoints/1/docker/services?status=true&filters=${filters({ label: ["com.docker.stack.namespace=mautic-acme"] })}`)
    ).json<Array<{ Spec: Record<string, any>; ServiceStatus: Record<string, number> }>>();
    const byName = new Map(services.map((s) => [s.Spec.Name as string, s]));
    expect([...byName.keys()].sort()).toEqual([
      "mautic-acme_db",
      "mautic-acme_mautic_cron",
      "mautic-acme_mautic_install",
      "mautic-acme_mautic_web",
      "mautic-acme_mautic_worker",
    ]);
    for (const name of ["mautic-acme_db", "mautic-acme_mautic_web", "mautic-acme_mautic_cron", "mautic-acme_mautic_worker"]) {
      expect(byName.get(name)?.ServiceStatus).toEqual({ RunningTasks: 1, DesiredTasks: 1, CompletedTasks: 0 });
    }
    expect(byName.get("mautic-acme_mautic_install")?.ServiceStatus).toEqual({ RunningTasks: 0, DesiredTasks: 1, CompletedTasks: 1 });

    const web = byName.get("mautic-acme_mautic_web")?.Spec;
    expect(web?.Labels).toMatchObject({
      "traefik.enable": "false",
      "traefik.http.routers.mautic-acme.rule": "Host(`mautic.acme.example`)",
      "traefik.swarm.network": "traefik-public",
    });
    expect(web?.TaskTemplate.Resources).toEqual({
      Limits: { NanoCPUs: 1_000_000_000, MemoryBytes: 1024 ** 3 },
      Reservations: { NanoCPUs: 250_000_000, MemoryBytes: 256 * 1024 ** 2 },
    });
    expect(web?.TaskTemplate.ContainerSpec.Healthcheck).toEqual({
      Test: ["CMD", "curl", "-sS", "-o", "/dev/null", "http://localhost/"],
      Interval: 15_000_000_000,
      Timeout: 5_000_000_000,
      Retries: 5,
      StartPeriod: 300_000_000_000,
    });
    expect(web?.UpdateConfig).toMatchObject({ Order: "stop-first", FailureAction: "pause", Monitor: 60_000_000_000 });
    const install = byName.get("mautic-acme_mautic_install")?.Spec;
    expect(install?.Mode).toEqual({ ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } });
    expect(install?.TaskTemplate.ContainerSpec.Configs[0]).toMatchObject({
      ConfigName: "mautic-provision-v1",
      File: { Name: "/usr/local/bin/mautic-provision.sh", UID: "0", GID: "0", Mode: 0o555 },
    });
    expect(install?.TaskTemplate.ContainerSpec.Secrets[0]).toMatchObject({
      SecretName: "mautic-acme-admin-password",
      File: { Name: "mautic_admin_password", Mode: 0o400 },
    });

    const node3 = (await call(emu, "GET", "/api/endpoints/1/docker/nodes/node-3")).json<{ ID: string }>().ID;
    const tasks = (await call(emu, "GET", "/api/endpoints/1/docker/tasks")).json<Array<{ NodeID: string }>>();
    expect(new Set(tasks.map((t) => t.NodeID))).toEqual(new Set([node3]));
    const volumes = (await call(emu, "GET", "/api/endpoints/1/docker/volumes")).json<{ Volumes: Array<{ Name: string }> }>();
    expect(volumes.Volumes.map((v) => v.Name).sort()).toEqual([
      "mautic-acme_db_data",
      "mautic-acme_mautic_config",
      "mautic-acme_mautic_logs",
      "mautic-acme_mautic_media_files",
      "mautic-acme_mautic_media_images",
    ]);
  });

  it("refuses the deploy when a required variable is missing", async () => {
    await deploy(ENV.filter((pair) => pair.name !== "DB_PASSWORD"));
    emu.control.advance(0);
    const stack = (await call(emu, "GET", "/api/stacks/1")).json<{ Status: number; DeploymentStatus: Array<{ Message?: string }> }>();
    expect(stack.Status).toBe(4);
    expect(stack.DeploymentStatus.at(-1)?.Message).toMatch(
      /^invalid interpolation format for .*: "required variable DB_PASSWORD is missing a value: DB_PASSWORD is required"; you may need to escape any \$ with another \$$/,
    );
  });
});
