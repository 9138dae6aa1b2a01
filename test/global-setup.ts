// Migrates one base SQLite database per test run, in a folder of its own (several runs may
// share the machine); each test app copies it (test/db.ts), so migrations run once per run.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../server/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    testDbDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = path.resolve("test/.tmp", `run-${randomUUID()}`);
  fs.mkdirSync(dir, { recursive: true });
  await migrateDatabase(path.join(dir, "base.db"));
  project.provide("testDbDir", dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
