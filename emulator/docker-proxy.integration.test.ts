/**
 * Docker proxy routes (portainer-api.md §7, §8, §11.14–15): configs, secrets, networks, nodes,
 * swarm, endpoint inspect, service logs, and Docker's error bodies passed through unchanged.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./index";
import { call, filters, SAMPLE_STACK } from "./testing";

let emu: RunningEmulator;
let swarmId: string;

beforeEach(async () => {
  emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", portainerVersion: "2.23.0", taskDelayMs: 100 });
  swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
});
afterEach(async () => {
  await emu.close();
});

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Splits a Docker multiplexed stream into `[stream, text]` frames. */
function frames(buffer: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    out.push([buffer[offset] ?? 0, buffer.subarray(offset + 8, offset + 8 + size).toString("utf8")]);
    offset += 8 + size;
  }
  return out;
}

describe("configs and secrets", () => {
  it("create, inspect, list, refuse duplicates and bad names, refuse removal while in use", async () => {
    const created = await call(emu, "POST", "/api/endpoints/1/docker/configs/create", {
      body: { Name: "mautic-crontab-v1", Data: b64("* * * * * true"), Labels: { "panel.kind": "crontab" } },
    });
    expect(created.status).toBe(201);
    const { ID } = created.json<{ ID: string }>();
    expect(ID).toMatch(/^[a-z0-9]{25}$/);
    const byName = (await call(emu, "GET", "/api/endpoints/1/docker/configs/mautic-crontab-v1")).json<Record<string, unknown>>();
    expect(byName).toMatchObject({ ID, Spec: { Name: "mautic-crontab-v1", Labels: { "panel.kind": "crontab" }, Data: b64("* * * * * true") } });
    const listed = await call(emu, "GET", `/api/endpoints/1/docker/configs?filters=${filters({ name: ["mautic-crontab"] })}`);
    expect(listed.json<unknown[]>()).toHaveLength(1);

    const dup = await call(emu, "POST", "/api/endpoints/1/docker/configs/create", { body: { Name: "mautic-crontab-v1", Data: b64("x") } });
    expect(dup.status).toBe(409);
    expect(dup.text).toBe('{"message":"rpc error: code = AlreadyExists desc = config mautic-crontab-v1 already exists"}\n');
    const badName = await call(emu, "POST", "/api/endpoints/1/docker/configs/create", { body: { Name: "-bad", Data: b64("x") } });
    expect(badName.status).toBe(400);
    expect(badName.json<{ message: string }>().message).toBe(
      "rpc error: code = InvalidArgument desc = invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]",
    );

    const stack = `${SAMPLE_STACK.replace("    deploy:\n      mode: replicated-job", "    configs: [crontab]\n    deploy:\n      mode: replicated-job")}configs:\n  crontab:\n    external: true\n    name: mautic-crontab-v1\n`;
    const deployed = await call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
      body: { Name: "acme", SwarmID: swarmId, StackFileContent: stack },
    });
    expect(deployed.status).toBe(200);
    const inUse = await call(emu, "DELETE", "/api/endpoints/1/docker/configs/mautic-crontab-v1");
    expect(inUse.status).toBe(400);
    expect(inUse.text).toBe(
      "{\"message\":\"rpc error: code = InvalidArgument desc = config 'mautic-crontab-v1' is in use by the following service: acme_install\"}\n",
    );
    await call(emu, "DELETE", "/api/stacks/1?endpointId=1");
    expect((await call(emu, "DELETE", `/api/endpoints/1/docker/configs/${ID}`)).status).toBe(204);
    const missing = await call(emu, "GET", `/api/endpoints/1/docker/configs/${ID}`);
    expect(missing.status).toBe(404);
    expect(missing.text).toBe(`{"message":"config ${ID} not found"}\n`);
  });

  it("never returns secret data", async () => {
    await call(emu, "POST", "/api/endpoints/1/docker/secrets/create", { body: { Name: "mautic-acme-admin-password", Data: b64("pw") } });
    const secret = (await call(emu, "GET", "/api/endpoints/1/docker/secrets/mautic-acme-admin-password")).json<{ Spec: Record<string, unknown> }>();
    expect(secret.Spec).toEqual({ Name: "mautic-acme-admin-password", Labels: {} });
    const empty = await call(emu, "POST", "/api/endpoints/1/docker/secrets/create", { body: { Name: "empty", Data: "" } });
    expect(empty.json<{ message: string }>().message).toBe(
      "rpc error: code = InvalidArgument desc = secret data must be larger than 0 and less than 512000 bytes",
    );
  });
});

