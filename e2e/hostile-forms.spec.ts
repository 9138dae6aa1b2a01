/**
 * The hostile input campaign, form posts: hostile values (test/hostile-values.ts) in every field of
 * every Remix action of the production build (sign-in, sign-out, set-password, new tenant, every
 * intent of the tenant page, users, tokens, account, upgrades), in the forms' own encodings and in
 * broken ones, plus hostile query strings on the pages that read them. For every post: no 5xx, no
 * hostile markup rendered unescaped, no secret in the page, no redirect off the site, and nothing
 * stored by a refused post (the rows this spec's own account and tenants own are read before and
 * after every batch from the e2e database).
 *
 * The posts go out through node:http from their own loopback addresses (127.0.0.2 and up): the
 * panel throttles failed sign-ins and set-password tries per address, and the other specs sign in
 * from 127.0.0.1 on the same server. Every account and tenant here has a "hostile-forms" name.
 */
import http from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { describeValue, hostileStrings, invalidUtf8, labelOf, sampleValues, type HostileString } from "../test/hostile-values";
import { E2E_ADMIN } from "./fixtures";

const BASE = new URL(process.env.E2E_BASE_URL ?? `http://127.0.0.1:${process.env.E2E_PORT ?? 3939}`);
const DATABASE = path.resolve("test/.tmp/e2e.db");
const OWNER = { email: "hostile-forms-owner@example.com", password: "hostile forms owner 42" };
/** Secrets of the e2e server (playwright.config.ts): never in a page. */
const SECRETS = ["e2e-secret-that-is-long-enough-0123456789", E2E_ADMIN.password, OWNER.password];

const stats = { values: 0, posts: 0, rejected: 0, accepted: 0 };
let addressIndex = 2;
/** A fresh loopback source address (each gets its own sign-in and set-password throttles). */
const nextAddress = () => `127.0.0.${(addressIndex = addressIndex >= 250 ? 2 : addressIndex + 1)}`;

interface Answer {
  status: number;
  text: string;
  location: string | undefined;
  setCookie: string[];
}

function request(options: { method?: string; path: string; cookie?: string; body?: string | Buffer; type?: string; headers?: Record<string, string>; address?: string }): Promise<Answer> {
  stats.posts++;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.cookie) headers.cookie = options.cookie;
    if (options.type) headers["content-type"] = options.type;
    const req = http.request(
      { host: BASE.hostname, port: BASE.port, path: options.path, method: options.method ?? "GET", headers, localAddress: options.address ?? "127.0.0.2", agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), location: res.headers.location, setCookie: res.headers["set-cookie"] ?? [] }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Text a URL can carry: a lone surrogate becomes U+FFFD (as a browser's form encoding does). */
const wellFormed = (v: string) => v.replace(/\p{Cs}/gu, "\uFFFD");

/** A form body; a field given an array is repeated, as a form with two inputs of one name sends it. */
function urlencoded(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  return params.toString();
}

function post(pathName: string, fields: Record<string, string | string[]>, cookie?: string, address?: string): Promise<Answer> {
  return request({ method: "POST", path: pathName, cookie, body: urlencoded(fields), type: "application/x-www-form-urlencoded", address });
}

/** What no answer may do, whatever was posted. */
function problemsOf(answer: Answer, what: string, value?: string): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`${what}: HTTP ${answer.status} ${answer.text.replace(/\s+/g, " ").slice(0, 160)}`);
  for (const secret of SECRETS) if (answer.text.includes(secret)) problems.push(`${what}: the page shows a secret`);
  if (/\$2[aby]\$\d\d\$/.test(answer.text)) problems.push(`${what}: the page shows a password hash`);
  if (answer.location && !/^\/(?![/\\])/.test(answer.location)) problems.push(`${what}: redirects off the site to ${describeValue(answer.location)}`);
  // Markup in a value is shown as text: the raw payload never appears in the page.
  if (value && /[<>]/.test(value) && answer.text.includes(value)) problems.push(`${what}: the page holds the value unescaped`);
  return problems;
}

