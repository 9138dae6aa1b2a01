/**
 * Security checks on the production build, through HTTP only (no page rendering needed):
 * what the browser bundle ships, what a CLIENT can reach with a session on every page route and
 * form action, and that stored secrets never appear in a page or its data.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { E2E_ADMIN } from "./fixtures";

const E2E_APP_SECRET = "e2e-secret-that-is-long-enough-0123456789";
const MINE = { email: "sec-mine@client-e2e.example", password: "mine password 0123" };
const THEIRS = { email: "sec-theirs@client-e2e.example", password: "theirs password 0123" };

type Data = Record<string, any>;

async function signedIn(playwright: { request: { newContext(o: object): Promise<APIRequestContext> } }, baseURL: string, who: { email: string; password: string }) {
  const context = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  const res = await context.post("/api/auth/login", { data: who });
  expect(res.status(), `sign in ${who.email}`).toBe(200);
  return context;
}

async function graphql(context: APIRequestContext, query: string, variables: Data = {}): Promise<Data> {
  const res = await context.post("/graphql", { data: { query, variables } });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { data?: Data; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

test.describe("security of pages and bundle", () => {
  let admin: APIRequestContext;
  let mine: APIRequestContext;
  const ids = { mine: "", theirs: "" };

  test.beforeAll(async ({ playwright, baseURL }) => {
    admin = await signedIn(playwright, baseURL!, E2E_ADMIN);
    for (const who of [MINE, THEIRS]) {
      await graphql(admin, `mutation($input: CreateUserInput!) { createUser(input: $input) { __typename } }`, { input: { ...who, role: "CLIENT" } });
    }
    for (const [key, who] of [["mine", MINE], ["theirs", THEIRS]] as const) {
      const created = await graphql(
        admin,
        `mutation($input: CreateTenantInput!) { createTenant(input: $input) { __typename ... on MutationCreateTenantSuccess { data { id } } } }`,
        { input: { name: `Sec ${key}`, domain: `sec-${key}.client-e2e.example`, ownerEmail: who.email, plan: "small", mailerDsn: `smtp://u:${key}-Mailer-Pass-77@smtp.example.com:25` } },
      );
      ids[key] = created.createTenant.data.id;
    }
    mine = await signedIn(playwright, baseURL!, MINE);
  });

  test.afterAll(async () => {
    // The emulator's nodes are shared with the specs that run after this one: give their room back.
    for (const [key, id] of Object.entries(ids)) {
      if (id) await graphql(admin, `mutation($id: ID!, $confirm: String!) { deleteTenant(id: $id, confirm: $confirm, deleteData: true, finalBackup: false) { __typename } }`, { id, confirm: `sec-${key}.client-e2e.example` });
    }
    await admin?.dispose();
    await mine?.dispose();
  });

  test("the browser bundle holds no server code and no secret", async () => {
    const dir = path.join(process.cwd(), "public", "build");
    const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
    expect(files.some((f) => f.endsWith(".js"))).toBe(true);
    // Names only server modules use: any of them in a browser file means server code was bundled.
    const forbidden = [E2E_APP_SECRET, E2E_ADMIN.password, "APP_SECRET", "PORTAINER_API_TOKEN", "X-API-Key", "passwordHash", "tokenHash", "mysqlPasswordEnc", "PrismaClient", "better-sqlite3", "bcrypt", "pino", "node:crypto", "ptr_"];
    for (const file of files) {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      for (const needle of forbidden) expect(text.includes(needle), `${needle} in public/build/${file}`).toBe(false);
    }
  });

  test("a CLIENT gets 403 on every admin page and action, and nothing changes", async () => {
    const before = await graphql(admin, `{ users(first: 100) { edges { node { id } } } tenants(first: 100) { edges { node { id } } } fleetUpgrades(first: 10) { edges { node { id } } } }`);
    for (const page of ["/users", "/audit", "/portainer", "/upgrades", "/tenants/new"]) {
      expect((await mine.get(page)).status(), `GET ${page}`).toBe(403);
      expect((await mine.get(`${page}.data`)).status(), `GET ${page}.data`).toBe(403);
    }
    const posts: [string, Record<string, string>][] = [
      ["/users", { intent: "create", email: "sneaky@client-e2e.example", role: "ADMIN", password: "sneaky password 123" }],
      ["/tenants/new", { name: "Sneaky", domain: "sneaky.client-e2e.example", ownerEmail: MINE.email }],
      ["/upgrades", { intent: "start", image: "mautic/mautic:5.2.8-apache", batchSize: "5", maxFailureRate: "0.1" }],
    ];
    for (const [page, form] of posts) {
      const res = await mine.post(page, { form, maxRedirects: 0 });
      expect(res.status(), `POST ${page}`).toBe(403);
    }
    const after = await graphql(admin, `{ users(first: 100) { edges { node { id } } } tenants(first: 100) { edges { node { id } } } fleetUpgrades(first: 10) { edges { node { id } } } }`);
    expect(after).toEqual(before);
  });

  test("a CLIENT cannot see or act on another client's tenant through any page or action", async () => {
    const tenantQuery = `query($id: ID!) { tenant(id: $id) { ... on QueryTenantSuccess { data { name plan status mauticImage clientMayRestore events(first: 500) { edges { node { id } } } } } } }`;
    const before = await graphql(admin, tenantQuery, { id: ids.theirs });
    // The document, and the data requests a browser makes on client-side navigation (single fetch).
    for (const page of [`/tenants/${ids.theirs}`, `/tenants/${ids.theirs}.data`, `/tenants/${ids.theirs}.data?_routes=${encodeURIComponent("routes/_app.tenants.$id._index")}`]) {
      const res = await mine.get(page);
      expect(res.status(), `GET ${page}`).toBe(404);
      expect(await res.text()).not.toContain("Sec theirs");
    }
    const intents = ["reveal", "update", "restore", "clone", "upgrade", "backup", "delete", "retry", "suspend", "resume", "redeploy"];
    for (const intent of intents) {
      const form = { intent, name: "Taken over", plan: "large", confirm: `sec-theirs.client-e2e.example`, backupId: "x", image: "mautic/mautic:5.2.8-apache", domain: "sec-theirs2.client-e2e.example" };
      const res = await mine.post(`/tenants/${ids.theirs}.data`, { form, maxRedirects: 0 });
      expect([403, 404], `POST ${intent}: ${res.status()}`).toContain(res.status());
      expect(await res.text()).not.toMatch(/Mailer-Pass|Sec theirs/);
    }
    expect(await graphql(admin, tenantQuery, { id: ids.theirs })).toEqual(before);
    // The same client reaches her own tenant, so the refusals above are about ownership.
    expect((await mine.get(`/tenants/${ids.mine}`)).status()).toBe(200);
  });

  test("no page or page data shows a stored secret, except the answer to a deliberate reveal", async () => {
    const revealed = await graphql(
      admin,
      `mutation($id: ID!) { revealTenantCredentials(id: $id) { ... on MutationRevealTenantCredentialsSuccess { data { adminPassword databasePassword databaseRootPassword mailerDsn } } } }`,
      { id: ids.mine },
    );
    const secrets: string[] = [...Object.values(revealed.revealTenantCredentials.data as Record<string, string>), "mine-Mailer-Pass-77", E2E_APP_SECRET];
    expect(secrets.every((s) => s.length >= 8)).toBe(true);
    const pages = ["/dashboard", "/tenants", `/tenants/${ids.mine}`, "/account", "/tokens", "/users", "/audit", "/portainer", "/upgrades", "/tenants/new"];
    for (const [who, context] of [["ADMIN", admin], ["CLIENT", mine]] as const) {
      for (const page of pages.flatMap((p) => [p, `${p}.data`])) {
        const res = await context.get(page);
        if (who === "CLIENT" && res.status() === 403) continue;
        expect(res.status(), `${who} ${page}`).toBe(200);
        const html = await res.text();
        for (const secret of secrets) expect(html.includes(secret), `${who} ${page} shows a secret`).toBe(false);
      }
    }
    // The reveal itself, through the page's action, answers with the values (and only there).
    const answer = await mine.post(`/tenants/${ids.mine}.data`, { form: { intent: "reveal" } });
    expect(answer.status()).toBe(200);
    expect(answer.headers()["cache-control"]).toContain("no-store");
    expect(await answer.text()).toContain(revealed.revealTenantCredentials.data.adminPassword);
  });
});
