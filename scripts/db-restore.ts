/**
 * Replaces the panel's database with a backup made by `npm run db:backup`:
 *
 *   npm run db:restore -- <file>
 *
 * Stop the panel first: the restore refuses while the database is open. The current database is
 * kept next to it as `<database>.before-restore-<UTC stamp>`; pending migrations run when the
 * panel starts.
 */
import { loadDatabasePath } from "../server/config/env";
import { restoreDatabase } from "../server/db/backup";
import { runCli } from "./support/cli";

await runCli({
  usage: "Usage: npm run db:restore -- <file>",
  options: {},
  positionals: 1,
  async main(_values, [source]) {
    const { restored, previous } = await restoreDatabase(source!, loadDatabasePath());
    console.log(
      `Restored ${source} into ${restored.file}: ${restored.rows.tenants} tenants, ${restored.rows.users} users; migration ${restored.migration ?? "none"}.` +
        (previous ? ` The database it replaced is kept as ${previous}.` : ""),
    );
  },
});