/** The rows this spec may touch, as users can change them (the worker's columns are left out). */
function snapshot(db: Database.Database): string {
  const rows = (sql: string) => JSON.stringify(db.prepare(sql).all());
  return [
    rows(`SELECT id, email, role, passwordHash FROM "User" WHERE email LIKE 'hostile-forms%' ORDER BY id`),
    rows(`SELECT count(*) AS n FROM "User"`),
    rows(`SELECT t.id, t.name, t.slug, t.domain, t.plan, t.mauticImage, t.mailerDsnEnc, t.clientMayRestore, t.deletedAt FROM Tenant t JOIN "User" u ON u.id = t.ownerId WHERE u.email LIKE 'hostile-forms%' ORDER BY t.id`),
    rows(`SELECT count(*) AS n FROM Tenant`),
    rows(`SELECT a.id, a.name, a.revokedAt, a.role, a.tenantIds, a.expiresAt FROM ApiToken a JOIN "User" u ON u.id = a.userId WHERE u.email LIKE 'hostile-forms%' ORDER BY a.id`),
    rows(`SELECT count(*) AS n FROM ApiToken`),
    rows(`SELECT p.id, p.usedAt FROM PasswordLink p JOIN "User" u ON u.id = p.userId WHERE u.email LIKE 'hostile-forms%' ORDER BY p.id`),
    rows(`SELECT count(*) AS n FROM FleetUpgrade`),
    rows(`SELECT s.id FROM Session s JOIN "User" u ON u.id = s.userId WHERE u.email LIKE 'hostile-forms%' ORDER BY s.id`),
  ].join("\n");
}

async function signIn(email: string, password: string): Promise<string> {
  const res = await post("/login", { email, password }, undefined, nextAddress());
  expect(res.status, `sign-in of ${email}`).toBe(302);
  return res.setCookie.map((c) => c.split(";")[0]!).find((c) => c.startsWith("panel_session="))!;
}

