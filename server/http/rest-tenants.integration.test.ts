import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, CLIENT, seedUsers, signIn, startTestApp, type TestApp } from "../../test/app";

describe("REST /api/tenants", () => {
  let t: TestApp;
  let admin: string;
  let client: string;
  let other: string;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp({}, { worker: false });
    await seedUsers(t.app);
    await t.app.services.users.create({ email: "other@example.com", password: "other password 123", role: "CLIENT" });
    admin = await signIn(t.url, ADMIN);
    client = await signIn(t.url, CLIENT);
    other = await signIn(t.url, { email: "other@example.com", password: "other password 123" });
  });
  afterAll(() => t.close());

  const post = (body: unknown, cookie: string) =>
    fetch(`${t.url}/api/tenants`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(body) });

  it("creates a tenant as ADMIN (201) and refuses a CLIENT (403) and the signed-out (401)", async () => {
    const res = await post({ name: "Acme", domain: "acme.example.com", ownerEmail: CLIENT.email }, admin);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { tenant: { id: string; status: string; owner: { email: string } } };
    expect(Object.keys(body)).toEqual(["tenant"]);
    const { tenant } = body;
    expect(tenant).toMatchObject({ status: "PENDING", owner: { email: CLIENT.email } });
    id = tenant.id;
    expect((await post({ name: "X", domain: "x.example.com", ownerEmail: CLIENT.email }, client)).status).toBe(403);
    const anonymous = await fetch(`${t.url}/api/tenants`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: "NOT_AUTHENTICATED", message: "You must be signed in." } });
  });

  it("hands back the invitation of an owner account it created", async () => {
    const res = await post({ name: "Newco", domain: "newco.example.com", ownerEmail: "owner@newco.example" }, admin);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { tenant: { id: string; owner: { email: string } }; ownerSetPasswordUrl: string; ownerSetPasswordExpiresAt: string };
    expect(body.tenant.owner.email).toBe("owner@newco.example");
    expect(body.ownerSetPasswordUrl).toMatch(/\/set-password\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(body.ownerSetPasswordExpiresAt).getTime()).toBeGreaterThan(Date.now());
    await t.app.services.prisma.tenant.delete({ where: { id: body.tenant.id } });
  });

  it("answers bad input with 400 field errors and a taken domain with 409", async () => {
    const bad = await post({ name: 42, domain: "x" }, admin);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { code: "VALIDATION_FAILED", message: "Some fields are not strings.", fieldErrors: [{ field: "name", message: "name must be a string" }] } });
    const invalid = await post({ name: "Y", domain: "-bad-", ownerEmail: CLIENT.email }, admin);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { fieldErrors: { field: string }[] } }).error.fieldErrors.map((e) => e.field)).toEqual(["domain"]);
    const taken = await post({ name: "Z", domain: "ACME.example.com", ownerEmail: CLIENT.email }, admin);
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: { code: "CONFLICT", field: "domain" } });
    expect(await t.app.services.prisma.tenant.count()).toBe(1);
  });

  it("lists and shows only what the caller may see", async () => {
    const list = async (cookie: string) => ((await (await fetch(`${t.url}/api/tenants`, { headers: { cookie } })).json()) as { tenants: { id: string }[] }).tenants.map((x) => x.id);
    expect(await list(admin)).toEqual([id]);
    expect(await list(client)).toEqual([id]);
    expect(await list(other)).toEqual([]);
    expect((await fetch(`${t.url}/api/tenants/${id}`, { headers: { cookie: client } })).status).toBe(200);
    const hidden = await fetch(`${t.url}/api/tenants/${id}`, { headers: { cookie: other } });
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({ error: { code: "NOT_FOUND", message: "The tenant was not found." } });
  });
});
