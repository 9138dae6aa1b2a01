/**
 * Prisma CLI configuration (Prisma 6.19.3, offline): the CLI talks to SQLite through the
 * better-sqlite3 driver adapter and the wasm schema engine, so no engine binary is ever
 * downloaded. See docs/decisions/001-prisma-6-offline.md.
 *
 * NOTE: when this file exists the CLI does not read `.env`; DATABASE_URL must be in the
 * environment (the npm scripts and server/db/migrate.server.ts pass it explicitly).
 */
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

const url = process.env.DATABASE_URL ?? "file:./data/dev.db";

type Queryable = {
  executeRaw(query: { sql: string; args: unknown[] }): Promise<number>;
  executeScript(script: string): Promise<void>;
};

/**
 * The wasm schema engine replays each migration.sql on the shadow database with one
 * executeRaw call; better-sqlite3 refuses multi-statement strings there, so fall back to
 * executeScript (db.exec) for argument-less scripts.
 */
function multiStatementSafe<T extends object>(connection: T): T {
  return new Proxy(connection, {
    get(target, prop, receiver) {
      if (prop === "executeRaw") {
        const queryable = target as unknown as Queryable;
        return async (query: { sql: string; args: unknown[] }) => {
          try {
            return await queryable.executeRaw(query);
          } catch (error) {
            const e = error as { message?: string; cause?: { message?: string } };
            const message = `${e.message ?? ""}${e.cause?.message ?? ""}`;
            if (query.args.length === 0 && /more than one statement/.test(message)) {
              await queryable.executeScript(query.sql);
              return 0;
            }
            throw error;
          }
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: async () => {
    const factory = new PrismaBetterSQLite3({ url });
    return {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => multiStatementSafe(await factory.connect()),
      connectToShadowDb: async () => multiStatementSafe(await factory.connectToShadowDb()),
    };
  },
});
