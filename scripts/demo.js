// `npm run demo`: builds the panel and starts it on http://127.0.0.1:3000 with a SQLite database
// in data/, a demo ADMIN account and (with no PORTAINER_URL) the built-in Portainer emulator.
// The demo's secret and admin password are generated once and kept in data/demo.json.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dataDir = path.join(root, "data");
const stateFile = path.join(dataDir, "demo.json");
const port = process.env.PORT ?? "3000";
const host = process.env.HOST ?? "127.0.0.1";

fs.mkdirSync(dataDir, { recursive: true });
if (!fs.existsSync(stateFile)) {
  const state = {
    appSecret: crypto.randomBytes(32).toString("base64url"),
    adminEmail: "admin@demo.local",
    adminPassword: `demo-${crypto.randomBytes(9).toString("base64url")}`,
  };
  fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));

console.log("Building the panel…");
const built = spawnSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
if (built.status !== 0) process.exit(built.status ?? 1);

const url = `http://${host}:${port}`;
const child = spawn(process.execPath, ["build/server.js"], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    NODE_ENV: "development",
    HOST: host,
    PORT: port,
    APP_URL: process.env.APP_URL ?? url,
    DATABASE_URL: process.env.DATABASE_URL ?? "file:./data/demo.db",
    APP_SECRET: state.appSecret,
    ADMIN_EMAIL: state.adminEmail,
    ADMIN_PASSWORD: state.adminPassword,
  },
});

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

// Tell the newcomer how to sign in once the panel answers.
const deadline = Date.now() + 60_000;
async function announce() {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) {
        console.log(
          [
            "",
            "──────────────────────────────────────────────────────────────",
            ` The demo panel is running: ${url}`,
            ` Sign in as   ${state.adminEmail}`,
            ` Password     ${state.adminPassword}`,
            " (kept in data/demo.json; delete data/ to start over)",
            " Stop with Ctrl+C.",
            "──────────────────────────────────────────────────────────────",
            "",
          ].join("\n"),
        );
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
announce();