describe("networks, nodes, swarm, endpoint", () => {
  it("inspects the Traefik overlay and answers Docker's 404 for a missing network", async () => {
    const net = (await call(emu, "GET", "/api/endpoints/1/docker/networks/traefik-public")).json<Record<string, unknown>>();
    expect(net).toMatchObject({
      Name: "traefik-public",
      Scope: "swarm",
      Driver: "overlay",
      Attachable: true,
      IPAM: { Driver: "default", Config: [{ Subnet: "10.0.1.0/24", Gateway: "10.0.1.1" }] },
    });
    expect(net.Id).toMatch(/^[a-z0-9]{25}$/);
    const missing = await call(emu, "GET", "/api/endpoints/1/docker/networks/nope");
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('{"message":"network nope not found"}\n');
    const byName = await call(emu, "GET", `/api/endpoints/1/docker/networks?filters=${filters({ name: ["traefik"] })}`);
    expect(byName.json<Array<{ Name: string }>>().map((n) => n.Name)).toEqual(["traefik-public"]);
  });

  it("lists ready, active nodes with resources; node-1 leads", async () => {
    const nodes = (await call(emu, "GET", "/api/endpoints/1/docker/nodes")).json<Array<Record<string, any>>>();
    expect(nodes.map((n) => n.Description.Hostname)).toEqual(["node-1", "node-2", "node-3"]);
    for (const node of nodes) {
      expect(node.Status.State).toBe("ready");
      expect(node.Spec.Availability).toBe("active");
      expect(node.Description.Resources).toEqual({ NanoCPUs: 4_000_000_000, MemoryBytes: 8 * 1024 ** 3 });
    }
    expect(nodes[0]?.ManagerStatus).toMatchObject({ Leader: true, Reachability: "reachable" });
    expect(nodes[1]?.Spec.Role).toBe("worker");
  });

  it("swarm inspect gives the ID to use as SwarmID; a non-manager answers 503", async () => {
    const swarm = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string; JoinTokens: unknown }>();
    expect(swarm.ID).toBe(swarmId);
    expect(swarm.JoinTokens).toBeDefined();
    emu.control.setSwarmManager(1, false);
    const res = await call(emu, "GET", "/api/endpoints/1/docker/swarm");
    expect(res.status).toBe(503);
    expect(res.text).toBe(
      '{"message":"This node is not a swarm manager. Use \\"docker swarm init\\" or \\"docker swarm join\\" to connect this node to swarm and try again."}\n',
    );
  });

  it("endpoint inspect reports Status and the Swarm snapshot; the proxy ignores Status", async () => {
    const endpoint = (await call(emu, "GET", "/api/endpoints/1")).json<Record<string, any>>();
    expect(endpoint).toMatchObject({ Id: 1, Name: "primary", Status: 1, Type: 2 });
    expect(endpoint.Snapshots[0]).toMatchObject({ Swarm: true, NodeCount: 3, DockerVersion: "27.1.2" });
    expect(endpoint.Snapshots[0].DockerSnapshotRaw.Info.Swarm).toMatchObject({ ControlAvailable: true, Cluster: { ID: swarmId } });
    expect((await call(emu, "GET", "/api/endpoints/1?excludeSnapshot=true")).json<{ Snapshots: unknown[] }>().Snapshots).toEqual([]);
    emu.control.setEndpointStatus(1, 2);
    expect((await call(emu, "GET", "/api/endpoints/1")).json<{ Status: number }>().Status).toBe(2);
    expect((await call(emu, "GET", "/api/endpoints/1/docker/nodes")).status).toBe(200);
    const list = await call(emu, "GET", "/api/endpoints?excludeSnapshots=true");
    expect(list.headers.get("x-total-count")).toBe("1");
    const missing = await call(emu, "GET", "/api/endpoints/9");
    expect(missing.text).toBe(
      '{"message":"Unable to find an environment with the specified identifier inside the database","details":"Object not found inside the database (bucket=endpoints, key=9)"}',
    );
    const proxyMissing = await call(emu, "GET", "/api/endpoints/9/docker/services");
    expect(proxyMissing.status).toBe(404);
    expect((await call(emu, "GET", "/api/endpoints/x")).json<{ message: string }>().message).toBe(
      "Invalid environment identifier route variable",
    );
  });

  it("strips an API version prefix and answers unknown Docker paths with 'page not found'", async () => {
    expect((await call(emu, "GET", "/api/endpoints/1/docker/v1.41/nodes")).json<unknown[]>()).toHaveLength(3);
    expect(emu.control.requestCount("GET /api/endpoints/{id}/docker/nodes")).toBe(1);
    const unknown = await call(emu, "GET", "/api/endpoints/1/docker/plugins");
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('{"message":"page not found"}\n');
  });

  it("lists task containers and compose containers", async () => {
    emu.control.addComposeContainer({ project: "legacy" });
    const res = await call(
      emu,
      "GET",
      `/api/endpoints/1/docker/containers/json?all=1&filters=${filters({ label: ["com.docker.compose.project=legacy"] })}`,
    );
    expect(res.json<Array<{ Labels: Record<string, string> }>>()[0]?.Labels["com.docker.compose.project"]).toBe("legacy");
  });
});

