// Lint rules that guard the architecture (docs/decisions/002-remix-classic-compiler.md):
// - app/ reaches server code only from `*.server.ts` modules (the classic compiler would
//   otherwise silently empty them in the browser bundle instead of failing the build);
// - domain modules under server/ never import graphql/ or app/ (dependencies point one way);
// - only server/config/env.ts reads process.env (configuration is parsed once, by one schema).
import tseslint from "typescript-eslint";

const SERVER_ONLY = [
  { group: ["**/server/**", "../server/*", "../../server/*"], message: "app/ reaches server code only from *.server.ts modules." },
  { group: ["**/graphql/**", "../graphql/*", "../../graphql/*"], message: "app/ reaches the schema only from *.server.ts modules." },
  { group: ["@prisma/*", "bcrypt", "got", "better-sqlite3", "node:*", "pino"], message: "Server-only package: use it from a *.server.ts module." },
];

export default tseslint.config(
  {
    ignores: ["node_modules/", "build/", "public/build/", "server/generated/", "test/.tmp/", "test-results/", "playwright-report/", "reports/"],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration from server/config/env.ts (parsed once)." },
      ],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { patterns: SERVER_ONLY.map((p) => ({ ...p, allowTypeImports: true })) }],
    },
  },
  {
    files: ["server/**/*.ts"],
    ignores: ["server/app.ts", "server/index.ts", "server/http/**", "server/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/graphql/**", "../graphql/*", "../../graphql/*"], message: "server/ domain code must not depend on graphql/ (it is the other way round)." },
            { group: ["**/app/**", "../app/*", "../../app/*"], message: "server/ must not depend on the Remix app." },
          ],
        },
      ],
    },
  },
  {
    // Entry points and tooling may read the environment they were started with.
    files: ["scripts/**", "bench/**", "test/**", "e2e/**", "**/*.test.ts", "*.config.{js,ts}", "emulator/cli.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Tests read loosely shaped JSON answers.
    files: ["**/*.test.ts", "e2e/**/*.spec.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
