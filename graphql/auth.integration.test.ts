import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, CLIENT, LOGIN, ME, cookiePair, gql, seedUsers, signIn, startTestApp, TEST_APP_SECRET, type TestApp } from "../test/app";

type LoginData = {
  login: {
    __typename: string;
    code?: string;
    message?: string;
    data?: { id: string; email: string; role: string };
    fieldErrors?: { field: string; message: string }[];
    retryAfterSeconds?: number;
  };
};
type MeData = { me: { id: string; email: string; role: string } | null };

describe("signing in through GraphQL", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: "3", LOGIN_MAX_FAILURES_PER_IP: "1000" });
    await seedUsers(t.app);
  });
  afterAll(() => t.close());

  it("signs in with any letter case of the e-mail, sets an HTTP-only SameSite=Lax cookie and answers me", async () => {
    const res = await gql<LoginData>(t.url, LOGIN, { email: " Admin@Example.COM ", password: ADMIN.password });
    expect(res.body.data?.login).toMatchObject({ __typename: "MutationLoginSuccess", data: { email: ADMIN.email, role: "ADMIN" } });
    expect(res.cookies).toHaveLength(1);
    const cookie = res.cookies[0]!;
    expect(cookie).toMatch(/^panel_session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000$/);
    const me = await gql<MeData>(t.url, ME, {}, { cookie: cookiePair(cookie) });
    expect(me.body.data?.me).toMatchObject({ email: ADMIN.email, role: "ADMIN" });
  });

  it("answers an unknown e-mail and a wrong password with the same error", async () => {
    const unknown = await gql<LoginData>(t.url, LOGIN, { email: "nobody@example.com", password: "whatever password" });
    const wrong = await gql<LoginData>(t.url, LOGIN, { email: CLIENT.email, password: "wrong password!!" });
    expect(unknown.body.data?.login).toEqual({
      __typename: "InvalidCredentialsError",
      code: "INVALID_CREDENTIALS",
      message: "The e-mail address or password is incorrect.",
    });
    expect(wrong.body.data?.login).toEqual(unknown.body.data?.login);
    expect(unknown.cookies).toEqual([]);
  });

  it.each([
    ["an empty e-mail and password", "", "", { email: "E-mail is required", password: "Password is required" }],
    ["a 10,000-character e-mail", `${"a".repeat(10_000)}@example.com`, "x", { email: "E-mail must be at most 254 characters" }],
    ["a 10,000-character password", ADMIN.email, "p".repeat(10_000), { password: "Password must be at most 72 bytes" }],
    ["an e-mail without @", "admin.example.com", "x", { email: "E-mail must be an e-mail address like name@example.com" }],
    ["a null byte in the e-mail", "admin\u0000@example.com", "x", { email: "E-mail must be an e-mail address like name@example.com" }],
  ])("gives field errors for %s, not a 500", async (_name, email, password, expected) => {
    const res = await gql<LoginData>(t.url, LOGIN, { email, password });
    expect(res.status).toBe(200);
    expect(res.body.data?.login.__typename).toBe("ValidationError");
    const byField = Object.fromEntries((res.body.data?.login.fieldErrors ?? []).map((e) => [e.field, e.message]));
    expect(byField).toEqual(expected);
  });

  it("throttles an account after repeated failures and says how long to wait", async () => {
    await t.app.services.users.create({ email: "victim@example.com", password: "victim password 1", role: "CLIENT" });
    for (let i = 0; i < 3; i++) {
      const res = await gql<LoginData>(t.url, LOGIN, { email: "victim@example.com", password: `guess number ${i}` });
      expect(res.body.data?.login.__typename).toBe("InvalidCredentialsError");
    }
    // Even the right password is refused while the account is throttled.
    const blocked = await gql<LoginData>(t.url, LOGIN, { email: "victim@example.com", password: "victim password 1" });
    expect(blocked.body.data?.login).toMatchObject({ __typename: "TooManyAttemptsError", code: "TOO_MANY_ATTEMPTS" });
    const wait = blocked.body.data?.login.retryAfterSeconds ?? 0;
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);
    expect(blocked.body.data?.login.message).toBe(`Too many sign-in attempts. Try again in ${wait} s.`);
    expect(blocked.cookies).toEqual([]);
  });

  it("rotates the session id at sign-in and ends the previous session", async () => {
    const first = await signIn(t.url, CLIENT);
    const res = await gql<LoginData>(t.url, LOGIN, CLIENT, { cookie: first });
    const second = cookiePair(res.cookies[0]);
    expect(second).not.toBe(first);
    expect((await gql<MeData>(t.url, ME, {}, { cookie: first })).body.data?.me).toBeNull();
    expect((await gql<MeData>(t.url, ME, {}, { cookie: second })).body.data?.me?.email).toBe(CLIENT.email);
  });

  it("logout ends the session server-side: the old cookie no longer works even if replayed", async () => {
    const cookie = await signIn(t.url, CLIENT);
    const out = await gql<{ logout: boolean }>(t.url, "mutation { logout }", {}, { cookie });
    expect(out.body.data?.logout).toBe(true);
    expect(out.cookies[0]).toMatch(/^panel_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970/);
    expect((await gql<MeData>(t.url, ME, {}, { cookie })).body.data?.me).toBeNull();
  });

  it("treats a tampered, truncated or foreign-signed cookie as signed out", async () => {
    const cookie = await signIn(t.url, CLIENT);
    const [name, value] = cookie.split("=") as [string, string];
    const [token, signature] = value.split(".") as [string, string];
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const bad of [
      `${name}=${flip(token)}.${signature}`,
      `${name}=${token}.${flip(signature)}`,
      `${name}=${token}`,
      `${name}=`,
      `${name}=${"x".repeat(5000)}`,
    ]) {
      const res = await gql<MeData>(t.url, ME, {}, { cookie: bad });
      expect(res.status).toBe(200);
      expect(res.body.data?.me).toBeNull();
    }
  });

  it("refuses a cross-site mutation (CSRF) and never runs it", async () => {
    const cookie = await signIn(t.url, CLIENT);
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example", cookie, "sec-fetch-site": "cross-site" },
      body: JSON.stringify({ query: "mutation { logout }" }),
    });
    expect(res.status).toBe(403);
    expect((await gql<MeData>(t.url, ME, {}, { cookie })).body.data?.me?.email).toBe(CLIENT.email);
  });

  it("refuses mutations over GET", async () => {
    const cookie = await signIn(t.url, CLIENT);
    const res = await fetch(`${t.url}/graphql?query=${encodeURIComponent("mutation { logout }")}`, { headers: { cookie, accept: "application/json" } });
    expect(res.status).toBe(405);
    expect((await gql<MeData>(t.url, ME, {}, { cookie })).body.data?.me?.email).toBe(CLIENT.email);
  });

  it("never puts a secret in a response or a log line", async () => {
    const login = await gql<LoginData>(t.url, LOGIN, ADMIN);
    const cookie = cookiePair(login.cookies[0]);
    const token = cookie.split("=")[1]!.split(".")[0]!;
    const me = await gql(t.url, "query { me { id email role createdAt } }", {}, { cookie });
    const broken = await gql(t.url, "query { me { passwordHash } }", {}, { cookie });
    expect(broken.body.errors?.[0]?.message).toMatch(/Cannot query field "passwordHash"/);
    const user = await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: ADMIN.email } });
    const secrets = [ADMIN.password, user.passwordHash!, token, TEST_APP_SECRET];
    const everything = [login.text, me.text, broken.text, ...t.logs].join("\n");
    for (const secret of secrets) expect(everything).not.toContain(secret);
    // The logs did record the sign-in, so the check above looked at real lines.
    expect(t.logs.some((l) => l.includes('"msg":"signed in"'))).toBe(true);
  });
});

