// Starts the built panel for the browser tests on a fresh database file.
import fs from "node:fs";

const url = process.env.DATABASE_URL ?? "";
if (url.startsWith("file:")) {
  const file = url.slice("file:".length);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
}
await import("../build/server.js");