test.describe("hostile form posts", () => {
  test.describe.configure({ timeout: 120_000 });
  let db: Database.Database;
  let admin: string;
  let owner: string;
  let tenantId: string;
  let tenantDomain: string;
  let backupId: string;
  let ownerId: string;
  let tokenId: string;
  const problems: string[] = [];

  test.beforeAll(async () => {
    db = new Database(DATABASE, { readonly: true, fileMustExist: true });
    admin = await signIn(E2E_ADMIN.email, E2E_ADMIN.password);
    // Its own client account and tenant, made through the forms.
    const created = await post("/users", { intent: "create", email: OWNER.email, role: "CLIENT", password: OWNER.password }, admin);
    expect([302, 409]).toContain(created.status); // 409: it exists (a rerun on the same database)
    ownerId = (db.prepare(`SELECT id FROM "User" WHERE email = ?`).get(OWNER.email) as { id: string }).id;
    tenantDomain = "hostile-forms.example.com";
    const existing = db.prepare(`SELECT id FROM Tenant WHERE domain = ?`).get(tenantDomain) as { id: string } | undefined;
    if (existing) tenantId = existing.id;
    else {
      const res = await post("/tenants/new", { name: "Hostile forms", domain: tenantDomain, ownerId }, admin);
      expect(res.status, res.text.slice(0, 200)).toBe(302);
      tenantId = /\/tenants\/([^/?#]+)/.exec(res.location!)![1]!;
    }
    owner = await signIn(OWNER.email, OWNER.password);
    const token = await post("/tokens", { intent: "create", name: "hostile-forms token" }, owner);
    expect(token.status).toBe(200);
    tokenId = (db.prepare(`SELECT a.id FROM ApiToken a WHERE a.userId = ? ORDER BY createdAt DESC`).get(ownerId) as { id: string }).id;
    // A backup row to restore or clone from (the tenant may still be provisioning).
    backupId = ((db.prepare(`SELECT id FROM Backup WHERE tenantId = ?`).get(tenantId) as { id: string } | undefined)?.id ?? "no-backup-yet");
    stats.values = hostileStrings().length;
  });

  test.afterAll(() => {
    db?.close();
    console.log(`hostile input (forms): ${stats.values} hostile values, ${stats.posts} requests, ${stats.rejected} rejected, ${stats.accepted} accepted`);
  });

  /** Posts each value into one field (others valid), checks every answer and that refusals stored nothing. */
  async function campaign(
    what: string,
    values: HostileString[],
    send: (value: string, address: string) => Promise<Answer>,
    accepted: (answer: Answer) => boolean = () => false,
    width = 8,
  ): Promise<void> {
    for (let k = 0; k < values.length; k += width) {
      const chunk = values.slice(k, k + width);
      const before = snapshot(db);
      let acceptedHere = 0;
      await Promise.all(
        chunk.map(async (v) => {
          const answer = await send(v.value, nextAddress());
          const label = `${what} ${labelOf(v)} ${describeValue(v.value, 40)}`;
          problems.push(...problemsOf(answer, label, v.value));
          if (accepted(answer)) {
            acceptedHere++;
            stats.accepted++;
          } else stats.rejected++;
        }),
      );
      if (acceptedHere === 0 && snapshot(db) !== before) problems.push(`${what} [${chunk.map(labelOf).join(", ").slice(0, 200)}]: a refused post changed stored data`);
    }
    const health = await request({ path: "/healthz" });
    expect(health.status).toBe(200);
  }

  const all = () => hostileStrings();
  const some = () => sampleValues(1).filter((v): v is HostileString => typeof v.value === "string");
  const redirected = (a: Answer) => a.status === 302 || a.status === 303;

  test("sign-in form: every hostile e-mail, a sample of passwords and redirect targets", async () => {
    await campaign("POST /login email", all(), (v, address) => post("/login", { email: v, password: "wrong password 123" }, undefined, address));
    await campaign("POST /login password", some(), (v, address) => post("/login", { email: `hostile-forms-nobody-${stats.posts}@example.com`, password: v }, undefined, address));
    // A successful sign-in with a hostile redirectTo stays on the site (checked for every answer).
    await campaign("POST /login redirectTo", [...some(), ...["//evil.example.com", "/\\evil.example.com", "https://evil.example.com", "/%2F%2Fevil.example.com", "\\\\evil.example.com", " //evil.example.com", "/\t/evil.example.com"].map((value, i): HostileString => ({ category: "path", name: `open-redirect-${i}`, value }))], (v, address) =>
      post("/login", { email: OWNER.email, password: OWNER.password, redirectTo: v }, undefined, address),
    redirected);
    expect(problems).toEqual([]);
  });

  test("sign-out, set-password and account forms", async () => {
    await campaign("POST /logout body", some(), (v, address) => post("/logout", { intent: v, redirectTo: v }, `panel_session=${encodeURIComponent(wellFormed(v))}`, address));
    await campaign("POST /set-password/:token", some(), (v, address) => post(`/set-password/${encodeURIComponent(wellFormed(v))}`, { new: "a new password 123", confirm: "a new password 123" }, undefined, address));
    await campaign("POST /set-password new", some(), (v, address) => post("/set-password/not-a-link", { new: v, confirm: v }, undefined, address));
    for (const field of ["current", "new", "confirm"]) {
      await campaign(`POST /account ${field}`, some(), (v, address) => {
        const fields = { current: "not the current password", new: "a new password 123", confirm: "a new password 123", [field]: v };
        if (field === "new") fields.confirm = v;
        return post("/account", fields, owner, address);
      });
    }
    expect(problems).toEqual([]);
  });

  test("new tenant form: every hostile name, a sample in the other fields, none creating anything", async () => {
    // Another field is always wrong (an unknown plan, or for the plan an unknown image), so each value
    // is validated with the rest and nothing is created: a new tenant would be provisioned on the
    // shared e2e server. Accepted names are tried on the tenant page's rename below.
    for (const field of ["name", "domain", "ownerId", "ownerEmail", "slug", "plan", "mauticImage", "mailerDsn"]) {
      const values = field === "name" ? all() : some();
      await campaign(`POST /tenants/new ${field}`, values, (v, address) => {
        const n = stats.posts;
        const fields: Record<string, string> = { name: `Hostile forms ${n}`, domain: `hostile-forms-${n}.example.com`, ownerId, plan: "hostile-forms-no-such-plan", [field]: v };
        if (field === "plan") fields.mauticImage = "evil/evil:latest";
        if (field === "ownerEmail") delete fields.ownerId;
        return post("/tenants/new", fields, admin, address);
      });
    }
    expect(problems).toEqual([]);
  });

  test("tenant page rename: hostile names are stored as typed (trimmed) and shown escaped", async () => {
    const here = `/tenants/${tenantId}`;
    await campaign(
      `POST ${here} update name`,
      sampleValues(2).filter((v): v is HostileString => typeof v.value === "string"),
      async (v, address) => {
        const answer = await post(here, { intent: "update", name: v }, admin, address);
        if (redirected(answer)) {
          const stored = (db.prepare(`SELECT name FROM Tenant WHERE id = ?`).get(tenantId) as { name: string }).name;
          if (stored !== v.trim()) problems.push(`rename to ${describeValue(v)} stored ${describeValue(stored)}`);
          for (const page of [here, "/tenants", "/dashboard"]) problems.push(...problemsOf(await request({ path: page, cookie: admin, address }), `${page} after a rename to ${describeValue(v, 40)}`, v));
          problems.push(...problemsOf(await request({ path: here, cookie: owner, address }), `the owner's view after a rename to ${describeValue(v, 40)}`, v));
        }
        return answer;
      },
      redirected,
      1,
    );
    await post(here, { intent: "update", name: "Hostile forms" }, admin);
    expect(problems).toEqual([]);
  });

  test("tenant page: every intent with hostile fields, ids and intents, as the admin and as the owner", async () => {
    const here = `/tenants/${tenantId}`;
    const intents: [string, (v: string) => Record<string, string>][] = [
      ["intent", (v) => ({ intent: v })],
      ["hide-invite", (v) => ({ intent: "hide-invite", invite: v })],
      ["reveal", (v) => ({ intent: "reveal", extra: v })],
      ["update plan", (v) => ({ intent: "update", name: "Hostile forms", plan: v })],
      ["update mailerDsn", (v) => ({ intent: "update", name: "Hostile forms", mailerDsn: v })],
      ["update removeDsn", (v) => ({ intent: "update", name: "Hostile forms", removeDsn: v, clientMayRestore: v })],
      ["restore backupId", (v) => ({ intent: "restore", backupId: v, confirm: tenantDomain })],
      ["restore confirm", (v) => ({ intent: "restore", backupId, confirm: v })],
      ["clone backupId", (v) => ({ intent: "clone", backupId: v, name: "Hostile clone", domain: "hostile-forms-clone.example.com" })],
      ["clone name", (v) => ({ intent: "clone", backupId, name: v, domain: "hostile-forms-clone.example.com" })],
      ["clone domain", (v) => ({ intent: "clone", backupId, name: "Hostile clone", domain: v })],
      ["upgrade", (v) => ({ intent: "upgrade", mauticImage: v })],
      ["backup", (v) => ({ intent: "backup", tenantId: v })],
      ["delete confirm", (v) => ({ intent: "delete", confirm: v, deleteData: "on" })],
      ["delete flags", (v) => ({ intent: "delete", confirm: "not the domain", deleteData: v, skipFinalBackup: v })],
      ...["retry", "suspend", "resume", "redeploy"].map((intent): [string, (v: string) => Record<string, string>] => [intent, (v) => ({ intent, id: v })]),
    ];
    for (const [name, fields] of intents) {
      for (const [who, cookie] of [["admin", admin], ["owner", owner]] as const) {
        // Reveals are limited per account and hour: the shared admin's are left to the other specs.
        if (name === "reveal" && who === "admin") continue;
        // The owner may use few of these intents: a shorter sample shows the refusal.
        await campaign(`POST ${here} ${name} as ${who}`, who === "admin" ? some() : some().slice(0, 8), (v, address) => post(here, fields(v), cookie, address));
      }
    }
    await campaign("POST /tenants/:id", some(), (v, address) => post(`/tenants/${encodeURIComponent(wellFormed(v))}`, { intent: "backup" }, admin, address));
    expect(problems).toEqual([]);
  });

  test("users, tokens and upgrades forms", async () => {
    const userFields: [string, (v: string) => Record<string, string>][] = [
      ["intent", (v) => ({ intent: v })],
      ["create email", (v) => ({ intent: "create", email: v, role: "CLIENT" })],
      ["create role", (v) => ({ intent: "create", email: "hostile-forms-role@example.com", role: v })],
      ["create password", (v) => ({ intent: "create", email: "hostile-forms-password@example.com", role: "CLIENT", password: v })],
      ["make-admin id", (v) => ({ intent: "make-admin", id: v })],
      ["make-client id", (v) => ({ intent: "make-client", id: v })],
      ["reset id", (v) => ({ intent: "reset", id: v })],
      ["delete id", (v) => ({ intent: "delete", id: v, email: v, confirm: v })],
    ];
    const usersBefore = new Set((db.prepare(`SELECT id FROM "User"`).all() as { id: string }[]).map((u) => u.id));
    for (const [name, fields] of userFields) {
      await campaign(`POST /users ${name}`, some(), (v, address) => post("/users", fields(v), admin, address), (a) => name.startsWith("create ") && (redirected(a) || a.status === 200));
      await campaign(`POST /users ${name} as a client`, some().slice(0, 5), (v, address) => post("/users", fields(v), owner, address));
    }
    // Accounts the accepted hostile e-mails created are shown escaped on the list, then deleted again.
    const list = await request({ path: "/users?search=", cookie: admin });
    problems.push(...problemsOf(list, "the users list"));
    const strays = (db.prepare(`SELECT id, email FROM "User"`).all() as { id: string; email: string }[]).filter((u) => !usersBefore.has(u.id));
    for (const stray of strays) {
      const res = await post("/users", { intent: "delete", id: stray.id, email: stray.email, confirm: stray.email }, admin);
      if (!redirected(res)) problems.push(`could not delete the account ${describeValue(stray.email)}: HTTP ${res.status}`);
    }

    const tokenFields: [string, (v: string) => Record<string, string | string[]>][] = [
      ["intent", (v) => ({ intent: v })],
      ["create name", (v) => ({ intent: "create", name: v })],
      ["create expires", (v) => ({ intent: "create", name: "hostile-forms expiring", expires: v })],
      ["create tenantIds", (v) => ({ intent: "create", name: "hostile-forms limited", tenantIds: [v, tenantId] })],
      ["revoke id", (v) => ({ intent: "revoke", id: v, name: "x", confirm: "x" })],
      ["revoke confirm", (v) => ({ intent: "revoke", id: tokenId, name: "hostile-forms token", confirm: v })],
    ];
    for (const [name, fields] of tokenFields) {
      await campaign(`POST /tokens ${name}`, some(), (v, address) => post("/tokens", fields(v), owner, address), (a) => a.status === 200 && a.text.includes("mtp_"));
    }
    // The filter matches no tenant (no such plan, no such image), so even an accepted start upgrades
    // nothing on this shared server; an empty plan alone would mean "every plan".
    const upgradeFields = ["intent", "id", "mauticImage", "plan", "fromImage", "batchSize", "maxFailurePercent"];
    for (const field of upgradeFields) {
      await campaign(
        `POST /upgrades ${field}`,
        some(),
        (v, address) =>
          post(
            "/upgrades",
            { intent: field === "id" ? "stop" : "start", mauticImage: "mautic/mautic:7.2.0-apache", batchSize: "5", maxFailurePercent: "20", plan: "hostile-forms-no-such-plan", fromImage: "mautic/mautic:0.0.0-hostile-forms", [field]: v },
            admin,
            address,
          ),
        redirected,
      );
    }
    expect(problems).toEqual([]);
  });

  test("broken encodings, hostile headers and query strings on the forms and pages", async () => {
    const forms = ["/login", "/logout", "/set-password/x", "/tenants/new", `/tenants/${tenantId}`, "/users", "/tokens", "/account", "/upgrades"];
    const bodies: [string, string, string | Buffer][] = [
      ["multipart without a boundary", "multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nx\r\n--x--\r\n"],
      ["multipart with a broken body", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"intent\"\r\n\r\ncreate"],
      ["multipart with a file", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"intent\"; filename=\"../../etc/passwd\"\r\nContent-Type: text/plain\r\n\r\ncreate\r\n--x--\r\n"],
      ["JSON", "application/json", '{"intent":"create","email":"hostile-forms-json@example.com"}'],
      ["text", "text/plain", "intent=create"],
      ["malformed percent-encoding", "application/x-www-form-urlencoded", "intent=%E0%A4%A&email=%ZZ&name=%"],
      ["invalid UTF-8", "application/x-www-form-urlencoded", Buffer.concat([Buffer.from("intent=create&name="), ...invalidUtf8().map((b) => b.bytes)])],
      ["1 MB field", "application/x-www-form-urlencoded", `intent=create&name=${"a".repeat(1024 * 1024)}`],
      ["10000 fields", "application/x-www-form-urlencoded", Array.from({ length: 10_000 }, (_, i) => `f${i}=${i}`).join("&")],
      ["no body", "application/x-www-form-urlencoded", ""],
    ];
    // Its own session for the sign-out form (which ends it), so the others stay signed in.
    const leaving = await signIn(OWNER.email, OWNER.password);
    for (const form of forms) {
      for (const [what, type, body] of bodies) {
        const cookie = form === "/logout" ? leaving : form === "/tokens" || form === "/account" ? owner : admin;
        const res = await request({ method: "POST", path: form, cookie, body, type, address: nextAddress() });
        problems.push(...problemsOf(res, `POST ${form} with ${what}`));
        if (what === "JSON" && res.status !== 415) problems.push(`POST ${form} with JSON: HTTP ${res.status}, not 415`);
      }
      for (const origin of ["https://evil.example.com", "null", "http://127.0.0.1:1", "javascript:alert(1)", "<script>"]) {
        const res = await request({ method: "POST", path: form, cookie: admin, body: "intent=create", type: "application/x-www-form-urlencoded", headers: { origin }, address: nextAddress() });
        if (res.status !== 403) problems.push(`POST ${form} from origin ${origin}: HTTP ${res.status}`);
      }
    }
    for (const host of ["evil.example.com", "a b", "[", "127.0.0.1:99999", "%00", "ex\u00e4mple.com"]) {
      const res = await request({ path: "/login", headers: { host }, address: nextAddress() });
      problems.push(...problemsOf(res, `GET /login with Host ${describeValue(host)}`));
    }
    // The audit log now holds the hostile ids and names sent above: it still renders.
    for (const page of ["/audit", "/audit?tenantId=__proto__", "/audit?actorId=constructor", "/tenants", "/users", "/dashboard"]) problems.push(...problemsOf(await request({ path: page, cookie: admin }), `GET ${page}`));
    const pages = ["/login?redirectTo=", "/tenants?search=", "/tenants?after=", "/tenants?status=", "/tenants?ownerId=", "/users?search=", "/users?after=", "/users?before=", "/users?role=", "/audit?action=", "/audit?after=", "/audit?actorId=", "/audit?tenantId=", "/tokens?after=", `/tenants/${tenantId}?service=`, `/tenants/${tenantId}?tail=`, `/tenants/${tenantId}?invite=`];
    for (const page of pages) {
      await campaign(`GET ${page}`, some(), (v, address) => request({ path: `${page}${encodeURIComponent(wellFormed(v))}`, cookie: admin, address }));
    }
    expect(problems).toEqual([]);
  });
});
