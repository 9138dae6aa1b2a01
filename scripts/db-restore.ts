/**
 * Replaces the panel's database with a backup made by `npm run db:backup`:
 *
 *   npm run db:restore -- <file>
 *
 * Stop the panel first: the restore refuses while the database is open. The current database is
 * kept next to it as `<database>.before-restore-<UTC stamp>`; pending migrations run when the
 * panel starts.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadDatabasePath } from "../server/config/env";
import { DatabaseFileError, restoreDatabase } from "../server/db/backup";

const USAGE = "Usage: npm run db:restore -- <file>";

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options: { help: { type: "boolean", default: false } }, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [source, ...extra] = parsed.positionals;
  if (!source || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  try {
    const { restored, previous } = await restoreDatabase(source, loadDatabasePath());
    console.log(
      `Restored ${source} into ${restored.file}: ${restored.rows.tenants} tenants, ${restored.rows.users} users; migration ${restored.migration ?? "none"}.` +
        (previous ? ` The database it replaced is kept as ${previous}.` : ""),
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
