/**
 * The translation of answers into PortainerErrors, the retry decision, the redaction and the
 * defensive reading of stacks, version by version, without a server.
 */
import { describe, expect, it } from "vitest";
import { createRedactor, PortainerError, safeCause } from "./errors";
import { cleanCliMessage, errorFromResponse, errorFromTransport, type FailureContext } from "./failures";
import { stackStatusOf, toStack } from "./mappers";
import { backoffDelay, mayRetry } from "./transport";
import { deployFamilyOf, parseVersion } from "./version";

const redact = createRedactor("ptr_secret");
const ctx = (overrides: Partial<FailureContext> = {}): FailureContext => ({
  method: "POST",
  path: "/api/stacks/create/swarm/string",
  api: "portainer",
  baseUrl: "https://portainer.example:9443",
  endpointId: 3,
  timeoutMs: 1000,
  redact,
  ...overrides,
});
const json = (status: number, body: unknown) => ({ status, body: Buffer.from(JSON.stringify(body)), contentType: "application/json" });

const DETACH =
  "Since --detach=false was not specified, tasks will be created in the background.\n" +
  "In a future release, --detach=false will become the default.\n";

describe("errorFromResponse", () => {
  it("turns a 2.21–2.39 deploy 500 into DEPLOY_FAILED with the CLI message and no --detach notice", () => {
    const stderr = `${DETACH}failed to create service mautic-acme_db: Error response from daemon: rpc error: code = InvalidArgument desc = secret not found: mautic-acme-db-password-v1\n`;
    const error = errorFromResponse(json(500, { message: stderr, details: stderr }), ctx({ cli: "deploy", subject: 'stack "mautic-acme"' }));
    expect(error).toMatchObject({
      code: "DEPLOY_FAILED",
      status: 500,
      cliMessage:
        "failed to create service mautic-acme_db: Error response from daemon: rpc error: code = InvalidArgument desc = secret not found: mautic-acme-db-password-v1",
    });
    expect(error.message).toContain('Deploying stack "mautic-acme" failed');
    expect(error.message).toContain("Create the tenant's Docker secrets and configs");
  });

  it("reads the CLI message from details where Portainer puts it there", () => {
    const start = errorFromResponse(json(500, { message: "Unable to start stack", details: "Network x not found\n" }), ctx({ cli: "deploy" }));
    expect(start).toMatchObject({ code: "DEPLOY_FAILED", cliMessage: "Network x not found" });
    const intermediate = errorFromResponse(json(500, { message: "Failed to deploy stack", details: "Boom" }), ctx({ cli: "deploy" }));
    expect(intermediate).toMatchObject({ code: "DEPLOY_FAILED", cliMessage: "Boom" });
  });

  it("marks a deploy that failed because the engine was unreachable as retryable", () => {
    const error = errorFromResponse(
      json(500, { message: "Cannot connect to the Docker daemon at tcp://tasks.agent:9001. Is the docker daemon running?\n" }),
      ctx({ cli: "deploy" }),
    );
    expect(error).toMatchObject({ code: "DEPLOY_FAILED", reason: "ENDPOINT_UNREACHABLE", retryable: true });
  });

  it("keeps Portainer's own 500s apart from deploy failures", () => {
    const persist = errorFromResponse(json(500, { message: "Unable to persist the stack inside the database", details: "Disk full" }), ctx({ cli: "deploy" }));
    expect(persist).toMatchObject({ code: "SERVER_ERROR", retryable: true });
    const collision = errorFromResponse(
      json(500, { message: "Unable to check for name collision", details: 'Error response from daemon: This node is not a swarm manager. Use "docker swarm init"' }),
      ctx({ cli: "deploy" }),
    );
    expect(collision).toMatchObject({ code: "UNAVAILABLE", reason: "NOT_SWARM_MANAGER", retryable: false });
    const stop = errorFromResponse(json(500, { message: "Unable to stop stack", details: "Failed to remove some resources from stack: acme\n" }), ctx({ cli: "remove", method: "POST" }));
    expect(stop).toMatchObject({ code: "SERVER_ERROR", cliMessage: "Failed to remove some resources from stack: acme" });
  });

  it("gives state conflicts a reason, whichever status and field carries them", () => {
    const reasonOf = (status: number, body: unknown) => errorFromResponse(json(status, body), ctx({ method: "PUT" })).reason;
    expect(reasonOf(409, { message: "Unable to update stack", details: "Stack deployment is already in progress" })).toBe("DEPLOY_IN_PROGRESS");
    expect(reasonOf(409, { message: "Stack deployment is in progress", details: "Stack deployment is in progress" })).toBe("DEPLOY_IN_PROGRESS");
    expect(reasonOf(409, { message: "A stack with the name 'acme' is already running" })).toBe("ALREADY_ACTIVE");
    expect(reasonOf(409, { message: "Unable to start stack", details: "Stack is already active" })).toBe("ALREADY_ACTIVE");
    expect(reasonOf(400, { message: "Stack is already active", details: "Stack is already active" })).toBe("ALREADY_ACTIVE");
    expect(reasonOf(400, { message: "Stack is already inactive", details: "Stack is already inactive" })).toBe("ALREADY_INACTIVE");
    expect(reasonOf(409, { message: "A stack with the normalized name 'acme' already exists" })).toBe("NAME_TAKEN");
    expect(reasonOf(409, { message: "remove acme_db_data: volume is in use - [abc]" })).toBe("IN_USE");
    expect(reasonOf(400, { message: "rpc error: code = InvalidArgument desc = config 'c' is in use by the following service: acme_web" })).toBe("IN_USE");
    expect(errorFromResponse(json(400, { message: "Invalid request payload", details: "Invalid stack name" }), ctx()).code).toBe("BAD_REQUEST");
  });

  it("tells an unreachable endpoint behind the Docker proxy from an unavailable Portainer", () => {
    const proxied = errorFromResponse({ status: 502, body: Buffer.alloc(0) }, ctx({ api: "docker", method: "GET", path: "/api/endpoints/3/docker/swarm" }));
    expect(proxied).toMatchObject({ code: "UNAVAILABLE", reason: "ENDPOINT_UNREACHABLE", retryable: true });
    expect(proxied.message).toContain("environment 3");
    const socket = errorFromResponse(json(500, { message: "Unable to proxy the request via the Docker socket", details: "x" }), ctx({ api: "docker", method: "GET" }));
    expect(socket).toMatchObject({ code: "UNAVAILABLE", reason: "ENDPOINT_UNREACHABLE" });
    const gateway = errorFromResponse({ status: 504, body: Buffer.from("<html>Gateway Timeout</html>"), contentType: "text/html" }, ctx({ method: "GET" }));
    expect(gateway).toMatchObject({ code: "UNAVAILABLE", reason: undefined, retryable: true, status: 504 });
  });

  it("reports Portainer's disabled state and other redirects", () => {
    expect(errorFromResponse(json(303, { message: "Administrator initialization timeout" }), ctx({ method: "GET" }))).toMatchObject({ code: "UNAVAILABLE" });
    expect(errorFromResponse({ status: 301, body: Buffer.alloc(0), location: "https://x/?t=ptr_secret" }, ctx()).message).toContain("https://x/?t=[redacted]");
  });
});

