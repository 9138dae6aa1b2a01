/** `scripts/stack-render.ts`, run the way the npm script runs it (tsx). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ComposeFile } from "./compose-spec";
import { loadStackFiles, tenantConfigNames } from "./stack-files";
import { dockerStackConfig } from "./stack-test-fixtures";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const SCRIPT = join(ROOT, "scripts/stack-render.ts");

function render(...args: string[]) {
  const result = spawnSync(TSX, [SCRIPT, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  if (result.error) throw result.error;
  return result;
}

describe("stack-render CLI", () => {
  it("prints a stack Docker accepts for a sample tenant", () => {
    const result = render("--slug", "acme", "--domain", "Mautic.Acme.Example", "--exposure", "live", "--dialect", "v3.2.2", "--mailer");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const stack = parse(result.stdout) as ComposeFile;
    expect(stack.services["mautic_web"]!.deploy.labels["traefik.http.routers.mautic-acme.rule"]).toBe(
      "Host(`mautic.acme.example`)",
    );
    expect(stack.services["mautic_web"]!.deploy.labels["traefik.swarm.network"]).toBe("traefik-public");
    expect(stack.services["mautic_install"]!.environment["PANEL_ADMIN_EMAIL"]).toBe("admin@mautic.acme.example");
    expect(stack.configs["crontab"]!.name).toBe(tenantConfigNames("acme", loadStackFiles()).crontab);
    expect(stack.secrets["mailer_dsn"]!.name).toBe("mautic-acme-mailer-dsn-v1");
    expect(dockerStackConfig(result.stdout).status).toBe(0);
  });

  it("defaults to the install exposure, the default plan and the pinned placement", () => {
    const result = render("--slug", "acme", "--domain", "mautic.acme.example");
    expect(result.status).toBe(0);
    const stack = parse(result.stdout) as ComposeFile;
    expect(stack.services["mautic_web"]!.deploy.labels["traefik.enable"]).toBe("false");
    expect(stack.services["db"]!.deploy.resources.limits).toStrictEqual({ cpus: "2", memory: "2048M" });
    expect(stack.services["db"]!.deploy.placement).toStrictEqual({ constraints: ["node.hostname == swarm-node-1"] });
  });

  it("exits 1 with every field error for bad input", () => {
    const result = render(
      "--slug", "Bad_Slug", "--domain", "evil.example`) || Host(`bank.example", "--admin-email", "x@y",
      "--plan", "gold", "--exposure", "public", "--dialect", "v9", "--trusted-proxies", "REMOTE_ADDR",
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toStrictEqual([
      "settings.traefikDialect: Use one of v2, v3.0, v3.2.2.",
      "settings.trustedProxies: \"REMOTE_ADDR\": Enter an IP address or a CIDR block such as 10.0.0.0/8.",
      "slug: Use 2 to 31 lowercase letters, digits or hyphens, starting and ending with a letter or digit.",
      "domain: A domain name may only contain letters, digits, hyphens and dots.",
      "plan: Choose one of the plans: small, standard, large.",
      "adminEmail: The part after @ is not valid: Enter a fully qualified domain name such as mautic.example.com.",
      "exposure: Use one of install, live.",
    ]);
  });

  it("exits 1 for unknown options and for a broken plans file", () => {
    const unknown = render("--slug", "acme", "--domain", "mautic.acme.example", "--force");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Unknown option '--force'");

    const dir = mkdtempSync(join(tmpdir(), "stack-render-"));
    try {
      const plans = join(dir, "plans.json");
      writeFileSync(plans, JSON.stringify({ plans: {} }));
      const broken = render("--slug", "acme", "--domain", "mautic.acme.example", "--plans-file", plans);
      expect(broken.status).toBe(1);
      expect(broken.stderr).toBe(`The plans file ${plans} is not valid:\n- plans: define at least one plan\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
