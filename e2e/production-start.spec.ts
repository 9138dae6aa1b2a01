/**
 * The production start path, on the built server (`npm start` = `node build/server.js`, after
 * `npm run build`, which the suite runs before these tests): a fresh database is migrated at start,
 * the admin from ADMIN_EMAIL signs in, /readyz is green against the built-in emulator, and SIGTERM
 * in the middle of provisioning exits cleanly within 10 s, handing the job back: the next start
 * finishes it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

const ADMIN = { email: "prod-admin@example.com", password: "production admin password 9" };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function start(port: number, databasePath: string): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["build/server.js"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: `file:${databasePath}`,
      APP_SECRET: "production-start-secret-0123456789-abcdefgh",
      PORTAINER_EMULATOR: "true",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: "info",
      PROVISIONING_POLL_INTERVAL_MS: "200",
      SHUTDOWN_TIMEOUT_MS: "5000",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  return { child, output: () => output };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined as T);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("the built server migrates, serves, signs in, and stops on SIGTERM without losing a job", async () => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "panel-production-"));
  const databasePath = path.join(dir, "panel.db");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const first = start(port, databasePath);
  try {
    const ready = await until(() => fetch(`${base}/readyz`).then(async (r) => ({ status: r.status, body: await r.json() })), (r) => r.status === 200, "readyz");
    expect(ready.body).toEqual({ status: "ready", checks: { database: "ok" } });
    expect(fs.existsSync(databasePath)).toBe(true);

    const gql = async (query: string, variables: Record<string, unknown> = {}, cookie = "") => {
      const res = await fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { body: (await res.json()) as { data: Record<string, any> }, cookie: res.headers.getSetCookie()[0]?.split(";")[0] ?? "" };
    };
    const login = await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }`, { e: ADMIN.email, p: ADMIN.password });
    expect(login.body.data.login.__typename).toBe("MutationLoginSuccess");
    const session = login.cookie;
    const created = await gql(
      `mutation { createTenant(input: { name: "Stopper", domain: "stopper.example.com", ownerEmail: "stopper@example.com" }) { ... on MutationCreateTenantSuccess { data { id } } } }`,
      {},
      session,
    );
    const id = created.body.data.createTenant.data.id as string;
    const status = async () => (await gql(`query($id: ID!) { tenant(id: $id) { ... on QueryTenantSuccess { data { status phase } } } }`, { id }, session)).body.data.tenant.data as { status: string; phase: string | null };
    await until(status, (s) => s.status === "PROVISIONING", "provisioning under way");

    // SIGTERM mid-provisioning: a clean exit within 10 s.
    const stoppedAt = Date.now();
    const exit = new Promise<number | null>((resolve) => first.child.once("exit", (code) => resolve(code)));
    first.child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(first.output()).not.toContain('"level":50');

    // The next start picks the job up where it was and finishes it.
    const second = start(port, databasePath);
    try {
      await until(() => fetch(`${base}/readyz`).then((r) => r.status), (s) => s === 200, "readyz again");
      const again = (await gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }`, { e: ADMIN.email, p: ADMIN.password })).cookie;
      const final = await until(
        async () => (await gql(`query($id: ID!) { tenant(id: $id) { ... on QueryTenantSuccess { data { status } } } }`, { id }, again)).body.data.tenant.data.status as string,
        (s) => s === "ACTIVE" || s === "ERROR",
        "tenant settled after restart",
      );
      expect(final).toBe("ACTIVE");
    } finally {
      second.child.kill("SIGTERM");
      await new Promise((r) => second.child.once("exit", r));
    }
  } finally {
    if (first.child.exitCode === null) first.child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
