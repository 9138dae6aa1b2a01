import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CLIENT, seedUsers, signIn, startTestApp, type TestApp } from "../../test/app";

/** Runs one operation over graphql-ws with the given upgrade headers. */
function wsRequest(url: string, query: string, headers: Record<string, string>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    class HeaderWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    }
    const client = createClient({ url: url.replace(/^http/, "ws") + "/graphql", webSocketImpl: HeaderWebSocket, retryAttempts: 0, lazy: true });
    let result: unknown;
    client.subscribe(
      { query },
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
});
