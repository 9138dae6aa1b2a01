// Bundles the Node server (server/index.ts and what it imports, including the generated Prisma
// client) into build/server.js. Packages from node_modules stay external.
import fs from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: ["server/index.ts"],
  outfile: "build/server.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
  banner: { js: "// Built by scripts/build-server.js; edit server/ instead." },
});
// The stack builder reads its shell scripts and crontab next to its module; in the bundle that
// module is build/server.js, so the files go to build/files/.
fs.cpSync("server/stacks/files", "build/files", { recursive: true });
console.log("built build/server.js");