describe("session expiry", () => {
  it("ends a session after the idle timeout and after the absolute lifetime", async () => {
    let now = new Date("2026-11-27T12:00:00Z");
    const t = await startTestApp({ SESSION_IDLE_HOURS: "2", SESSION_MAX_DAYS: "1" }, { now: () => now });
    try {
      await seedUsers(t.app);
      const cookie = await signIn(t.url, CLIENT);
      // Used every 90 minutes, the idle timeout keeps sliding...
      for (let i = 0; i < 16; i++) {
        now = new Date(now.getTime() + 90 * 60_000);
        const me = await gql<MeData>(t.url, ME, {}, { cookie });
        if (i < 15) expect(me.body.data?.me?.email, `use ${i}`).toBe(CLIENT.email);
        else expect(me.body.data?.me, "past 24 h, the absolute lifetime ends it").toBeNull();
      }
      const idle = await signIn(t.url, CLIENT);
      now = new Date(now.getTime() + 2 * 3_600_000 + 1000);
      expect((await gql<MeData>(t.url, ME, {}, { cookie: idle })).body.data?.me).toBeNull();
      expect(await t.app.services.prisma.session.count()).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe("the session cookie behind https", () => {
  it("is __Host- prefixed and Secure, and a plain-http cookie name is not accepted for it", async () => {
    const origin = "https://panel.example.com";
    const t = await startTestApp({ APP_URL: origin });
    try {
      await seedUsers(t.app);
      const res = await gql<LoginData>(t.url, LOGIN, { email: CLIENT.email, password: CLIENT.password }, { origin });
      expect(res.body.data?.login.__typename).toBe("MutationLoginSuccess");
      expect(res.cookies).toHaveLength(1);
      expect(res.cookies[0]).toMatch(/^__Host-panel_session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
      const pair = cookiePair(res.cookies[0]);
      expect((await gql<MeData>(t.url, ME, {}, { cookie: pair, origin })).body.data?.me?.email).toBe(CLIENT.email);
      // The same token under the name a plain-http panel uses is a different cookie: ignored.
      const downgraded = pair.replace(/^__Host-/, "");
      expect((await gql<MeData>(t.url, ME, {}, { cookie: downgraded, origin })).body.data?.me).toBeNull();
      // Signing out clears it with the same attributes (a browser drops a __Host- cookie otherwise).
      const out = await gql(t.url, `mutation { logout }`, {}, { cookie: pair, origin });
      expect(out.cookies[0]).toMatch(/^__Host-panel_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure$/);
    } finally {
      await t.close();
    }
  });
});