describe("service logs", () => {
  beforeEach(async () => {
    await call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
      body: { Name: "acme", SwarmID: swarmId, StackFileContent: SAMPLE_STACK },
    });
  });

  it("returns a multiplexed stream with stdout and stderr frames", async () => {
    emu.control.appendServiceLogs({
      service: "acme_install",
      lines: [
        { text: "Mautic installed" },
        { stream: "stderr", text: "warning: cache cold" },
      ],
    });
    const res = await fetch(`${emu.url}/api/endpoints/1/docker/services/acme_install/logs?stdout=true&stderr=true`, {
      headers: { "X-API-Key": "ptr_test" },
    });
    expect(res.headers.get("content-type")).toBe("application/vnd.docker.multiplexed-stream");
    expect(frames(Buffer.from(await res.arrayBuffer()))).toEqual([
      [1, "Mautic installed\n"],
      [2, "warning: cache cold\n"],
    ]);
  });

  it("honours tail, stream selection and timestamps, and includes task lines", async () => {
    emu.control.advance(1000);
    emu.control.appendServiceLogs({ service: "acme_web", lines: [{ text: "one" }, { text: "two" }] });
    const get = async (query: string) => {
      const res = await fetch(`${emu.url}/api/endpoints/1/docker/services/acme_web/logs?${query}`, { headers: { "X-API-Key": "ptr_test" } });
      return frames(Buffer.from(await res.arrayBuffer()));
    };
    expect((await get("stdout=1")).map(([, t]) => t)).toEqual([
      expect.stringContaining("acme_web.1 started on node-2"),
      "one\n",
      "two\n",
    ]);
    expect(await get("stdout=1&tail=1")).toEqual([[1, "two\n"]]);
    expect(await get("stderr=1")).toEqual([]);
    expect((await get("stdout=1&tail=1&timestamps=1"))[0]?.[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z two\n$/);
  });

  it("streams new lines with follow=true", async () => {
    const res = await fetch(`${emu.url}/api/endpoints/1/docker/services/acme_web/logs?stdout=1&follow=1`, {
      headers: { "X-API-Key": "ptr_test" },
    });
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no body");
    emu.control.appendServiceLogs({ service: "acme_web", lines: [{ text: "live line" }] });
    const { value } = await reader.read();
    expect(frames(Buffer.from(value ?? new Uint8Array()))).toEqual([[1, "live line\n"]]);
    await reader.cancel();
  });

  it("answers Docker's errors for an unknown service and for no stream", async () => {
    const unknown = await call(emu, "GET", "/api/endpoints/1/docker/services/nope/logs?stdout=1");
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe('{"message":"service nope not found"}\n');
    const none = await call(emu, "GET", "/api/endpoints/1/docker/services/acme_web/logs");
    expect(none.status).toBe(400);
    expect(none.text).toBe('{"message":"Bad parameters: you must choose at least one stream"}\n');
  });
});
