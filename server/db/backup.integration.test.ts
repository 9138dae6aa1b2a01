/**
 * The panel database's own backup and restore (`npm run db:backup` / `db:restore`): online copies
 * taken while the provisioning worker writes, checked with SQLite's integrity check, and a restore
 * that refuses while the panel runs and keeps the database it replaces.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/app";
import { until } from "../../test/wait";
import { SYSTEM } from "../events/tenant-events";
import { backupDatabase, DatabaseFileError, databaseInUse, inspectDatabase, restoreDatabase } from "./backup";

const run = promisify(execFile);
let t: TestApp | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await t?.close();
  t = null;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "panel-db-backup-"));
  dirs.push(dir);
  return dir;
};
const tenantIdsIn = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return new Set((db.prepare('SELECT id FROM "Tenant"').all() as { id: string }[]).map((r) => r.id));
  } finally {
    db.close();
  }
};

describe("backing up the panel database", () => {
  it("takes consistent copies while provisioning jobs write, each holding every tenant committed before it started", async () => {
    t = await startTestApp({ PROVISIONING_CONCURRENCY: "4" }, { emulator: { nodes: 6 } });
    const app = t.app;
    const owner = await app.services.users.create({ email: "owner@example.com", password: "owner password 123", role: "CLIENT" });
    const dir = tempDir();
    const ids: string[] = [];
    const copies: { file: string; committed: string[] }[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push((await app.services.tenants.create({ name: `t${i}`, slug: `t${i}`, domain: `t${i}.example.com`, ownerId: owner.id, plan: "small" }, SYSTEM)).id);
      if (i % 3 === 2) {
        // Everything committed so far must be in the copy; the worker keeps writing meanwhile.
        const committed = [...ids];
        const file = path.join(dir, `copy-${i}.db`);
        await backupDatabase(t.databasePath, file);
        copies.push({ file, committed });
      }
    }
    const writing = await app.services.prisma.job.count({ where: { status: { in: ["QUEUED", "RUNNING"] } } });
    expect(writing).toBeGreaterThan(0);
    for (const copy of copies) {
      const summary = inspectDatabase(copy.file);
      expect(summary.rows.tenants).toBeGreaterThanOrEqual(copy.committed.length);
      const present = tenantIdsIn(copy.file);
      for (const id of copy.committed) expect(present.has(id)).toBe(true);
      // A self-contained file: no WAL left beside it.
      expect(fs.existsSync(`${copy.file}-wal`)).toBe(false);
      expect(summary.migration).toMatch(/^\d{14}_/);
    }
    // A copy taken mid-provisioning restores into a sound database with every tenant committed before it.
    const last = copies.at(-1)!;
    const restoredAt = path.join(dir, "restored", "panel.db");
    const { restored } = await restoreDatabase(last.file, restoredAt);
    expect(inspectDatabase(restoredAt).rows.tenants).toBe(restored.rows.tenants);
    for (const id of last.committed) expect(tenantIdsIn(restoredAt).has(id)).toBe(true);
    for (const id of ids) await until(() => app.services.prisma.tenant.findUniqueOrThrow({ where: { id } }), (x) => x.status === "ACTIVE", "ACTIVE", 60_000);
    const final = await backupDatabase(t.databasePath, path.join(dir, "final.db"));
    expect(final.rows.tenants).toBe(12);
    const db = new Database(final.file, { readonly: true });
    expect((db.prepare(`SELECT COUNT(*) AS n FROM "Tenant" WHERE status = 'ACTIVE'`).get() as { n: number }).n).toBe(12);
    db.close();
  });

  it("refuses to overwrite a file, and names what is wrong with a file that is not a panel database", async () => {
    t = await startTestApp({}, { worker: false });
    const dir = tempDir();
    const file = path.join(dir, "copy.db");
    await backupDatabase(t.databasePath, file);
    await expect(backupDatabase(t.databasePath, file)).rejects.toThrow(`${file} exists already; choose another file (or pass --force to replace it).`);
    await expect(backupDatabase(t.databasePath, file, { force: true })).resolves.toMatchObject({ file });
    fs.writeFileSync(path.join(dir, "notes.db"), "not a database at all, just some text that is long enough");
    expect(() => inspectDatabase(path.join(dir, "notes.db"))).toThrow(/is not a SQLite database|cannot be opened/);
    const other = new Database(path.join(dir, "other.db"));
    other.exec("CREATE TABLE stuff (x)");
    other.close();
    expect(() => inspectDatabase(path.join(dir, "other.db"))).toThrow(new DatabaseFileError(`${path.join(dir, "other.db")} is not a panel database (it has no _prisma_migrations table).`));
  });
});

describe("restoring the panel database", () => {
  it("refuses while the panel runs, keeps the database it replaces, and the panel starts on the restored data", async () => {
    t = await startTestApp({}, { worker: false });
    const owner = await t.app.services.users.create({ email: "owner@example.com", password: "owner password 123", role: "CLIENT" });
    const before = await t.app.services.tenants.create({ name: "kept", slug: "kept", domain: "kept.example.com", ownerId: owner.id }, SYSTEM);
    const dir = tempDir();
    const backup = path.join(dir, "panel.db");
    await backupDatabase(t.databasePath, backup);
    const after = await t.app.services.tenants.create({ name: "later", slug: "later", domain: "later.example.com", ownerId: owner.id }, SYSTEM);

    await expect(restoreDatabase(backup, t.databasePath)).rejects.toThrow(`The database ${t.databasePath} is in use: stop the panel first, then restore.`);
    expect(tenantIdsIn(t.databasePath).has(after.id)).toBe(true);

    const { databasePath, emulator } = t;
    await t.app.stop();
    const { restored, previous } = await restoreDatabase(backup, databasePath, new Date("2026-11-28T01:02:03Z"));
    expect(restored.rows.tenants).toBe(1);
    expect(previous).toBe(`${databasePath}.before-restore-20261128T010203`);
    expect(tenantIdsIn(previous!).has(after.id)).toBe(true);

    const second = await startTestApp({}, { databasePath, reuseEmulator: emulator, worker: false });
    t = { ...second, close: async () => { await second.close(); await emulator.close(); } };
    const tenants = await t.app.services.prisma.tenant.findMany();
    expect(tenants.map((x) => x.id)).toEqual([before.id]);
  });

  it("sees a running panel by its process mark, and ignores the mark of one that died", async () => {
    const dir = tempDir();
    const file = path.join(dir, "panel.db");
    await (async () => {
      t = await startTestApp({}, { worker: false });
      await backupDatabase(t.databasePath, file);
    })();
    expect(databaseInUse(file)).toBe(false);
    // A live process other than this one (the parent of the test runner) holds it.
    fs.writeFileSync(`${file}.pid`, `${process.ppid}\n`);
    expect(databaseInUse(file)).toBe(true);
    fs.writeFileSync(`${file}.pid`, "2147483646\n");
    expect(databaseInUse(file)).toBe(false);
  });

  it("works from the command line: npm run db:backup / db:restore with DATABASE_URL", async () => {
    t = await startTestApp({}, { worker: false });
    const dir = tempDir();
    const file = path.join(dir, "cli.db");
    const env = { ...process.env, NODE_ENV: "production", DATABASE_URL: `file:${t.databasePath}` } as NodeJS.ProcessEnv;
    const tsx = path.resolve("node_modules/.bin/tsx");
    const backup = await run(tsx, ["scripts/db-backup.ts", file], { env });
    expect(backup.stdout).toMatch(new RegExp(`^Backed up to ${file}: \\d+ bytes, sha256 [0-9a-f]{64}; 0 tenants, 0 users, 0 tenant backups, 0 events; migration \\d{14}_`));
    const refused = await run(tsx, ["scripts/db-restore.ts", file], { env }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1, stderr: `The database ${t.databasePath} is in use: stop the panel first, then restore.\n` });
    const usage = await run(tsx, ["scripts/db-backup.ts"], { env }).catch((error: { code: number; stderr: string }) => error);
    expect(usage).toMatchObject({ code: 2, stderr: "Usage: npm run db:backup -- <file> [--force]\n" });
  });
});
