import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, CLIENT, cookiePair, seedUsers, startTestApp, type TestApp } from "../../test/app";

describe("REST /api/auth", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: "2" });
    await seedUsers(t.app);
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("signs in, returns the user without secrets, and serves /me with the cookie", async () => {
    const res = await post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: Record<string, unknown> };
    expect(Object.keys(body.user).sort()).toEqual(["createdAt", "email", "id", "role"]);
    expect(body.user).toMatchObject({ email: ADMIN.email, role: "ADMIN" });
    const cookie = cookiePair(res.headers.getSetCookie()[0]);
    const me = await fetch(`${t.url}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(ADMIN.email);

    const out = await post("/api/auth/logout", {}, { cookie });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ loggedOut: true });
    expect(out.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
    const after = await fetch(`${t.url}/api/auth/me`, { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it("answers 401 JSON on /me when signed out", async () => {
    const res = await fetch(`${t.url}/api/auth/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "NOT_AUTHENTICATED", message: "You are not signed in." } });
  });

  it("answers wrong credentials with 401 and the same body for unknown accounts", async () => {
    const wrong = await post("/api/auth/login", { email: CLIENT.email, password: "not the password" });
    const unknown = await post("/api/auth/login", { email: "ghost@example.com", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it.each([
    ["missing fields", {}, 400, { email: "E-mail is required", password: "Password is required" }],
    ["wrong types", { email: 42, password: ["x"] }, 400, { email: "E-mail must be a string", password: "Password must be a string" }],
    ["a 10,000-character password", { email: CLIENT.email, password: "x".repeat(10_000) }, 400, { password: "Password must be at most 72 bytes" }],
  ])("gives field errors for %s", async (_name, body, status, fields) => {
    const res = await post("/api/auth/login", body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { code: string; fieldErrors: { field: string; message: string }[] } };
    expect(json.error.code).toBe("VALIDATION_FAILED");
    expect(Object.fromEntries(json.error.fieldErrors.map((e) => [e.field, e.message]))).toEqual(fields);
  });

  it("rejects malformed JSON, other content types and oversized bodies without a 500", async () => {
    expect((await post("/api/auth/login", "{not json")).status).toBe(400);
    const form = await fetch(`${t.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "email=a%40b.c&password=x",
    });
    expect(form.status).toBe(415);
    expect((await post("/api/auth/login", JSON.stringify({ email: "a@b.c", password: "x".repeat(20_000) }))).status).toBe(413);
  });

  it("throttles with 429 and Retry-After", async () => {
    await t.app.services.users.create({ email: "rest-victim@example.com", password: "rest victim password", role: "CLIENT" });
    for (let i = 0; i < 2; i++) await post("/api/auth/login", { email: "rest-victim@example.com", password: `guess ${i} guess` });
    const res = await post("/api/auth/login", { email: "rest-victim@example.com", password: "rest victim password" });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(await res.json()).toEqual({
      error: { code: "TOO_MANY_ATTEMPTS", message: `Too many sign-in attempts. Try again in ${retryAfter} s.`, retryAfterSeconds: retryAfter },
    });
  });

  it("refuses a cross-site login post", async () => {
    const res = await post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("answers unknown API paths with a JSON 404", async () => {
    const res = await fetch(`${t.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: "No such API endpoint." } });
  });
});
