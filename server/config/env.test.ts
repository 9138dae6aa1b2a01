import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, ConfigError, EXAMPLE_APP_SECRET, parseConfig } from "./env";

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

  it("reads the settings that shape tenant stacks, with the builder's own rules", () => {
    const config = parseConfig({ APP_SECRET: SECRET, MAUTIC_IMAGES: "mautic/mautic:7.2.0-apache, mautic/mautic:6.0.9-apache", TRAEFIK_TRUSTED_PROXIES: "10.0.1.0/24" });
    expect(config.stacks).toMatchObject({ mauticImages: ["mautic/mautic:7.2.0-apache", "mautic/mautic:6.0.9-apache"], mysqlImage: "mysql:8.4", placement: "pin" });
    expect(Object.keys(config.stacks.plans.plans)).toEqual(["small", "standard", "large"]);
    expect(config.traefik).toEqual({ networkName: "traefik-public", tlsResolverName: "letsencrypt", entryPoint: "websecure", labelDialect: "v3.0", trustedProxies: ["10.0.1.0/24"] });

    const issues = issuesOf({ APP_SECRET: SECRET, MAUTIC_IMAGES: "mautic/mautic:latest", PLACEMENT: "spread", TRAEFIK_LABEL_DIALECT: "v4", TRAEFIK_TRUSTED_PROXIES: "10.0.0.0/99" });
    expect(issues).toHaveLength(4);
    expect(issues[0]).toMatch(/^TRAEFIK_LABEL_DIALECT must be one of v2, v3.0, v3.2.2$/);
    expect(issues.join("\n")).toMatch(/MAUTIC_IMAGES entry "mautic\/mautic:latest": /);
    expect(issues.join("\n")).toMatch(/PLACEMENT must be one of pin, none/);
    expect(issues.join("\n")).toMatch(/TRAEFIK_TRUSTED_PROXIES entry "10.0.0.0\/99": /);
  });

  it("stops on a bad plans file and lists its problems", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "panel-plans-"));
    const file = path.join(dir, "plans.json");
    fs.writeFileSync(file, "{ not json");
    const issues = issuesOf({ APP_SECRET: SECRET, PLANS_FILE: file });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(new RegExp(`^PLANS_FILE \\(${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\): not valid JSON`));
    fs.rmSync(dir, { recursive: true });
  });

  it("is documented key by key in .env.example, whose values start a development panel", () => {
    const example = fs.readFileSync(".env.example", "utf8");
    const missing = CONFIG_KEYS.filter((key) => !new RegExp(`^(# .*)?${key}\\b`, "m").test(example));
    expect(missing).toEqual([]);
    expect(parseConfig(parseEnv(example)).portainer.mode).toBe("emulator");
  });
});
