/**
 * The process entry: read the configuration, build the app, listen, and shut down gracefully
 * on SIGTERM/SIGINT (a second signal exits at once). Nothing else happens here.
 */
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startEmulator, type RunningEmulator } from "../emulator";
import { buildApp, remixBuildLoader } from "./app";
import { ConfigError, loadConfig } from "./config/env";
import { projectRoot } from "./db/migrate";
import { createLogger } from "./logger";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n\nSee .env.example for every setting and its meaning.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.log);

  const buildFile = path.join(projectRoot(), "build", "index.js");
  if (!fs.existsSync(buildFile)) {
    logger.fatal({ buildFile }, "the Remix build is missing: run `npm run build` first");
    process.exit(1);
  }

  // With no Portainer configured, the built-in emulator stands in (demo, development).
  let emulator: RunningEmulator | null = null;
  let portainer;
  if (config.portainer.mode === "emulator") {
    const apiKey = `ptr_${randomBytes(24).toString("base64url")}`;
    emulator = await startEmulator({ port: 0, apiKey, taskDelayMs: 400 });
    portainer = { url: emulator.url, apiKey, endpointId: config.portainer.endpointId };
    logger.info({ url: emulator.url }, "started the built-in Portainer emulator");
  }

  const app = await buildApp({
    config,
    logger,
    remixBuild: remixBuildLoader(buildFile, { watch: config.nodeEnv === "development" }),
    ...(portainer ? { portainer } : {}),
  });
  const url = await app.start();
  logger.info(
    { url, appUrl: config.appUrl, env: config.nodeEnv, portainer: config.portainer.mode },
    `panel listening on ${url}`,
  );
  if (config.portainer.mode === "emulator") {
    logger.warn("no PORTAINER_URL configured: the panel runs against the built-in Portainer emulator, and no real stacks are created");
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    app.stop().then(() => emulator?.close()).then(
      () => {
        logger.info("stopped cleanly");
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`The panel could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
