import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("the process entry", () => {
  it("refuses to start with a bad configuration and lists every bad key", async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "server/index.ts"], {
        env: { PATH: process.env.PATH, NODE_ENV: "production", APP_SECRET: "too-short", PORT: "99999" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        "Invalid configuration:",
        "  - PORT must be between 0 and 65535",
        "  - APP_SECRET must be at least 32 characters",
        "  - APP_URL is required in production (the panel's public https:// URL)",
        "  - PORTAINER_URL is required in production (set PORTAINER_EMULATOR=true to run against the built-in emulator instead)",
        "",
        "See .env.example for every setting and its meaning.",
        "",
      ].join("\n"),
    );
  }, 30_000);
});
