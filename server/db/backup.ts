/**
 * Backing up and restoring the panel's own database (not tenants': see server/backups/).
 *
 * - A backup uses SQLite's online backup API (better-sqlite3 `backup()`): a consistent snapshot
 *   taken page by page while the panel keeps writing (WAL), never a half-written file. The copy is
 *   checked (`PRAGMA integrity_check`), turned into a self-contained file (no -wal), and only then
 *   moved to its name.
 * - A restore refuses a file that is not a sound panel database, refuses while anything has the
 *   database open (the panel must be stopped: an exclusive lock is the test), keeps a copy of the
 *   current database next to it, then swaps the file in. Pending migrations run at the next start.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { OperatorError } from "../errors";

export class DatabaseFileError extends OperatorError {
  constructor(message: string) {
    super("DATABASE_FILE", message);
  }
}

export interface DatabaseSummary {
  file: string;
  bytes: number;
  sha256: string;
  /** Rows of the tables people ask about first. */
  rows: { tenants: number; users: number; backups: number; events: number };
  /** The newest migration applied. */
  migration: string | null;
}

const COUNTED = { tenants: "Tenant", users: "User", backups: "Backup", events: "TenantEvent" } as const;

/** Checks that `file` is a sound panel database and describes it; throws DatabaseFileError otherwise. */
export function inspectDatabase(file: string): DatabaseSummary {
  if (!fs.existsSync(file)) throw new DatabaseFileError(`${file} does not exist.`);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (error) {
    throw new DatabaseFileError(`${file} cannot be opened as a SQLite database: ${(error as Error).message}`);
  }
  try {
    let integrity: string;
    try {
      integrity = (db.pragma("integrity_check", { simple: true }) as string) ?? "";
    } catch (error) {
      throw new DatabaseFileError(`${file} is not a SQLite database: ${(error as Error).message}`);
    }
    if (integrity !== "ok") throw new DatabaseFileError(`${file} fails SQLite's integrity check: ${integrity}`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    for (const table of ["_prisma_migrations", ...Object.values(COUNTED)]) {
      if (!tables.has(table)) throw new DatabaseFileError(`${file} is not a panel database (it has no ${table} table).`);
    }
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
    const migration = db.prepare("SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name DESC LIMIT 1").get() as
      | { name: string }
      | undefined;
    return {
      file,
      bytes: fs.statSync(file).size,
      sha256: createHash("sha256").update(fs.readFileSync(file)).digest("hex"),
      rows: { tenants: count(COUNTED.tenants), users: count(COUNTED.users), backups: count(COUNTED.backups), events: count(COUNTED.events) },
      migration: migration?.name ?? null,
    };
  } finally {
    db.close();
  }
}

/** Takes an online, consistent copy of the database at `source` into `target` (refused if it exists, unless `force`). */
export async function backupDatabase(source: string, target: string, options: { force?: boolean } = {}): Promise<DatabaseSummary> {
  if (!fs.existsSync(source)) throw new DatabaseFileError(`There is no database at ${source}.`);
  if (fs.existsSync(target) && !options.force) throw new DatabaseFileError(`${target} exists already; choose another file (or pass --force to replace it).`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    await db.backup(partial);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new DatabaseFileError(`The backup of ${source} failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  try {
    // One self-contained file: the copy keeps the source's WAL mode unless told otherwise.
    const copy = new Database(partial);
    copy.pragma("journal_mode = DELETE");
    copy.close();
    inspectDatabase(partial);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  fs.renameSync(partial, target);
  return inspectDatabase(target);
}

/** The file a running panel keeps beside its database, holding its process id. */
const pidFile = (database: string) => `${database}.pid`;

/** Called by a panel as it starts: the database is in use by this process. */
export function markDatabaseInUse(database: string): void {
  fs.mkdirSync(path.dirname(database), { recursive: true });
  fs.writeFileSync(pidFile(database), `${process.pid}\n`);
}

/** Called by a panel as it stops (only its own mark is removed). */
export function releaseDatabase(database: string): void {
  try {
    if (fs.readFileSync(pidFile(database), "utf8").trim() === String(process.pid)) fs.rmSync(pidFile(database), { force: true });
  } catch {
    // No mark: nothing to release.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a panel (or anything else) uses the database: a live process named in its `.pid` mark,
 * or an open connection, which makes SQLite refuse an exclusive lock. A mark left by a panel that
 * died is ignored.
 */
export function databaseInUse(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const pid = Number.parseInt(fs.existsSync(pidFile(file)) ? fs.readFileSync(pidFile(file), "utf8") : "", 10);
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) return true;
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_BUSY" || (error as { code?: string }).code === "SQLITE_LOCKED") return true;
    throw error;
  } finally {
    db.close();
  }
}

/**
 * Replaces the database at `target` with the backup `source`. The current database is first copied
 * to `<target>.before-restore-<UTC stamp>` (returned), so a wrong restore can be undone.
 */
export async function restoreDatabase(source: string, target: string, now: Date = new Date()): Promise<{ restored: DatabaseSummary; previous: string | null }> {
  const restored = inspectDatabase(source);
  if (databaseInUse(target)) throw new DatabaseFileError(`The database ${target} is in use: stop the panel first, then restore.`);
  let previous: string | null = null;
  if (fs.existsSync(target)) {
    previous = `${target}.before-restore-${now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}`;
    await backupDatabase(target, previous);
  }
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const incoming = `${target}.restoring-${process.pid}`;
  fs.rmSync(pidFile(target), { force: true });
  fs.copyFileSync(source, incoming);
  // The old database's WAL and shared memory belong to the file being replaced.
  for (const suffix of ["-wal", "-shm"]) fs.rmSync(`${target}${suffix}`, { force: true });
  fs.renameSync(incoming, target);
  return { restored: { ...restored, file: target }, previous };
}