describe("errorFromTransport", () => {
  it("classifies got's errors and keeps only a sanitized cause", () => {
    const gotError = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      name: "RequestError",
      code: "ECONNREFUSED",
      options: { headers: { "x-api-key": "ptr_secret" } },
    });
    const error = errorFromTransport(gotError, ctx({ method: "GET", path: "/api/system/status" }));
    expect(error).toMatchObject({ code: "UNAVAILABLE", reason: "CONNECTION_REFUSED", retryable: true });
    expect(error.cause).toMatchObject({ name: "RequestError", code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:9" });
    // Nothing but the name and code is kept on it: no options, headers, request or response.
    expect(Object.keys(error.cause as object).sort()).toEqual(["code", "name"]);
    expect(JSON.stringify(error)).not.toContain("ptr_secret");

    const connect = errorFromTransport(Object.assign(new Error("Timeout awaiting 'connect' for 50ms"), { name: "TimeoutError", code: "ETIMEDOUT", event: "connect" }), ctx());
    expect(connect).toMatchObject({ code: "UNAVAILABLE", reason: "CONNECT_TIMEOUT" });
    const request = errorFromTransport(Object.assign(new Error("Timeout awaiting 'request' for 50ms"), { name: "TimeoutError", code: "ETIMEDOUT", event: "request" }), ctx({ cli: "deploy" }));
    expect(request).toMatchObject({ code: "TIMEOUT" });
    expect(request.message).toContain("larger deploy timeout");
    expect(errorFromTransport(Object.assign(new Error("x"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }), ctx())).toMatchObject({ reason: "TLS_FAILURE", retryable: false });
    expect(errorFromTransport(Object.assign(new Error("getaddrinfo ENOTFOUND p"), { code: "ENOTFOUND" }), ctx())).toMatchObject({ reason: "DNS_FAILURE" });
    expect(errorFromTransport(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), ctx())).toMatchObject({ reason: "CONNECTION_RESET" });
  });
});

