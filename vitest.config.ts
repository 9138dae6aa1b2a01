import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // NOTE: graphql 16 has no "exports" map: Node loads its CommonJS build for dependencies
    // (Pothos, Yoga) while Vite would pick the ESM "module" build for our files, and two
    // copies of graphql refuse each other's types. Point ours at the one Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["{app,graphql,server,emulator,scripts,test}/**/*.test.ts"],
    exclude: ["node_modules", "build", "e2e"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel forks, each with its own SQLite file.
    pool: "forks",
  },
});
