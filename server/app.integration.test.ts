import fs from "node:fs";
import http from "node:http";
import { describe, expect, it } from "vitest";
import { ADMIN, LOGIN, seedUsers, signIn, startTestApp } from "../test/app";

describe("the app's HTTP lifecycle", () => {
  it("answers /healthz and /readyz, and /readyz turns 503 while draining", async () => {
    const t = await startTestApp();
    try {
      expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: "ok" });
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", checks: { database: "ok" } });
      expect(ready.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await t.close();
    }
  });

  it("finishes an in-flight request on stop, then refuses new connections and closes the database", async () => {
    const t = await startTestApp();
    await seedUsers(t.app);
    expect(fs.existsSync(`${t.databasePath}-wal`)).toBe(true);
    const started = new Promise<void>((resolve) => t.app.server.once("request", () => resolve()));
    // A sign-in spends ~50 ms in bcrypt: long enough to be in flight when stop() begins.
    const inFlight = fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: LOGIN, variables: ADMIN }),
    });
    await started;
    const stopping = t.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { login: { __typename: string } } }).data.login.__typename).toBe("MutationLoginSuccess");
    await stopping;
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
    // SQLite removes the write-ahead log when the last connection closes.
    expect(fs.existsSync(`${t.databasePath}-wal`)).toBe(false);
  });

  it("closes idle keep-alive connections at once instead of waiting for the timeout", async () => {
    const t = await startTestApp({ SHUTDOWN_TIMEOUT_MS: "30000" });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get(`${t.url}/healthz`, { agent }, (res) => {
        res.resume();
        res.on("end", resolve);
      }).on("error", reject);
    });
    const before = Date.now();
    await t.close();
    expect(Date.now() - before).toBeLessThan(5000);
    agent.destroy();
  });

  it("tags every response with a request id, keeping a sane one from the proxy", async () => {
    const t = await startTestApp();
    try {
      const kept = await fetch(`${t.url}/healthz`, { headers: { "x-request-id": "traefik-abc-12345" } });
      expect(kept.headers.get("x-request-id")).toBe("traefik-abc-12345");
      const replaced = await fetch(`${t.url}/healthz`, { headers: { "x-request-id": "bad id\twith spaces" } });
      expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await t.close();
    }
  });

  it("keeps set-password tokens out of the request log", async () => {
    const t = await startTestApp();
    try {
      await fetch(`${t.url}/set-password/link-token-that-must-not-be-logged`);
      const lines = t.logs.filter((line) => line.includes('"request"'));
      expect(lines.some((line) => line.includes("/set-password/[redacted]"))).toBe(true);
      expect(t.logs.join("\n")).not.toContain("link-token-that-must-not-be-logged");
    } finally {
      await t.close();
    }
  });

  it("serves the API explorer from the panel itself, without a CDN", async () => {
    const t = await startTestApp();
    try {
      await seedUsers(t.app);
      const cookie = await signIn(t.url, ADMIN);
      const res = await fetch(`${t.url}/graphql`, { headers: { accept: "text/html", cookie } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain("<title>Mautic tenant panel API</title>");
      expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
      expect(html).not.toContain("unpkg.com");
    } finally {
      await t.close();
    }
  });

  it("refuses cross-site form posts to pages as well as to the API", async () => {
    const t = await startTestApp();
    try {
      const form = (origin: string) =>
        fetch(`${t.url}/login`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin },
          body: "email=a%40b.co&password=x",
          redirect: "manual",
        });
      expect((await form("https://evil.example")).status).toBe(403);
      // Same origin passes the check (and reaches the router: this test app has no UI build).
      expect((await form(t.url)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
