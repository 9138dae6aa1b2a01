/**
 * Applies the committed migrations (prisma/migrations) with Prisma's own `migrate deploy`, run
 * as a child process so the wasm schema engine and its memory leave with it. Idempotent: an
 * up-to-date database costs one quick check.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** The project root: where prisma.config.ts and prisma/ live. */
export function projectRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!fs.existsSync(path.join(dir, "prisma.config.ts"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new MigrationError("Cannot find prisma.config.ts above " + import.meta.url);
    dir = parent;
  }
  return dir;
}

export async function migrateDatabase(databasePath: string): Promise<{ output: string }> {
  fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const root = projectRoot();
  const cli = createRequire(path.join(root, "package.json")).resolve("prisma/build/index.js");
  try {
    const { stdout } = await run(process.execPath, [cli, "migrate", "deploy"], {
      cwd: root,
      // The CLI reads only what it is given: the database, and no telemetry call.
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root, DATABASE_URL: `file:${databasePath}`, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1", NODE_ENV: "production" }, // eslint-disable-line no-restricted-properties -- pass PATH/HOME through to the child
      timeout: 120_000,
    });
    return { output: stdout };
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    const detail = (e.stderr || e.stdout || e.message).trim().split("\n").slice(-5).join("\n");
    throw new MigrationError(`Applying database migrations to ${databasePath} failed:\n${detail}`, { cause: error });
  }
}
