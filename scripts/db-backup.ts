/**
 * An online, consistent backup of the panel's database (SQLite's backup API), safe while the
 * panel runs:
 *
 *   npm run db:backup -- <file> [--force]
 *
 * The database is the one DATABASE_URL names (as the panel resolves it). Prints what the copy
 * holds; exits 1 with the reason when it cannot be made.
 */
import { loadDatabasePath } from "../server/config/env";
import { backupDatabase } from "../server/db/backup";
import { runCli } from "./support/cli";

await runCli({
  usage: "Usage: npm run db:backup -- <file> [--force]",
  options: { force: { type: "boolean", default: false } },
  positionals: 1,
  async main(values, [target]) {
    const summary = await backupDatabase(loadDatabasePath(), target!, { force: values.force === true });
    console.log(
      `Backed up to ${summary.file}: ${summary.bytes} bytes, sha256 ${summary.sha256}; ${summary.rows.tenants} tenants, ${summary.rows.users} users, ${summary.rows.backups} tenant backups, ${summary.rows.events} events; migration ${summary.migration ?? "none"}.`,
    );
  },
});