describe("retry decision", () => {
  const error = (init: Partial<ConstructorParameters<typeof PortainerError>[0]>) => new PortainerError({ code: "UNAVAILABLE", message: "x", ...init });

  it("retries anything that never reached Portainer, and only reads otherwise", () => {
    expect(mayRetry(error({ reason: "CONNECTION_REFUSED", retryable: true }), false)).toBe(true);
    expect(mayRetry(error({ reason: "CONNECT_TIMEOUT", retryable: true }), false)).toBe(true);
    expect(mayRetry(error({ reason: "CONNECTION_RESET", retryable: true }), false)).toBe(false);
    expect(mayRetry(error({ reason: "CONNECTION_RESET", retryable: true }), true)).toBe(true);
    expect(mayRetry(error({ code: "TIMEOUT", retryable: true }), false)).toBe(false);
    expect(mayRetry(error({ code: "TIMEOUT", retryable: true }), true)).toBe(true);
    expect(mayRetry(error({ code: "SERVER_ERROR", retryable: true }), true)).toBe(true);
    expect(mayRetry(error({ reason: "NOT_SWARM_MANAGER", retryable: false }), true)).toBe(false);
    expect(mayRetry(error({ code: "UNAUTHORIZED" }), true)).toBe(false);
    expect(mayRetry(error({ code: "CONFLICT", reason: "DEPLOY_IN_PROGRESS", retryable: true }), true)).toBe(false);
  });

  it("backs off exponentially within the bounds", () => {
    const retry = { limit: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    for (let i = 0; i < 20; i++) {
      expect(backoffDelay(1, retry)).toBeGreaterThanOrEqual(50);
      expect(backoffDelay(1, retry)).toBeLessThanOrEqual(100);
      expect(backoffDelay(3, retry)).toBeGreaterThanOrEqual(200);
      expect(backoffDelay(3, retry)).toBeLessThanOrEqual(400);
      expect(backoffDelay(10, retry)).toBeLessThanOrEqual(1000);
    }
  });
});

describe("PortainerError", () => {
  it("serializes its fields and a reduced cause", () => {
    const cause = safeCause(Object.assign(new Error("boom ptr_secret"), { code: "EPIPE" }), redact);
    const error = new PortainerError({ code: "TIMEOUT", message: "late", method: "GET", path: "/api/stacks", retryable: true, cause });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "PortainerError",
      code: "TIMEOUT",
      message: "late",
      method: "GET",
      path: "/api/stacks",
      retryable: true,
      cause: { name: "Error", code: "EPIPE", message: "boom [redacted]" },
    });
  });

  it("redacts the key and its URL-encoded form", () => {
    const r = createRedactor("ptr_a+b/c");
    expect(r("x ptr_a+b/c y ptr_a%2Bb%2Fc")).toBe("x [redacted] y [redacted]");
  });
});

describe("versions", () => {
  it("refuses below 2.20, reads 2.20–2.39 as synchronous and 2.40+ as asynchronous", () => {
    expect(deployFamilyOf("2.19.5")).toBeNull();
    expect(deployFamilyOf("1.24.2")).toBeNull();
    expect(deployFamilyOf("not a version")).toBeNull();
    expect(deployFamilyOf("2.20.0")).toBe("sync");
    expect(deployFamilyOf("2.23.0")).toBe("sync");
    expect(deployFamilyOf("2.39.6")).toBe("sync");
    expect(deployFamilyOf("2.40.0")).toBe("async");
    expect(deployFamilyOf("2.45.0")).toBe("async");
    expect(deployFamilyOf("3.0.0")).toBe("async");
    expect(parseVersion("2.33.1 LTS")).toEqual({ major: 2, minor: 33, patch: 1 });
    expect(parseVersion("2.27.0-rc1")).toEqual({ major: 2, minor: 27, patch: 0 });
  });
});

describe("stack status", () => {
  it("reads known numbers, and an unknown one from the deploy history", () => {
    expect(stackStatusOf(1, [])).toBe("active");
    expect(stackStatusOf(2, [])).toBe("inactive");
    expect(stackStatusOf(3, [])).toBe("deploying");
    expect(stackStatusOf(4, [])).toBe("error");
    expect(stackStatusOf(7, [{ Status: 7, Time: 1, Message: "failed" }])).toBe("error");
    expect(stackStatusOf(7, [{ Status: 7, Time: 1 }])).toBe("unknown");
  });

  it("reports only the error of a stack in error, and tolerates missing optional fields", () => {
    const stack = toStack({
      Id: 4,
      Name: "mautic-acme",
      EndpointId: 1,
      Status: 1,
      Env: null,
      DeploymentStatus: [{ Status: 4, Time: 10, Message: "old failure" }, { Status: 1, Time: 20 }],
    });
    expect(stack).toMatchObject({ id: 4, status: "active", deploymentError: null, env: [], swarmId: "", createdAt: null });
    expect(toStack({ Id: 4, Name: "a", EndpointId: 1, Status: 4, DeploymentStatus: [{ Status: 4, Time: 1, Message: "no network" }] }).deploymentError).toBe(
      "no network",
    );
    expect(() => toStack({ Id: "4", Name: "a", EndpointId: 1, Status: 1 })).toThrow("stack.Id is missing or not a number");
  });
});

describe("cleanCliMessage", () => {
  it("drops the --detach notice and surrounding blank space", () => {
    expect(cleanCliMessage(`${DETACH}network "x" is declared as external\n`)).toBe('network "x" is declared as external');
    expect(cleanCliMessage("invalid stack name\n")).toBe("invalid stack name");
  });
});
