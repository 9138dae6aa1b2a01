/**
 * The Prisma client on SQLite through the better-sqlite3 driver adapter (no native query
 * engine; see docs/decisions/001-prisma-6-offline.md). Each app instance owns one client.
 */
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client";

export type { PrismaClient };

/** How long a statement waits for the SQLite write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export async function createPrisma(databasePath: string): Promise<PrismaClient> {
  fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const adapter = new PrismaBetterSQLite3({ url: `file:${databasePath}`, timeout: BUSY_TIMEOUT_MS });
  const prisma = new PrismaClient({ adapter });
  // WAL lets readers proceed while the single writer commits; the mode is stored in the file.
  await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  return prisma;
}
