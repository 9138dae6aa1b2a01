/**
 * Every error kind and the retry policy, driven by the emulator's fault injection: 500s, slow
 * answers, dropped connections, an unreachable endpoint, a non-manager engine, bad tokens,
 * refused connections, old versions, and creates whose answer never arrives.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { PortainerError } from "./errors";
import {
  captureLogs,
  clientFor,
  CREATE_ROUTE,
  FAMILIES,
  prepareTenant,
  rejectionOf,
  startPortainer,
  tenantStack,
  until,
} from "./test-fixtures";

const SWARM_ROUTE = "GET /api/endpoints/{id}/docker/swarm";
const CONFIG_DELETE_ROUTE = "DELETE /api/endpoints/{id}/docker/configs/{id}";

let emu: RunningEmulator | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await emu?.close();
  emu = undefined;
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A local HTTP server standing in for something that is not a healthy Portainer. */
async function fakeServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A URL where nothing listens: a server bound to port 0, then closed. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe("retry policy", () => {
  it("retries a read after 500s and succeeds", async () => {
    emu = await startPortainer();
    const { logger, lines } = captureLogs();
    const client = clientFor(emu, { logger });
    emu.control.addFault({ kind: "http-error", route: SWARM_ROUTE, status: 500, times: 2 });
    expect((await client.getSwarm()).id).toBe(emu.state.endpoint(1)?.cluster.swarmId);
    expect(emu.control.requestCount(SWARM_ROUTE)).toBe(3);
    expect(lines.filter((l) => l.includes("retrying"))).toHaveLength(2);
    expect(JSON.parse(lines.find((l) => l.includes("retrying")) ?? "{}")).toMatchObject({
      level: "warn",
      method: "GET",
      path: "/api/endpoints/1/docker/swarm",
      attempt: 1,
      code: "SERVER_ERROR",
      status: 500,
    });
  });

  it("gives up after the retry limit with SERVER_ERROR and Portainer's message", async () => {
    emu = await startPortainer();
    const client = clientFor(emu, { retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const route = "GET /api/endpoints/{id}";
    emu.control.addFault({ kind: "http-error", route, status: 500, message: "Unable to retrieve environment snapshot", details: "boom" });
    const error = await rejectionOf(client.getEndpoint());
    expect(error).toMatchObject({ code: "SERVER_ERROR", status: 500, portainerMessage: "Unable to retrieve environment snapshot", details: "Boom" });
    expect(emu.control.requestCount(route)).toBe(2);
  });

  it("never retries a removal after a 500 or a dropped connection", async () => {
    emu = await startPortainer();
    const client = clientFor(emu);
    await client.createConfig({ name: "c1", data: "x" });
    emu.control.addFault({ kind: "http-error", route: CONFIG_DELETE_ROUTE, status: 500, times: 1 });
    expect(await rejectionOf(client.deleteConfig("c1"))).toMatchObject({ code: "SERVER_ERROR", method: "DELETE" });
    emu.control.addFault({ kind: "drop-connection", route: CONFIG_DELETE_ROUTE, times: 1 });
    expect(await rejectionOf(client.deleteConfig("c1"))).toMatchObject({ code: "UNAVAILABLE", reason: "CONNECTION_RESET" });
    expect(emu.control.requestCount(CONFIG_DELETE_ROUTE)).toBe(2);
    await client.deleteConfig("c1");
  });

  it("retries a read whose connection was dropped", async () => {
    emu = await startPortainer();
    const client = clientFor(emu);
    emu.control.addFault({ kind: "drop-connection", route: "GET /api/endpoints/{id}", times: 1 });
    expect((await client.getEndpoint()).up).toBe(true);
    expect(emu.control.requestCount("GET /api/endpoints/{id}")).toBe(2);
  });

  it("times out a slow read, retries it, and reports TIMEOUT when every attempt is slow", async () => {
    emu = await startPortainer();
    const client = clientFor(emu, { timeoutMs: 100, retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    emu.control.addFault({ kind: "delay", route: "GET /api/endpoints/{id}/docker/nodes", delayMs: 400, times: 1 });
    expect(await client.listNodes()).toHaveLength(3);

    emu.control.addFault({ kind: "delay", route: "GET /api/endpoints/{id}/docker/nodes", delayMs: 400, times: 2 });
    const error = await rejectionOf(client.listNodes());
    expect(error).toMatchObject({ code: "TIMEOUT", method: "GET", path: "/api/endpoints/1/docker/nodes", retryable: true });
    expect((error as Error).message).toContain("within 100 ms");
    expect((error as Error).cause).toMatchObject({ name: "TimeoutError", code: "ETIMEDOUT" });
  });

  it("retries a connection refused, then reports UNAVAILABLE naming PORTAINER_URL", async () => {
    const url = await closedPortUrl();
    const { logger, lines } = captureLogs();
    const client = clientFor({ url }, { logger });
    const error = await rejectionOf(client.getSystemStatus());
    expect(error).toMatchObject({ code: "UNAVAILABLE", reason: "CONNECTION_REFUSED", method: "GET", path: "/api/system/status" });
    expect((error as Error).message).toContain("PORTAINER_URL");
    expect(lines.filter((l) => l.includes("retrying"))).toHaveLength(2);
  });
});

describe("error kinds", () => {
  it("UNAUTHORIZED for a wrong token, without retrying", async () => {
    emu = await startPortainer();
    const client = clientFor(emu, { apiKey: "ptr_wrong-token-value" });
    const error = await rejectionOf(client.getEndpoint());
    expect(error).toMatchObject({ code: "UNAUTHORIZED", status: 401, portainerMessage: "Invalid JWT token", details: "Unauthorized" });
    expect((error as Error).message).toContain("PORTAINER_API_TOKEN");
    expect(emu.control.requestCount("GET /api/endpoints/{id}")).toBe(1);
  });

  it("FORBIDDEN for a 403", async () => {
    emu = await startPortainer();
    const client = clientFor(emu);
    emu.control.addFault({ kind: "http-error", route: "GET /api/stacks", status: 403, message: "Access denied", details: "Unauthorized" });
    const error = await rejectionOf(client.listStacks());
    expect(error).toMatchObject({ code: "FORBIDDEN", status: 403, portainerMessage: "Access denied" });
    expect((error as Error).message).toContain("admin user");
  });

  it("NOT_FOUND naming PORTAINER_ENDPOINT_ID for an unknown endpoint, even where a missing object is null", async () => {
    emu = await startPortainer();
    const client = clientFor(emu, { endpointId: 99 });
    for (const call of [client.getEndpoint(), client.getNetwork("traefik-public"), client.getConfig("x"), client.listServices({ stack: "s" })]) {
      const error = await rejectionOf(call);
      expect(error).toMatchObject({ code: "NOT_FOUND", reason: "ENDPOINT_NOT_FOUND", status: 404 });
      expect((error as Error).message).toContain("PORTAINER_ENDPOINT_ID");
    }
  });

  it("NOT_FOUND (ROUTE_NOT_FOUND) naming PORTAINER_URL when the base URL is wrong", async () => {
    emu = await startPortainer();
    const client = clientFor({ url: `${emu.url}/portainer` });
    const error = await rejectionOf(client.getSystemStatus());
    expect(error).toMatchObject({ code: "NOT_FOUND", reason: "ROUTE_NOT_FOUND", status: 404 });
    expect((error as Error).message).toContain("PORTAINER_URL");
  });

  it("UNAVAILABLE when the endpoint is down, and no stack is created", async () => {
    emu = await startPortainer();
    const client = clientFor(emu, { retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const tenant = tenantStack("acme");
    await prepareTenant(client, tenant);
    await client.getSwarm();
    emu.control.addFault({ kind: "endpoint-down", endpointId: 1 });

    expect((await client.getEndpoint()).up).toBe(false);
    const proxied = await rejectionOf(client.listNodes());
    expect(proxied).toMatchObject({ code: "UNAVAILABLE", reason: "ENDPOINT_UNREACHABLE", status: 502, retryable: true });
    expect((proxied as Error).message).toContain("environment 1");
    const create = await rejectionOf(client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml }));
    expect(create).toMatchObject({ code: "UNAVAILABLE", reason: "ENDPOINT_UNREACHABLE", status: 500, portainerMessage: "Unable to check for name collision" });
    expect(emu.state.stacks.size).toBe(0);
  });

  it("UNAVAILABLE (NOT_SWARM_MANAGER) without retrying when the engine is not a Swarm manager", async () => {
    emu = await startPortainer();
    const client = clientFor(emu);
    emu.control.setSwarmManager(1, false);
    expect((await client.getEndpoint()).swarmManager).toBe(false);
    const error = await rejectionOf(client.getSwarm());
    expect(error).toMatchObject({ code: "UNAVAILABLE", reason: "NOT_SWARM_MANAGER", status: 503, retryable: false });
    expect((error as Error).message).toContain("PORTAINER_ENDPOINT_ID");
    expect(emu.control.requestCount(SWARM_ROUTE)).toBe(1);
  });

  it("UNSUPPORTED_VERSION below 2.20, naming the version found and the one needed", async () => {
    emu = await startPortainer({ portainerVersion: "2.19.5" });
    const client = clientFor(emu);
    expect(await client.getSystemStatus()).toMatchObject({ version: "2.19.5", supported: false, family: null });
    const error = await rejectionOf(client.getDeployFamily());
    expect(error).toMatchObject({ code: "UNSUPPORTED_VERSION", foundVersion: "2.19.5", requiredVersion: "2.20.0" });
    expect((error as Error).message).toMatch(/Portainer 2\.19\.5 .* needs Portainer 2\.20\.0 or later/);
    const tenant = tenantStack("acme");
    expect(await rejectionOf(client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml }))).toMatchObject({
      code: "UNSUPPORTED_VERSION",
    });
    expect(emu.control.requestCount(CREATE_ROUTE)).toBe(0);
  });

  it("INVALID_RESPONSE for a body that is not JSON, a body without the fields, and a redirect", async () => {
    const url = await fakeServer((req, res) => {
      if (req.url?.startsWith("/html/")) {
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end("<html>login</html>");
      } else if (req.url?.startsWith("/empty/")) {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("{}");
      } else {
        res.writeHead(302, { Location: "https://portainer.example/api/system/status" });
        res.end();
      }
    });
    const html = await rejectionOf(clientFor({ url: `${url}/html` }).getSystemStatus());
    expect(html).toMatchObject({ code: "INVALID_RESPONSE", status: 200, path: "/api/system/status" });
    expect((html as Error).message).toContain("not JSON");
    const empty = await rejectionOf(clientFor({ url: `${url}/empty` }).getSystemStatus());
    expect(empty).toMatchObject({ code: "INVALID_RESPONSE" });
    expect((empty as Error).message).toContain("status.Version");
    const redirect = await rejectionOf(clientFor({ url: `${url}/redirect` }).getSystemStatus());
    expect(redirect).toMatchObject({ code: "INVALID_RESPONSE", status: 302 });
    expect((redirect as Error).message).toContain("https://portainer.example");
  });
});

describe.each(FAMILIES)("creates whose answer is lost, $family family", ({ family, portainerVersion }) => {
  it("adopts a stack that appears after the create timed out, and creates no second one", async () => {
    const tenant = tenantStack("acme");
    if (family === "async") {
      // The create is answered after the client gave up; Portainer saves the stack anyway.
      emu = await startPortainer({ portainerVersion });
      const { logger, lines } = captureLogs();
      const client = clientFor(emu, { timeoutMs: 150, logger });
      await prepareTenant(client, tenant);
      await client.getSwarm();
      emu.control.addFault({ kind: "delay", route: CREATE_ROUTE, delayMs: 500, times: 1 });
      const result = await client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
      expect(result).toMatchObject({ adopted: true, stack: { name: tenant.name, status: "active" } });
      expect(lines.some((l) => l.includes("waiting for the stack to appear"))).toBe(true);
    } else {
      // The CLI runs inside the request: it outlasts the client's deploy timeout, then succeeds.
      emu = await startPortainer({ portainerVersion, clock: "manual", deployDurationMs: 60_000 });
      const client = clientFor(emu, { deployTimeoutMs: 1000 });
      await prepareTenant(client, tenant);
      await client.getSwarm();
      const pending = client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
      // Once the client looks for the stack by name, it has given up on the create's answer.
      await until(() => emu!.control.requestCount("GET /api/stacks") > 0);
      expect(emu.state.stacks.size).toBe(0);
      emu.control.advance(60_000);
      const result = await pending;
      expect(result).toMatchObject({ adopted: true, stack: { name: tenant.name, status: "active" } });
    }
    expect(emu.state.stacks.size).toBe(1);
    expect(emu.control.requestCount(CREATE_ROUTE)).toBe(1);
  });

  it("adopts the stack when the connection broke after Portainer created it", async () => {
    emu = await startPortainer({ portainerVersion });
    const client = clientFor(emu);
    const tenant = tenantStack("acme");
    await prepareTenant(client, tenant);
    emu.control.addFault({ kind: "drop-connection", route: CREATE_ROUTE, times: 1, afterHandling: true });
    const result = await client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
    expect(result).toMatchObject({ adopted: true, stack: { id: 1, name: tenant.name, status: "active" } });
    expect(emu.state.stacks.size).toBe(1);
    expect(emu.control.requestCount(CREATE_ROUTE)).toBe(1);
  });

  it("gives up without creating when the connection dropped and no stack appears", async () => {
    emu = await startPortainer({ portainerVersion });
    const client = clientFor(emu, { deployTimeoutMs: 300 });
    const tenant = tenantStack("acme");
    await prepareTenant(client, tenant);
    emu.control.addFault({ kind: "drop-connection", route: CREATE_ROUTE, times: 1 });
    const error = await rejectionOf(client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml }));
    expect(error).toMatchObject({ code: "UNAVAILABLE", reason: "CONNECTION_RESET", method: "POST", retryable: true });
    expect((error as Error).message).toContain("look for it in Portainer before creating it again");
    expect((error as Error).cause).toBeInstanceOf(PortainerError);
    expect(emu.state.stacks.size).toBe(0);
    expect(emu.control.requestCount(CREATE_ROUTE)).toBe(1);
  });
});

