import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { inject } from "vitest";

/** A fresh, migrated SQLite file for one test app (a copy of the run's base database). */
export function createTestDatabase(): string {
  const dir = inject("testDbDir");
  const file = path.join(dir, `${randomUUID()}.db`);
  fs.copyFileSync(path.join(dir, "base.db"), file);
  return file;
}
