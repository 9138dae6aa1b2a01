/**
 * An online, consistent backup of the panel's database (SQLite's backup API), safe while the
 * panel runs:
 *
 *   npm run db:backup -- <file> [--force]
 *
 * The database is the one DATABASE_URL names (as the panel resolves it). Prints what the copy
 * holds; exits 1 with the reason when it cannot be made.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadDatabasePath } from "../server/config/env";
import { backupDatabase, DatabaseFileError } from "../server/db/backup";

const USAGE = "Usage: npm run db:backup -- <file> [--force]";

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options: { force: { type: "boolean", default: false }, help: { type: "boolean", default: false } }, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [target, ...extra] = parsed.positionals;
  if (!target || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  try {
    const summary = await backupDatabase(loadDatabasePath(), target, { force: parsed.values.force });
    console.log(
      `Backed up to ${summary.file}: ${summary.bytes} bytes, sha256 ${summary.sha256}; ${summary.rows.tenants} tenants, ${summary.rows.users} users, ${summary.rows.backups} tenant backups, ${summary.rows.events} events; migration ${summary.migration ?? "none"}.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DatabaseFileError || error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main();