describe("asynchronous deploys", () => {
  it("waits for a deploy in progress before updating, instead of failing on the 409", async () => {
    emu = await startPortainer({ deployDurationMs: 300 });
    const { logger, lines } = captureLogs();
    const client = clientFor(emu, { logger });
    const tenant = tenantStack("acme");
    await prepareTenant(client, tenant);
    const { stack } = await client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml });
    const live = tenantStack("acme", { exposure: "live" });
    const update = { stackFileContent: live.yaml, prune: true, pullImage: false };
    const [a, b] = await Promise.all([client.updateStack(stack.id, update), client.updateStack(stack.id, update)]);
    expect(a.status).toBe("active");
    expect(b.status).toBe("active");
    expect(emu.control.requestCount("PUT /api/stacks/{id}")).toBe(3);
    expect(lines.some((l) => l.includes("waiting before updating"))).toBe(true);
  });

  it("reports TIMEOUT with the stack id when a deploy does not settle in time, and can wait again later", async () => {
    emu = await startPortainer({ clock: "manual", deployDurationMs: 60_000 });
    const client = clientFor(emu, { deployTimeoutMs: 200 });
    const tenant = tenantStack("acme");
    await prepareTenant(client, tenant);
    const error = await rejectionOf(client.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml }));
    expect(error).toMatchObject({ code: "TIMEOUT", stackId: 1, retryable: true, path: "/api/stacks/1" });
    expect((error as Error).message).toContain("still deploying");
    expect(await client.getStack(1)).toMatchObject({ status: "deploying", statusCode: 3 });
    emu.control.advance(60_000);
    expect(await client.waitForStackDeploy(1)).toMatchObject({ id: 1, status: "active" });
  });
});
