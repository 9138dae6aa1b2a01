/**
 * The API key never leaves the client: not in any thrown error (message, stack, JSON, util.inspect,
 * the whole cause chain) and not in any log line, whatever failed, even when a hostile server
 * echoes the key back.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../emulator/index";
import { createLogger } from "../logger";
import { createPortainerClient, type PortainerClient } from "./client";
import { PortainerError } from "./errors";
import { API_KEY, captureLogs, clientFor, CREATE_ROUTE, prepareTenant, rejectionOf, startPortainer, tenantStack } from "./test-fixtures";

const WRONG_KEY = "ptr_WrongKey-do-not-leak-5d1e0a77";

let emu: RunningEmulator | undefined;
let echo: Server | undefined;

afterEach(async () => {
  await emu?.close();
  emu = undefined;
  if (echo) await new Promise((resolve) => echo!.close(resolve));
  echo = undefined;
});

/** Every text through which an error could carry the key. */
function renderings(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      out.push(current.message, current.stack ?? "", String(current));
      for (const key of Object.getOwnPropertyNames(current)) {
        const value = (current as unknown as Record<string, unknown>)[key];
        out.push(typeof value === "string" ? value : inspect(value, { depth: 5 }));
      }
    }
    out.push(JSON.stringify(current) ?? "", inspect(current, { depth: Infinity, showHidden: true }));
    current = current instanceof Error ? current.cause : undefined;
  }
  return out;
}

