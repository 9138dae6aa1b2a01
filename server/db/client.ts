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

export async function createPrisma(databasePath: string, options: { onQuery?: (sql: string, durationMs: number) => void } = {}): Promise<PrismaClient> {
  fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const adapter = new PrismaBetterSQLite3({ url: `file:${databasePath}`, timeout: BUSY_TIMEOUT_MS });
  const { onQuery } = options;
  if (!onQuery) return configure(new PrismaClient({ adapter }));
  const prisma = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  prisma.$on("query", (event) => onQuery(event.query, Number(event.duration)));
  return configure(prisma as unknown as PrismaClient);
}

async function configure(prisma: PrismaClient): Promise<PrismaClient> {
  // WAL lets readers proceed while the single writer commits; the mode is stored in the file.
  await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  return prisma;
}
