/**
 * Changes APP_SECRET: re-encrypts every tenant secret with the new one, ends every session and
 * unused set-password link (server/tenants/rotate-app-secret.ts).
 *
 *   npm run secrets:rotate -- --new-secret-file /run/secrets/app_secret_new
 *   printf '%s\n' "$NEW_SECRET" | npm run secrets:rotate
 *
 * The current secret is the panel's (APP_SECRET or APP_SECRET_FILE); the new one comes from a file
 * or standard input, never from the command line. Stop the panel first; then start it with the new
 * APP_SECRET. Nothing changes if anything fails.
 */
import fs from "node:fs";
import { loadAppSecret, loadDatabasePath } from "../server/config/env";
import { databaseInUse, DatabaseFileError } from "../server/db/backup";
import { createPrisma } from "../server/db/client";
import { migrateDatabase } from "../server/db/migrate";
import { OperatorError } from "../server/errors";
import { rotateAppSecret } from "../server/tenants/rotate-app-secret";
import { runCli } from "./support/cli";

const USAGE = "Usage: npm run secrets:rotate -- [--new-secret-file FILE]   (or the new secret on standard input)";

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? "";
}


await runCli({
  usage: USAGE,
  options: { "new-secret-file": { type: "string" } },
  positionals: 0,
  async main(values) {
    const file = values["new-secret-file"];
    let next: string;
    try {
      next = (typeof file === "string" ? fs.readFileSync(file, "utf8").replace(/\r?\n$/, "") : await readStdin()).trim();
    } catch (error) {
      throw new OperatorError("SECRET_FILE", `The new secret file cannot be read: ${(error as Error).message}`);
    }
    if (!next) {
      console.error(`Give the new APP_SECRET in a file or on standard input.\n${USAGE}`);
      return 2;
    }
    const current = loadAppSecret();
    const database = loadDatabasePath();
    if (databaseInUse(database)) throw new DatabaseFileError(`The database ${database} is in use: stop the panel first, then rotate.`);
    await migrateDatabase(database);
    const prisma = await createPrisma(database);
    try {
      const report = await rotateAppSecret(prisma, current, next);
      console.log(
        `Re-encrypted ${report.secrets} secrets of ${report.tenants} tenants; ended ${report.sessionsEnded} sessions and ${report.linksRevoked} unused set-password links.\n` +
          "Now set APP_SECRET (or APP_SECRET_FILE) to the new secret and start the panel; keep the old one with backups taken before today.",
      );
    } finally {
      await prisma.$disconnect();
    }
  },
});
