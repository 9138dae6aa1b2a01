/**
 * The image cannot be built here (no Docker engine), so its recipe is checked statically:
 * dockerfilelint on the Dockerfile, shellcheck on the script that replays its steps
 * (scripts/image-steps.sh, run by `npm test` after the build), and the facts the runtime relies on.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("the Dockerfile", () => {
  it("passes dockerfilelint", () => {
    const result = spawnSync("node_modules/.bin/dockerfilelint", ["Dockerfile"], { encoding: "utf8" });
    expect(result.stdout).toContain("Issues: None found");
    expect(result.status).toBe(0);
  });

  it("runs as a non-root user, in production, with its data on /data, a health check and a stop signal", () => {
    const text = readFileSync("Dockerfile", "utf8");
    const runtime = text.slice(text.lastIndexOf("FROM "));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production .*DATABASE_URL=file:\/data\/panel\.db/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\/healthz/ms);
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(runtime).toMatch(/^CMD \["node", "build\/server\.js"\]$/m);
    // The same files scripts/image-steps.sh copies into its runtime directory.
    const copied = [...runtime.matchAll(/^COPY --from=build --chown=node:node (.+) \S+$/gm)].flatMap((m) => m[1]!.split(" ").map((p) => p.replace(/^\/app\//, "")));
    const script = readFileSync("scripts/image-steps.sh", "utf8");
    const replayed = /for item in ([^;]+); do/.exec(script)![1]!.split(" ");
    expect(replayed.sort()).toEqual(copied.sort());
  });

  it("replays its steps with a script that passes shellcheck", () => {
    const result = spawnSync("shellcheck", ["scripts/image-steps.sh"], { encoding: "utf8" });
    if (result.error) throw new Error(`shellcheck is not installed: ${result.error.message}`);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
