/**
 * A panel in a process of its own, to be killed (SIGKILL) and started again on the same SQLite file
 * and the same Portainer (test/kill-campaign.ts). It builds the app with buildApp (no Remix build:
 * GraphQL, REST and the worker only), starts it on port 0 and prints one line when it serves:
 *
 *   PANEL_READY {"url":"http://127.0.0.1:41234","pid":1234,"ownerId":…,"adminToken":…}
 *
 * (`ownerId` and `adminToken` only with `--bootstrap`, which first creates an ADMIN with an API
 * token and a CLIENT to own the tenants: run it once, on the first start). SIGTERM stops it cleanly.
 *
 *   node --import tsx bench/support/panel-process.ts --database FILE --portainer-url URL --portainer-key KEY
 *     [--bootstrap] [--log-file FILE]
 *
 * The database must be migrated. Settings come from the environment, with short defaults for a
 * campaign: PROVISIONING_POLL_INTERVAL_MS 25, PROVISIONING_RETRY_BASE_MS 20,
 * PROVISIONING_RETRY_MAX_MS 500, PROVISIONING_PHASE_TIMEOUT_SECONDS 60, PROVISIONING_CONCURRENCY 8,
 * RECONCILE_INTERVAL_SECONDS 1, LOG_LEVEL warn (JSON lines to --log-file, else stderr).
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { buildApp } from "../../server/app";
import { parseConfig } from "../../server/config/env";
import { createLogger } from "../../server/logger";

const { values } = parseArgs({
  options: {
    database: { type: "string" },
    "portainer-url": { type: "string" },
    "portainer-key": { type: "string" },
    bootstrap: { type: "boolean", default: false },
    "log-file": { type: "string" },
  },
});
const { database, "portainer-url": portainerUrl, "portainer-key": apiKey } = values;
if (!database || !portainerUrl || !apiKey) {
  process.stderr.write("usage: panel-process.ts --database FILE --portainer-url URL --portainer-key KEY [--bootstrap] [--log-file FILE]\n");
  process.exit(2);
}

const env = (name: string, fallback: string) => process.env[name] || fallback;
const config = parseConfig({
  NODE_ENV: "test",
  HOST: "127.0.0.1",
  PORT: "0",
  DATABASE_URL: `file:${database}`,
  APP_SECRET: "kill-campaign-secret-0123456789-abcdefghijkl",
  LOG_LEVEL: env("LOG_LEVEL", "warn"),
  LOG_FORMAT: "json",
  SHUTDOWN_TIMEOUT_MS: "2000",
  PROVISIONING_POLL_INTERVAL_MS: env("PROVISIONING_POLL_INTERVAL_MS", "25"),
  PROVISIONING_RETRY_BASE_MS: env("PROVISIONING_RETRY_BASE_MS", "20"),
  PROVISIONING_RETRY_MAX_MS: env("PROVISIONING_RETRY_MAX_MS", "500"),
  PROVISIONING_PHASE_TIMEOUT_SECONDS: env("PROVISIONING_PHASE_TIMEOUT_SECONDS", "60"),
  PROVISIONING_CONCURRENCY: env("PROVISIONING_CONCURRENCY", "8"),
  RECONCILE_INTERVAL_SECONDS: env("RECONCILE_INTERVAL_SECONDS", "1"),
});
const sink = values["log-file"] ? fs.createWriteStream(values["log-file"], { flags: "a" }) : process.stderr;
const app = await buildApp({ config, logger: createLogger(config.log, sink), migrate: false, portainer: { url: portainerUrl, apiKey, endpointId: 1 } });
const url = await app.start();

const ready: { url: string; pid: number; ownerId?: string; adminToken?: string } = { url, pid: process.pid };
if (values.bootstrap) {
  const { users, apiTokens } = app.services;
  const admin = await users.create({ email: "admin@campaign.example", password: "campaign admin password", role: "ADMIN" });
  const owner = await users.create({ email: "owner@campaign.example", password: "campaign owner password", role: "CLIENT" });
  const principal = { user: { id: admin.id, email: admin.email, role: "ADMIN" as const }, accountRole: "ADMIN" as const, token: null };
  ready.adminToken = (await apiTokens.create(principal, { name: "kill campaign" })).token;
  ready.ownerId = owner.id;
}
process.stdout.write(`PANEL_READY ${JSON.stringify(ready)}\n`);

process.once("SIGTERM", () => {
  app.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
});