/** A server that answers every request with the X-API-Key it received, in every way it can. */
async function echoingServer(): Promise<string> {
  echo = createServer((req, res) => {
    const key = String(req.headers["x-api-key"] ?? "");
    if (req.url?.includes("/redirect/")) {
      res.writeHead(307, { Location: `https://elsewhere.example/?key=${encodeURIComponent(key)}` });
      res.end();
    } else if (req.url?.includes("/html/")) {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<p>your key is ${key}</p>`);
    } else {
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ message: `bad key ${key}`, details: `key=${key}` }));
    }
  });
  await new Promise<void>((resolve) => echo!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
}

describe("API key secrecy", () => {
  it("keeps the key out of every error and every log line", async () => {
    emu = await startPortainer({ portainerVersion: "2.23.0" });
    const { logger, lines } = captureLogs();
    const pinoLines: string[] = [];
    const pino = createLogger(
      { level: "debug", format: "json" },
      new Writable({
        write(chunk, _encoding, done) {
          pinoLines.push(String(chunk));
          done();
        },
      }),
    );
    const fast = { retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 1 } };
    const client = clientFor(emu, { logger, ...fast });
    const viaPino = clientFor(emu, { logger: pino, ...fast });
    const wrongKey = clientFor(emu, { apiKey: WRONG_KEY, logger, ...fast });
    const echoUrl = await echoingServer();
    const echoed = (path: string): PortainerClient => createPortainerClient({ baseUrl: `${echoUrl}${path}`, apiKey: API_KEY, endpointId: 1, timeoutMs: 1000, logger, ...fast });

    const tenant = tenantStack("acme", { traefikNetwork: "missing-proxy-net" });
    await prepareTenant(client, tenant);

    const failures: unknown[] = [];
    const fail = async (promise: Promise<unknown>) => failures.push(await rejectionOf(promise));

    await fail(wrongKey.getEndpoint()); // UNAUTHORIZED
    await fail(clientFor(emu, { endpointId: 42, logger }).getEndpoint()); // NOT_FOUND
    emu.control.addFault({ kind: "http-error", route: "GET /api/endpoints/{id}", status: 500 });
    await fail(client.getEndpoint()); // SERVER_ERROR after a retry
    await fail(viaPino.getEndpoint());
    emu.control.clearFaults();
    emu.control.addFault({ kind: "delay", route: "GET /api/endpoints/{id}/docker/nodes", delayMs: 300, times: 2 });
    await fail(clientFor(emu, { timeoutMs: 50, logger, ...fast }).listNodes()); // TIMEOUT
    emu.control.addFault({ kind: "drop-connection", route: "DELETE /api/endpoints/{id}/docker/secrets/{id}", times: 1 });
    await fail(client.deleteSecret(tenant.secrets[0]!)); // CONNECTION_RESET
    emu.control.addFault({ kind: "drop-connection", route: CREATE_ROUTE, times: 1 });
    await fail(clientFor(emu, { deployTimeoutMs: 50, logger, ...fast }).createSwarmStackFromString({ name: "mautic-x", stackFileContent: tenant.yaml }));
    await fail(viaPino.createSwarmStackFromString({ name: tenant.name, stackFileContent: tenant.yaml })); // DEPLOY_FAILED
    emu.control.setSwarmManager(1, false);
    await fail(client.getSwarm()); // NOT_SWARM_MANAGER
    emu.control.setPortainerVersion("2.19.5");
    await fail(clientFor(emu, { logger }).getDeployFamily()); // UNSUPPORTED_VERSION
    await fail(echoed("").getSystemStatus()); // SERVER_ERROR echoing the key
    await fail(echoed("/redirect").getSystemStatus()); // INVALID_RESPONSE, Location has the key
    await fail(echoed("/html").getSystemStatus()); // INVALID_RESPONSE, body has the key
    const closed = await emu.close().then(() => emu!.url);
    emu = undefined;
    await fail(createPortainerClient({ baseUrl: closed, apiKey: API_KEY, endpointId: 1, timeoutMs: 500, logger, ...fast }).getSystemStatus()); // REFUSED

    const codes = failures.map((f) => (f as PortainerError).code);
    expect(codes).toEqual([
      "UNAUTHORIZED",
      "NOT_FOUND",
      "SERVER_ERROR",
      "SERVER_ERROR",
      "TIMEOUT",
      "UNAVAILABLE",
      "UNAVAILABLE",
      "DEPLOY_FAILED",
      "UNAVAILABLE",
      "UNSUPPORTED_VERSION",
      "SERVER_ERROR",
      "INVALID_RESPONSE",
      "INVALID_RESPONSE",
      "UNAVAILABLE",
    ]);
    // The echoed key was scrubbed, not just absent because nothing was echoed.
    expect((failures[10] as PortainerError).portainerMessage).toBe("bad key [redacted]");
    expect((failures[11] as PortainerError).message).toContain("key=[redacted]");

    for (const failure of failures) {
      expect(failure).toBeInstanceOf(PortainerError);
      for (const text of renderings(failure)) {
        expect(text).not.toContain(API_KEY);
        expect(text).not.toContain(WRONG_KEY);
      }
    }
    expect(lines.length).toBeGreaterThan(20);
    expect(pinoLines.length).toBeGreaterThan(3);
    for (const line of [...lines, ...pinoLines]) {
      expect(line).not.toContain(API_KEY);
      expect(line).not.toContain(WRONG_KEY);
    }
  });

  it("refuses invalid options without echoing the key", () => {
    const attempts = [
      () => createPortainerClient({ baseUrl: `http://user:${API_KEY}@host`, apiKey: API_KEY, endpointId: 1, timeoutMs: 1 }),
      () => createPortainerClient({ baseUrl: "ftp://host", apiKey: API_KEY, endpointId: 1, timeoutMs: 1 }),
      () => createPortainerClient({ baseUrl: "http://host", apiKey: " ", endpointId: 1, timeoutMs: 1 }),
      () => createPortainerClient({ baseUrl: "http://host", apiKey: API_KEY, endpointId: 0, timeoutMs: 1 }),
      () => createPortainerClient({ baseUrl: "http://host", apiKey: API_KEY, endpointId: 1, timeoutMs: 0 }),
    ];
    for (const attempt of attempts) {
      let thrown: unknown;
      try {
        attempt();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(Error);
      expect(renderings(thrown).join("\n")).not.toContain(API_KEY);
    }
  });
});
