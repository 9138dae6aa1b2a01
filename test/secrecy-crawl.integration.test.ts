/**
 * Reads everything the API shows (every root query, generated from the schema; the REST routes;
 * the set-password page's data) as an ADMIN, a CLIENT, an API token and a signed-out caller, on a
 * panel that holds every kind of secret: provisioned tenants with a mailer password, backups,
 * sessions, API tokens, set-password links, and secrets written to a service's log. No response
 * may contain the Portainer token, APP_SECRET, a tenant's stored secret, a password or its hash, a
 * session or API token other than one handed to its owner, or a token's hash. The only way to
 * read a tenant's secrets is `revealTenantCredentials`, an audited mutation (its own tests).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../server/events/tenant-events";
import { tenantSecretNeedles } from "../server/tenants/tenant-logs";
import { ADMIN, CLIENT, TEST_APP_SECRET, TEST_PORTAINER_KEY, gql, seedUsers, signIn, startTestApp, type TestApp } from "./app";
import { schema } from "../graphql/schema";
import { crawlQueries } from "./query-crawler";
import { until } from "./wait";

type Data = Record<string, any>;
const OTHER = { email: "other-client@example.com", password: "other client password 9" };
const DSN = "smtp://mailer:Mail-Secret-4242@smtp.example.com:587";

describe("secrecy of every response", () => {
  let t: TestApp;
  const needles = new Map<string, string>();
  const callers: { name: string; headers: Record<string, string> }[] = [];
  const values: Record<string, unknown> = {};

  beforeAll(async () => {
    t = await startTestApp();
    await seedUsers(t.app);
    const other = await t.app.services.users.create({ ...OTHER, role: "CLIENT" });
    const client = await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: CLIENT.email } });
    const invited = await t.app.services.users.create({ email: "invited@example.com", role: "CLIENT" });
    const link = await t.app.services.passwordLinks.issue(invited.id, "INVITE", null);

    const mine = await t.app.services.tenants.create({ name: "Mine", domain: "mine.example.com", ownerId: client.id, mailerDsn: DSN }, SYSTEM);
    const theirs = await t.app.services.tenants.create({ name: "Theirs", domain: "theirs.example.com", ownerId: other.id }, SYSTEM);
    for (const id of [mine.id, theirs.id]) {
      await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id } }), (x) => x.status === "ACTIVE", `tenant ${id} ACTIVE`);
    }
    const backup = await t.app.services.backups.request(mine.id, "MANUAL", SYSTEM);
    await until(() => t.app.services.prisma.backup.findUniqueOrThrow({ where: { id: backup.id } }), (x) => x.status === "SUCCEEDED", "backup");

    const admin = await signIn(t.url, ADMIN);
    const clientCookie = await signIn(t.url, CLIENT);
    const otherCookie = await signIn(t.url, OTHER);
    const token = await gql<Data>(t.url, `mutation { createApiToken(name: "crawl") { ... on MutationCreateApiTokenSuccess { data { token } } } }`, {}, { cookie: clientCookie });
    const clientToken = token.body.data!.createApiToken.data.token as string;
    const otherToken = await gql<Data>(t.url, `mutation { createApiToken(name: "theirs") { ... on MutationCreateApiTokenSuccess { data { token } } } }`, {}, { cookie: otherCookie });

    // Secrets a tenant's own services print must come out redacted.
    const tenants = await t.app.services.prisma.tenant.findMany();
    for (const tenant of tenants) {
      const secrets = tenantSecretNeedles(tenant, t.app.services.tenants.secrets);
      secrets.forEach((value, i) => needles.set(`${tenant.slug} secret #${i}`, value));
      for (const service of ["mautic_web", "mautic_cron", "mautic_worker", "db"]) {
        t.emulator.control.appendServiceLogs({ service: `mautic-${tenant.slug}_${service}`, lines: secrets.map((s) => ({ text: `connecting with ${s}` })) });
      }
      for (const field of ["mysqlPasswordEnc", "mysqlRootPasswordEnc", "mauticAdminPasswordEnc", "mailerDsnEnc"] as const) {
        if (tenant[field]) needles.set(`${tenant.slug} ${field}`, tenant[field]);
      }
    }
    needles.set("Portainer token", TEST_PORTAINER_KEY);
    needles.set("APP_SECRET", TEST_APP_SECRET);
    needles.set("the mailer password", "Mail-Secret-4242");
    for (const who of [ADMIN, CLIENT, OTHER]) needles.set(`${who.email}'s password`, who.password);
    for (const user of await t.app.services.prisma.user.findMany()) if (user.passwordHash) needles.set(`${user.email}'s hash`, user.passwordHash);
    for (const session of await t.app.services.prisma.session.findMany()) needles.set("a session's hash", session.tokenHash);
    for (const row of await t.app.services.prisma.apiToken.findMany()) needles.set(`token ${row.name}'s hash`, row.tokenHash);
    for (const row of await t.app.services.prisma.passwordLink.findMany()) needles.set("a set-password link's hash", row.tokenHash);
    needles.set("another client's session", otherCookie.split("=")[1]!.split(".")[0]!);
    needles.set("another client's API token", otherToken.body.data!.createApiToken.data.token as string);
    // The set-password link is handed to the admin once, at creation; it is looked up by the token.
    values.token = link.url.split("/").pop();

    callers.push(
      { name: "ADMIN", headers: { cookie: admin } },
      { name: "CLIENT", headers: { cookie: clientCookie } },
      { name: "CLIENT API token", headers: { authorization: `Bearer ${clientToken}` } },
      { name: "signed out", headers: {} },
    );
    Object.assign(values, { id: mine.id, tenantId: mine.id, userId: client.id, first: 50, service: "MAUTIC_WEB", tail: 500 });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  function leaks(text: string): string[] {
    return [...needles].filter(([, value]) => value.length >= 4 && text.includes(value)).map(([name]) => name);
  }

  it("shows no secret in any root query, whoever asks, and each query is readable to its depth", async () => {
    const queries = crawlQueries(schema, values, 6);
    expect(queries.length).toBeGreaterThanOrEqual(15);
    let responses = 0;
    for (const caller of callers) {
      for (const { field, query } of queries) {
        const res = await gql<Data>(t.url, query, {}, caller.headers);
        responses += 1;
        expect(res.status, `${caller.name} ${field}`).toBeLessThan(500);
        // The generated query must be one the panel accepts: a refused query proves nothing.
        const refused = (res.body.errors ?? []).filter((e) => !["NOT_AUTHENTICATED", "FORBIDDEN"].includes(e.extensions?.code ?? ""));
        expect(refused, `${caller.name} ${field}: ${res.text.slice(0, 300)}`).toEqual([]);
        expect(leaks(res.text), `${caller.name} ${field}`).toEqual([]);
      }
    }
    // The admin's crawl really reached the data that holds secrets nearby.
    const logs = await gql<Data>(t.url, queries.find((q) => q.field === "tenantLogs")!.query, {}, callers[0]!.headers);
    expect(logs.text).toContain("[redacted]");
    const list = await gql<Data>(t.url, queries.find((q) => q.field === "backups")!.query, {}, callers[0]!.headers);
    expect(list.text).toContain("SUCCEEDED");
    expect(responses).toBe(queries.length * callers.length);
  });

  it("shows no secret on any REST route", async () => {
    const tenant = values.tenantId as string;
    for (const caller of callers) {
      for (const route of ["/api/auth/me", "/api/tenants", `/api/tenants/${tenant}`, `/healthz`, `/readyz`]) {
        const res = await fetch(`${t.url}${route}`, { headers: caller.headers });
        const text = await res.text();
        expect(res.status, `${caller.name} ${route}`).toBeLessThan(500);
        expect(leaks(text), `${caller.name} ${route}`).toEqual([]);
        expect(leaks(JSON.stringify([...res.headers])), `${caller.name} ${route} headers`).toEqual([]);
      }
    }
  });

  it("keeps every secret out of the log lines written meanwhile", () => {
    const secretsOnly = new Map([...needles].filter(([name]) => !name.includes("hash")));
    const found = [...secretsOnly].filter(([, value]) => t.logs.some((line) => line.includes(value))).map(([name]) => name);
    expect(found).toEqual([]);
  });
});
