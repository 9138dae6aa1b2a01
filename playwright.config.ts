import { defineConfig } from "@playwright/test";

// The panel under test: the production build, a fresh SQLite file, the emulator mode, and a
// known admin. Debian's chromium drives it (never `npx playwright install`).
const PORT = Number(process.env.E2E_PORT ?? 3939);
const BASE_URL = `http://127.0.0.1:${PORT}`;
import { E2E_ADMIN } from "./e2e/fixtures";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"], ["json", { outputFile: "reports/e2e.json" }]],
  use: {
    baseURL: BASE_URL,
    browserName: "chromium",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: "node scripts/e2e-server.js",
    url: `${BASE_URL}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(PORT),
      APP_URL: BASE_URL,
      DATABASE_URL: "file:./test/.tmp/e2e.db",
      APP_SECRET: "e2e-secret-that-is-long-enough-0123456789",
      PORTAINER_EMULATOR: "true",
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      LOG_LEVEL: "warn",
      LOGIN_MAX_FAILURES_PER_ACCOUNT: "50",
      PROVISIONING_POLL_INTERVAL_MS: "200",
      RECONCILE_INTERVAL_SECONDS: "2",
    },
  },
});
