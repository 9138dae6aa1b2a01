/**
 * Authentication and public routes (portainer-api.md §3, §11.1; verification claim 4).
 */
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./index";
import { call } from "./testing";

let emu: RunningEmulator;
afterEach(async () => {
  await emu.close();
});

describe("auth (2.20+)", () => {
  it("answers 401 without credentials and with an unknown key", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual" });
    const none = await call(emu, "GET", "/api/stacks", { apiKey: null });
    expect(none.status).toBe(401);
    expect(none.text).toBe('{"message":"A valid authorization token is missing","details":"Unauthorized"}');
    const bad = await call(emu, "GET", "/api/stacks", { apiKey: "ptr_wrong" });
    expect(bad.status).toBe(401);
    expect(bad.text).toBe('{"message":"Invalid JWT token","details":"Unauthorized"}');
  });

  it("accepts the key in X-API-Key (any case) and in ?x-api-key=", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual" });
    expect((await call(emu, "GET", "/api/stacks", { apiKey: null, headers: { "x-api-key": "ptr_test" } })).status).toBe(200);
    expect((await call(emu, "GET", "/api/stacks?X-API-KEY=ptr_test", { apiKey: null })).status).toBe(200);
  });

  it("refuses an API key together with an Authorization header (403)", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual" });
    const res = await call(emu, "GET", "/api/stacks", { headers: { Authorization: "Bearer abc" } });
    expect(res.status).toBe(403);
    expect(res.text).toBe(
      '{"message":"api key and auth header are not allowed at the same time","details":"Api key and auth header are not allowed at the same time"}',
    );
  });

  it("logs in with POST /api/auth, uses the JWT, and revokes it on logout", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", adminPassword: "s3cret-pass" });
    const login = await call(emu, "POST", "/api/auth", { apiKey: null, body: { username: "admin", password: "s3cret-pass" } });
    expect(login.status).toBe(200);
    expect(login.headers.get("set-cookie")).toMatch(/^portainer_api_key=/);
    const { jwt } = login.json<{ jwt: string }>();
    expect(jwt.split(".")).toHaveLength(3);
    const me = await call(emu, "GET", "/api/users/me", { apiKey: null, headers: { Authorization: `Bearer ${jwt}` } });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ Id: 1, Username: "admin", Role: 1 });
    expect((await call(emu, "POST", "/api/auth/logout", { apiKey: null, headers: { Authorization: `Bearer ${jwt}` } })).status).toBe(204);
    const after = await call(emu, "GET", "/api/users/me", { apiKey: null, headers: { Authorization: `Bearer ${jwt}` } });
    expect(after.status).toBe(401);
    expect(after.text).toBe('{"message":"Invalid JWT token","details":"Unauthorized"}');
  });

  it("expires JWTs after 8 hours of emulator time", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual" });
    const login = await call(emu, "POST", "/api/auth", {
      apiKey: null,
      body: { Username: "admin", Password: "emulator-admin-password" },
    });
    const { jwt } = login.json<{ jwt: string }>();
    emu.control.advance(8 * 3600 * 1000);
    const res = await call(emu, "GET", "/api/users/me", { apiKey: null, headers: { Authorization: `Bearer ${jwt}` } });
    expect(res.status).toBe(401);
  });

  it("answers 422 for wrong credentials and 400 for empty ones", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual" });
    const wrong = await call(emu, "POST", "/api/auth", { apiKey: null, body: { Username: "admin", Password: "nope" } });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toBe('{"message":"Invalid credentials","details":"Unauthorized"}');
    const empty = await call(emu, "POST", "/api/auth", { apiKey: null, body: { Username: "", Password: "x" } });
    expect(empty.status).toBe(400);
    expect(empty.text).toBe('{"message":"Invalid request payload","details":"Invalid username"}');
    const noBody = await call(emu, "POST", "/api/auth", { apiKey: null, body: "" });
    expect(noBody.text).toBe('{"message":"Invalid request payload","details":"EOF"}');
  });

  it("bans an IP for an hour after more than 10 logins in one second", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual" });
    const attempt = () => call(emu, "POST", "/api/auth", { apiKey: null, body: { Username: "admin", Password: "x" } });
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(422);
    const banned = await attempt();
    expect(banned.status).toBe(403);
    expect(banned.text).toBe('{"message":"Access denied","details":"Access denied to resource"}');
    emu.control.advance(3_600_001);
    expect((await attempt()).status).toBe(422);
  });

  it("serves the status route without auth, marked as the emulator", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", portainerVersion: "2.23.0" });
    for (const path of ["/api/system/status", "/api/status"]) {
      const res = await call(emu, "GET", path, { apiKey: null });
      expect(res.status).toBe(200);
      const body = res.json<{ Version: string; InstanceID: string; Emulator: string }>();
      expect(body.Version).toBe("2.23.0");
      expect(body.InstanceID).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.Emulator).toContain("not Portainer");
    }
  });

  it("defaults to the newest version and answers unknown routes like gorilla/mux", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual" });
    expect((await call(emu, "GET", "/api/system/status")).json<{ Version: string }>().Version).toBe("2.45.0");
    const missing = await call(emu, "GET", "/api/nope", { apiKey: null });
    expect(missing.status).toBe(404);
    expect(missing.text).toBe("404 page not found\n");
  });
});

describe("auth (2.19.x)", () => {
  it("sends one British-spelled 401 with raw details and a trailing newline", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", portainerVersion: "2.19.5" });
    for (const apiKey of [null, "ptr_wrong"]) {
      const res = await call(emu, "GET", "/api/stacks", { apiKey });
      expect(res.status).toBe(401);
      expect(res.text).toBe('{"message":"A valid authorisation token is missing","details":"Unauthorized"}\n');
    }
  });

  it("has no both-headers 403", async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", portainerVersion: "2.19.5" });
    const res = await call(emu, "GET", "/api/stacks", { headers: { Authorization: "Bearer abc" } });
    expect(res.status).toBe(200);
    expect((await call(emu, "GET", "/api/system/status")).json<{ Version: string }>().Version).toBe("2.19.5");
  });
});
