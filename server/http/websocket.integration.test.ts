import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CLIENT, seedUsers, signIn, startTestApp, type TestApp } from "../../test/app";

/** Runs one operation over graphql-ws with the given upgrade headers. */
function wsRequest(url: string, query: string, headers: Record<string, string>, variables?: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    class HeaderWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    }
    const client = createClient({ url: url.replace(/^http/, "ws") + "/graphql", webSocketImpl: HeaderWebSocket, retryAttempts: 0, lazy: true });
    let result: unknown;
    client.subscribe(
      { query, variables },
      {
        next: (value) => (result = value),
        error: (error) => {
          void client.dispose();
          reject(error);
        },
        complete: () => {
          void client.dispose();
          resolve(result);
        },
      },
    );
  });
}

describe("GraphQL over WebSocket", () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp();
    await seedUsers(t.app);
    cookie = await signIn(t.url, CLIENT);
  });
  afterAll(() => t.close());

  it("uses the session cookie of the upgrade request", async () => {
    const result = await wsRequest(t.url, "{ me { email role } }", { cookie, origin: t.url });
    expect(result).toEqual({ data: { me: { email: CLIENT.email, role: "CLIENT" } } });
    const anonymous = await wsRequest(t.url, "{ me { email } }", { origin: t.url });
    expect(anonymous).toEqual({ data: { me: null } });
  });

  it("refuses the upgrade from another site's page", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${t.url.replace("http", "ws")}/graphql`, "graphql-transport-ws", {
        headers: { cookie, origin: "https://evil.example" },
      });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => reject(new Error("the upgrade was accepted")));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(403);
  });

  it("refuses to sign in over a WebSocket (it cannot set a cookie)", async () => {
    const result = (await wsRequest(t.url, `mutation { login(email: "${CLIENT.email}", password: "${CLIENT.password}") { __typename } }`, { origin: t.url })) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    expect(result.errors?.[0]).toMatchObject({
      message: "Sign in over HTTP: a WebSocket cannot set the session cookie.",
      extensions: { code: "FORBIDDEN" },
    });
  });

  it("answers hostile subscription arguments with an error, never a hang or a crash", async () => {
    const query = "subscription($id: ID!) { tenantEvents(tenantId: $id) { id } }";
    const hostile: [string, unknown, RegExp][] = [
      ["a lone surrogate", "tenant\ud800", /VALIDATION_FAILED/],
      ["a prototype key", "__proto__", /NOT_FOUND|FORBIDDEN/],
      ["SQL", "' OR 1=1 --", /NOT_FOUND|FORBIDDEN/],
      ["a null byte", "tenant\u0000id", /NOT_FOUND|FORBIDDEN/],
      ["10 KB", "x".repeat(10_000), /NOT_FOUND|FORBIDDEN/],
      ["an object", { $ne: null }, /ID cannot represent|got invalid value/],
      ["null", null, /must not be null/],
    ];
    for (const [what, id, expected] of hostile) {
      const outcome = await wsRequest(t.url, query, { cookie, origin: t.url }, { id }).then(
        (result) => JSON.stringify(result),
        (error: unknown) => JSON.stringify(error),
      );
      expect(outcome, what).toMatch(expected);
    }
    // The server still answers on a new connection.
    expect(await wsRequest(t.url, "{ me { email } }", { cookie, origin: t.url })).toEqual({ data: { me: { email: CLIENT.email } } });
  });
});
