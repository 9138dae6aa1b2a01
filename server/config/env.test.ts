import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, EXAMPLE_APP_SECRET, parseConfig } from "./env";

const SECRET = "s".repeat(40);

function issuesOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("applies development defaults and the emulator when no Portainer is configured", () => {
    const config = parseConfig({ APP_SECRET: SECRET }, { cwd: "/srv/panel" });
    expect(config).toMatchObject({
      nodeEnv: "development",
      host: "127.0.0.1",
      port: 3000,
      appUrl: "http://127.0.0.1:3000",
      appOrigin: "http://127.0.0.1:3000",
      secureCookies: false,
      databasePath: "/srv/panel/data/panel.db",
      databaseUrl: "file:/srv/panel/data/panel.db",
      portainer: { mode: "emulator", endpointId: 1 },
      traefik: { networkName: "traefik-public", tlsResolverName: "letsencrypt" },
      log: { level: "info", format: "pretty" },
      bootstrapAdmin: null,
      session: { idleMs: 7 * 24 * 3_600_000, maxAgeMs: 30 * 86_400_000 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("lists every bad key in one error", () => {
    const issues = issuesOf({ APP_SECRET: "short", PORT: "http", NODE_ENV: "staging", LOG_LEVEL: "loud", DATABASE_URL: "postgres://x", PORTAINER_URL: "http://p:9000" });
    expect(issues).toEqual(
      expect.arrayContaining([
        "APP_SECRET must be at least 32 characters",
        "PORT must be a whole number",
        "NODE_ENV must be one of development, production, test",
        "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
        'DATABASE_URL must be a SQLite file URL such as "file:./data/panel.db"',
        "PORTAINER_API_TOKEN is required when PORTAINER_URL is set (or PORTAINER_API_TOKEN_FILE)",
        "PORTAINER_ENDPOINT_ID is required when PORTAINER_URL is set",
      ]),
    );
    expect(issues).toHaveLength(7);
  });

  it("requires the production essentials", () => {
    const issues = issuesOf({ NODE_ENV: "production", APP_SECRET: EXAMPLE_APP_SECRET });
    expect(issues).toEqual([
      "APP_URL is required in production (the panel's public https:// URL)",
      "APP_SECRET must be changed from the example value in production",
      "PORTAINER_URL is required in production (set PORTAINER_EMULATOR=true to run against the built-in emulator instead)",
    ]);
  });

  it("needs the token and endpoint with a Portainer URL, and makes cookies Secure on https", () => {
    expect(issuesOf({ APP_SECRET: SECRET, PORTAINER_URL: "https://portainer.example.com" })).toEqual([
      "PORTAINER_API_TOKEN is required when PORTAINER_URL is set (or PORTAINER_API_TOKEN_FILE)",
      "PORTAINER_ENDPOINT_ID is required when PORTAINER_URL is set",
    ]);
    const config = parseConfig({
      NODE_ENV: "production",
      APP_SECRET: SECRET,
      APP_URL: "https://panel.example.com/",
      PORTAINER_URL: "https://portainer.example.com/",
      PORTAINER_API_TOKEN: "ptr_token",
      PORTAINER_ENDPOINT_ID: "3",
      TRUST_PROXY: "10.0.0.0/8, loopback",
    });
    expect(config).toMatchObject({
      host: "0.0.0.0",
      appUrl: "https://panel.example.com",
      secureCookies: true,
      portainer: { mode: "remote", url: "https://portainer.example.com", apiToken: "ptr_token", endpointId: 3 },
      trustProxy: ["10.0.0.0/8", "loopback"],
      log: { format: "json" },
    });
  });

  it("reads secrets from *_FILE and refuses both forms at once", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "panel-env-"));
    const file = path.join(dir, "secret");
    fs.writeFileSync(file, `${SECRET}\n`);
    expect(parseConfig({ APP_SECRET_FILE: file }).appSecret).toBe(SECRET);
    expect(issuesOf({ APP_SECRET_FILE: file, APP_SECRET: SECRET })).toEqual(["APP_SECRET and APP_SECRET_FILE are both set; set only one"]);
    expect(issuesOf({ APP_SECRET: SECRET, PORTAINER_URL: "http://p:9000", PORTAINER_ENDPOINT_ID: "1", PORTAINER_API_TOKEN_FILE: path.join(dir, "missing") })).toEqual([
      `PORTAINER_API_TOKEN_FILE (${path.join(dir, "missing")}) cannot be read: ENOENT`,
      "PORTAINER_API_TOKEN is required when PORTAINER_URL is set (or PORTAINER_API_TOKEN_FILE)",
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  it("validates TRUST_PROXY entries, admin pairs and session bounds", () => {
    expect(issuesOf({ APP_SECRET: SECRET, ADMIN_EMAIL: "a@b.co" })).toEqual([
      "ADMIN_EMAIL and ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE) must be set together",
    ]);
    expect(issuesOf({ APP_SECRET: SECRET, TRUST_PROXY: "10.0.0.0/33,proxy.local", SESSION_IDLE_HOURS: "800", SESSION_MAX_DAYS: "30" })).toEqual([
      'TRUST_PROXY entry "10.0.0.0/33" must be an IP address, a CIDR range, or loopback/linklocal/uniquelocal',
      'TRUST_PROXY entry "proxy.local" must be an IP address, a CIDR range, or loopback/linklocal/uniquelocal',
      "SESSION_IDLE_HOURS must not exceed SESSION_MAX_DAYS × 24",
    ]);
  });

  it("never puts a secret's value in an error message", () => {
    const secret = "super-secret-but-too-short";
    const issues = issuesOf({ APP_SECRET: secret, PORTAINER_URL: "http://p", PORTAINER_API_TOKEN: "ptr_abc", PORTAINER_ENDPOINT_ID: "zero" });
    expect(issues.join("\n")).not.toContain(secret);
    expect(issues.join("\n")).not.toContain("ptr_abc");
  });
});
