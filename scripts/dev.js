// `npm run dev`: rebuilds the UI on change (remix watch) and restarts the server on change
// (tsx watch). Settings come from .env (copy .env.example to start).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
if (!fs.existsSync(path.join(root, ".env"))) {
  console.error("No .env file: copy .env.example to .env and adjust it (or use `npm run demo`).");
  process.exit(1);
}
const bin = (name) => path.join(root, "node_modules", ".bin", name);
// The server needs a UI build to start; watch mode then keeps it fresh.
const first = spawnSync(bin("remix"), ["build"], { cwd: root, stdio: "inherit" });
if (first.status !== 0) process.exit(first.status ?? 1);
const children = [
  spawn(bin("remix"), ["watch"], { cwd: root, stdio: "inherit" }),
  spawn(bin("tsx"), ["watch", "--clear-screen=false", "server/index.ts"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "development" },
  }),
];
const stop = (signal) => children.forEach((c) => c.kill(signal));
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
for (const c of children) c.on("exit", (code) => { stop("SIGTERM"); process.exitCode = code ?? 0; });
