/**
 * Every operation of the client against the Portainer emulator, in both behaviour families:
 * synchronous (2.23) and asynchronous (the emulator's newest).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { PANEL_MANAGED_FILTER } from "../stacks/index";
import { PANEL_FILTER, type PortainerClient } from "./client";
import { PortainerError } from "./errors";
import { clientFor, CREATE_ROUTE, FAMILIES, prepareTenant, rejectionOf, startPortainer, tenantStack, until } from "./test-fixtures";

describe.each(FAMILIES)("Portainer client, $family family", ({ family, portainerVersion }) => {
  let emu: RunningEmulator;
  let client: PortainerClient;

  beforeEach(async () => {
    emu = await startPortainer({ portainerVersion });
    client = clientFor(emu);
  });
  afterEach(async () => {
    await emu.close();
  });

  describe("preflight reads", () => {
    it("reads the version and picks the deploy family from it", async () => {
      const status = await client.getSystemStatus();
      expect(status).toEqual({
        version: portainerVersion ?? emu.control.portainerVersion,
        instanceId: expect.any(String),
        family,
        supported: true,
      });
      expect(await client.getDeployFamily()).toBe(family);
    });

    it("inspects the endpoint: up and a Swarm manager, or down when Portainer says so", async () => {
      expect(await client.getEndpoint()).toMatchObject({ id: 1, name: "primary", up: true, swarmManager: true, nodeCount: 3 });
      emu.control.setEndpointStatus(1, 2);
      expect((await client.getEndpoint()).up).toBe(false);
    });

    it("reads the Swarm ID and the nodes with their state, availability and resources", async () => {
      const swarm = await client.getSwarm();
      expect(swarm.id).toBe(emu.state.endpoint(1)?.cluster.swarmId);
      expect(swarm.createdAt).toBeInstanceOf(Date);

      emu.control.setNode("node-3", { availability: "drain", labels: { zone: "b" } });
      const nodes = await client.listNodes();
      expect(nodes.map((n) => n.hostname).sort()).toEqual(["node-1", "node-2", "node-3"]);
      expect(nodes.find((n) => n.hostname === "node-1")).toMatchObject({
        role: "manager",
        leader: true,
        state: "ready",
        availability: "active",
        nanoCpus: 4_000_000_000,
        memoryBytes: 8 * 1024 ** 3,
      });
      expect(nodes.find((n) => n.hostname === "node-3")).toMatchObject({ role: "worker", availability: "drain", labels: { zone: "b" } });
    });

    it("inspects networks: the Traefik overlay with its subnet, a local one, and a missing one", async () => {
      expect(await client.getNetwork("traefik-public")).toMatchObject({
        name: "traefik-public",
        driver: "overlay",
        scope: "swarm",
        swarmOverlay: true,
        attachable: true,
        subnets: ["10.0.1.0/24"],
      });
      expect(await client.getNetwork("bridge")).toMatchObject({ driver: "bridge", scope: "local", swarmOverlay: false });
      expect(await client.getNetwork("no-such-network")).toBeNull();
    });
  });

  describe("configs and secrets", () => {
    it("creates, inspects, lists and removes configs", async () => {
      const id = await client.createConfig({ name: "mautic-acme-crontab-1", data: "* * * * * php bin/console\n", labels: { "io.mautic-panel.managed": "true" } });
      await client.createConfig({ name: "other-config", data: Buffer.from("x") });
      expect(await client.getConfig("mautic-acme-crontab-1")).toMatchObject({
        id,
        name: "mautic-acme-crontab-1",
        data: "* * * * * php bin/console\n",
        labels: { "io.mautic-panel.managed": "true" },
      });
      expect(await client.getConfig(id)).toMatchObject({ name: "mautic-acme-crontab-1" });
      expect((await client.listConfigs({ labels: [PANEL_MANAGED_FILTER] })).map((c) => c.name)).toEqual(["mautic-acme-crontab-1"]);
      expect((await client.listConfigs({ names: ["other-config"] })).map((c) => c.id)).toHaveLength(1);
      expect(await client.listConfigs()).toHaveLength(2);

      const duplicate = await rejectionOf(client.createConfig({ name: "other-config", data: "y" }));
      expect(duplicate).toMatchObject({ code: "CONFLICT", reason: "NAME_TAKEN", status: 409, method: "POST", path: "/api/endpoints/1/docker/configs/create" });

      await client.deleteConfig("other-config");
      expect(await client.getConfig("other-config")).toBeNull();
      expect(await rejectionOf(client.deleteConfig("other-config"))).toMatchObject({ code: "NOT_FOUND", status: 404 });
    });

    it("creates, inspects, lists and removes secrets without ever reading their value", async () => {
      const id = await client.createSecret({ name: "mautic-acme-db-password-v1", data: "s3cret", labels: { tenant: "acme" } });
      const secret = await client.getSecret(id);
      expect(secret).toEqual({
        id,
        name: "mautic-acme-db-password-v1",
        labels: { tenant: "acme" },
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
      });
      expect(JSON.stringify(secret)).not.toContain("s3cret");
      expect((await client.listSecrets({ labels: ["tenant=acme"] })).map((s) => s.id)).toEqual([id]);
      expect(await client.listSecrets({ names: ["mautic-acme-db-password"] })).toEqual([]);
      await client.deleteSecret(id);
      expect(await client.getSecret(id)).toBeNull();
    });

    it("refuses an invalid config name as Docker does", async () => {
      const error = await rejectionOf(client.createConfig({ name: "bad name!", data: "x" }));
      expect(error).toMatchObject({ code: "BAD_REQUEST", status: 400 });
      expect((error as PortainerError).portainerMessage).toMatch(/invalid name/);
    });
  });

  describe("a tenant stack", () => {
    it("goes through create, inspect, services, tasks, logs, update, stop, start, volumes and delete", async () => {
      const tenant = tenantStack("acme");
      await prepareTenant(client, tenant);

      const { stack, adopted } = await client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
      expect(adopted).toBe(false);
      expect(stack).toMatchObject({ name: "mautic-acme", endpointId: 1, status: "active", statusCode: 1, deploymentError: null, env: [] });
      expect(stack.swarmId).toBe(emu.state.endpoint(1)?.cluster.swarmId);
      expect(emu.state.stacks.size).toBe(1);

      expect((await client.listStacks()).map((s) => s.id)).toEqual([stack.id]);
      expect((await client.findStackByName("Mautic-Acme"))?.id).toBe(stack.id);
      expect(await client.findStackByName("mautic-other")).toBeNull();
      expect(await client.getStack(stack.id)).toMatchObject({ id: stack.id, status: "active", createdBy: "admin" });
      expect(await client.getStackFile(stack.id)).toBe(tenant.yaml);

      const services = await client.listServices(PANEL_FILTER);
      expect(services.map((s) => s.name).sort()).toEqual([
        "mautic-acme_db",
        "mautic-acme_mautic_cron",
        "mautic-acme_mautic_install",
        "mautic-acme_mautic_web",
        "mautic-acme_mautic_worker",
      ]);
      expect(services.every((s) => s.stack === "mautic-acme" && s.labels["io.mautic-panel.managed"] === "true")).toBe(true);
      expect(services.find((s) => s.name === "mautic-acme_mautic_install")).toMatchObject({ mode: "replicated-job", replicas: 1 });
      expect(services.find((s) => s.name === "mautic-acme_db")).toMatchObject({ mode: "replicated", replicas: 1, image: expect.stringMatching(/^mysql:8\.4/) });
      expect((await client.listServices({ stack: "mautic-acme" })).length).toBe(5);
      expect(await client.listServices({ stack: "mautic-other" })).toEqual([]);

      // Tasks move on by themselves; the install job completes, the rest run.
      await until(async () => {
        const tasks = await client.listTasks({ stack: "mautic-acme" }, { desiredState: "running" });
        return tasks.length === 4 && tasks.every((t) => t.state === "running");
      });
      const tasks = await client.listTasks(PANEL_FILTER);
      expect(tasks.length).toBeGreaterThanOrEqual(5);
      const running = tasks.find((t) => t.state === "running");
      expect(running).toMatchObject({ nodeId: expect.any(String), containerId: expect.any(String), error: null, timestamp: expect.any(Date) });
      expect(services.map((s) => s.id)).toContain(running?.serviceId);

      emu.control.appendServiceLogs({
        service: "mautic-acme_mautic_web",
        lines: [{ text: "GET /s/login 200" }, { stream: "stderr", text: "PHP Warning: é ü" }],
      });
      const logs = await client.getServiceLogs("mautic-acme_mautic_web", { tail: 2 });
      expect(logs).toEqual([
        { stream: "stdout", timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), text: "GET /s/login 200" },
        { stream: "stderr", timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), text: "PHP Warning: é ü" },
      ]);
      expect(await client.getServiceLogs("mautic-acme_mautic_web", { tail: 1, stdout: false, timestamps: false })).toEqual([
        { stream: "stderr", timestamp: null, text: "PHP Warning: é ü" },
      ]);
      expect(await rejectionOf(client.getServiceLogs("mautic-acme_nope"))).toMatchObject({ code: "NOT_FOUND", status: 404 });
      expect(await rejectionOf(client.getServiceLogs("mautic-acme_db", { tail: -1 }))).toMatchObject({ code: "BAD_REQUEST" });
      expect(await rejectionOf(client.listTasks({ labels: [] }))).toMatchObject({ code: "BAD_REQUEST" });

      // Routing on: the same stack, updated with Traefik labels enabled.
      const live = tenantStack("acme", { exposure: "live" });
      const updated = await client.updateStack(stack.id, {
        stackFileContent: live.yaml,
        env: [{ name: "PANEL_NOTE", value: "live" }],
        prune: true,
        pullImage: false,
      });
      expect(updated).toMatchObject({ id: stack.id, status: "active", env: [{ name: "PANEL_NOTE", value: "live" }], updatedBy: "admin" });
      expect(updated.updatedAt).toBeInstanceOf(Date);
      expect(await client.getStackFile(stack.id)).toBe(live.yaml);
      const web = (await client.listServices({ stack: "mautic-acme" })).find((s) => s.name === "mautic-acme_mautic_web");
      expect(web?.labels["traefik.enable"]).toBe("true");

      // Suspend: services go, the stack row and the volumes stay.
      expect(await client.stopStack(stack.id)).toMatchObject({ status: "inactive", statusCode: 2 });
      expect(await client.listServices({ stack: "mautic-acme" })).toEqual([]);
      expect(await rejectionOf(client.stopStack(stack.id))).toMatchObject({ code: "CONFLICT", reason: "ALREADY_INACTIVE", status: 400 });
      const volumes = await client.listVolumes({ stack: "mautic-acme" });
      expect(volumes.map((v) => v.name).sort()).toEqual([
        "mautic-acme_db_data",
        "mautic-acme_mautic_config",
        "mautic-acme_mautic_logs",
        "mautic-acme_mautic_media_files",
        "mautic-acme_mautic_media_images",
      ]);
      expect(volumes[0]).toMatchObject({ driver: "local", stack: "mautic-acme", labels: { "io.mautic-panel.managed": "true" } });

      // Resume.
      expect(await client.startStack(stack.id)).toMatchObject({ status: "active" });
      expect((await client.listServices({ stack: "mautic-acme" })).length).toBe(5);
      const again = await rejectionOf(client.startStack(stack.id));
      expect(again).toMatchObject({ code: "CONFLICT", reason: "ALREADY_ACTIVE", status: 409 });

      // Delete: the row and the services go; volumes stay until removed explicitly.
      await client.deleteStack(stack.id);
      expect(await client.getStack(stack.id)).toBeNull();
      expect(await client.getStackFile(stack.id)).toBeNull();
      expect(await client.listStacks()).toEqual([]);
      expect(await rejectionOf(client.deleteStack(stack.id))).toMatchObject({ code: "NOT_FOUND", status: 404, method: "DELETE" });
      await until(async () => (await client.listTasks({ stack: "mautic-acme" }, { desiredState: "running" })).length === 0);
      await until(async () => {
        const containers = emu.control.tasks().filter((t) => (t.Status as { State: string }).State === "running");
        return containers.length === 0;
      });
      for (const volume of await client.listVolumes({ stack: "mautic-acme" })) await client.deleteVolume(volume.name, { node: "node-1" });
      expect(await client.listVolumes(PANEL_FILTER)).toEqual([]);
      for (const config of tenant.configs) await client.deleteConfig(config.name);
      for (const secret of tenant.secrets) await client.deleteSecret(secret);
      expect(await client.listConfigs()).toEqual([]);
    });

    it(`re-resolves image tags on update only when asked (${family === "sync" ? "PullImage" : "RepullImageAndRedeploy"})`, async () => {
      const tenant = tenantStack("acme");
      await prepareTenant(client, tenant);
      const { stack } = await client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
      const dbImage = async () => (await client.listServices({ stack: tenant.name })).find((s) => s.name === "mautic-acme_db")?.image;
      const before = await dbImage();
      expect(before).toMatch(/^mysql:8\.4@sha256:/);
      const rebuilt = emu.control.pushImage("mysql:8.4");

      await client.updateStack(stack.id, { stackFileContent: tenant.yaml, prune: true, pullImage: false });
      expect(await dbImage()).toBe(before);
      await client.updateStack(stack.id, { stackFileContent: tenant.yaml, prune: true, pullImage: true });
      expect(await dbImage()).toBe(`mysql:8.4@${rebuilt}`);
    });

    it("adopts the existing stack after a 409 instead of creating a second one", async () => {
      const tenant = tenantStack("acme");
      await prepareTenant(client, tenant);
      const first = await client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
      const second = await client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
      expect(second.adopted).toBe(true);
      expect(second.stack).toMatchObject({ id: first.stack.id, status: "active" });
      expect(emu.state.stacks.size).toBe(1);
      expect(emu.control.requestCount(CREATE_ROUTE)).toBe(2);
    });

    it("answers NAME_TAKEN when the name belongs to services deployed outside Portainer", async () => {
      const tenant = tenantStack("acme");
      await prepareTenant(client, tenant);
      emu.control.deployOutsidePortainer({ name: tenant.name, stackFileContent: tenant.yaml });
      const error = await rejectionOf(client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml }));
      expect(error).toMatchObject({ code: "CONFLICT", reason: "NAME_TAKEN", status: 409, path: "/api/stacks/create/swarm/string" });
      expect((error as Error).message).toContain("outside Portainer");
      expect(emu.state.stacks.size).toBe(0);
    });

    it("reports a failed deploy with the CLI's message and what to check", async () => {
      const tenant = tenantStack("acme", { traefikNetwork: "missing-proxy-net" });
      await prepareTenant(client, tenant);
      const error = await rejectionOf(client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml }));
      expect(error).toBeInstanceOf(PortainerError);
      const failure = error as PortainerError;
      expect(failure.code).toBe("DEPLOY_FAILED");
      expect(failure.cliMessage).toBe(
        'network "missing-proxy-net" is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed',
      );
      expect(failure.message).toContain("overlay network of swarm scope");
      if (family === "sync") {
        // 2.20–2.39: a 500 whose message is the CLI's stderr; nothing is saved.
        expect(failure).toMatchObject({ status: 500, method: "POST", stackId: undefined });
        expect(failure.portainerMessage).toContain("--detach=false");
        expect(emu.state.stacks.size).toBe(0);
      } else {
        // 2.40+: the stack is saved as deploying and the failure is recorded on it.
        expect(failure).toMatchObject({ method: "GET", stackId: 1 });
        expect(await client.getStack(1)).toMatchObject({ status: "error", deploymentError: failure.cliMessage });
        expect(emu.state.stacks.size).toBe(1);
        // Creating it again adopts the failed stack and reports the same failure.
        const again = await rejectionOf(client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml }));
        expect(again).toMatchObject({ code: "DEPLOY_FAILED", stackId: 1 });
      }
    });

    it("says to create the secrets and configs first when the stack references missing ones", async () => {
      const tenant = tenantStack("acme");
      const error = await rejectionOf(client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml }));
      expect(error).toMatchObject({ code: "DEPLOY_FAILED", cliMessage: expect.stringMatching(/(secret|config) not found: mautic-acme-/) });
      expect((error as Error).message).toContain("Create the tenant's Docker secrets and configs before deploying");
    });

    it("reports a failed update and keeps the previous file", async () => {
      const tenant = tenantStack("acme");
      await prepareTenant(client, tenant);
      const { stack } = await client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
      const broken = tenantStack("acme", { traefikNetwork: "missing-proxy-net" });
      const error = await rejectionOf(client.updateStack(stack.id, { stackFileContent: broken.yaml, prune: true, pullImage: true }));
      expect(error).toMatchObject({ code: "DEPLOY_FAILED", cliMessage: expect.stringContaining('network "missing-proxy-net"') });
      expect(await client.getStackFile(stack.id)).toBe(tenant.yaml);
      // A good update recovers the stack (in the asynchronous family it leaves the error state).
      expect(await client.updateStack(stack.id, { stackFileContent: tenant.yaml, prune: true, pullImage: false })).toMatchObject({ status: "active" });
    });

    it("refuses a name Portainer would rewrite, without sending anything", async () => {
      const error = await rejectionOf(client.createSwarmStackFromString({ name: "Mautic Acme", stackFileContent: "services: {}\n" }));
      expect(error).toMatchObject({ code: "BAD_REQUEST", method: "POST", path: "/api/stacks/create/swarm/string" });
      expect((error as Error).message).toContain('"mauticacme"');
      expect(emu.control.requestCount(CREATE_ROUTE)).toBe(0);
    });
  });
});
