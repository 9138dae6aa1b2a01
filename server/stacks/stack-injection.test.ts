/**
 * Hostile slugs, domains, e-mail addresses and admin names: each must either be rejected with exactly one
 * field error for that field, or come out inert, meaning the rendered YAML parses back to exactly the
 * structure of a normal tenant's stack (same keys, services, label sets, no extra keys) with the value,
 * normalized, only where it belongs, and Docker's own loader reads the same value back.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ValidationError } from "../errors";
import { buildTenantStack } from "./build-tenant-stack";
import type { ComposeFile } from "./compose-spec";
import { renderStackYaml } from "./render";
import { acmeInput, dockerStackConfig, SETTINGS, VALIDATION_OPTIONS } from "./stack-test-fixtures";
import { parseTenantStackInput, type TenantStackInput } from "./tenant-input";

type Field = "slug" | "domain" | "adminEmail" | "adminUsername" | "adminFirstName" | "adminLastName";

const LONG = "a".repeat(10 * 1024);

/** Payloads that break YAML, shells, PHP, Traefik rules or Compose interpolation, or hide as look-alikes. */
const COMMON: string[] = [
  "`id`",
  "$(id)",
  "${HOME}",
  "$HOME",
  "$$",
  "'quoted'",
  '"double"',
  "line\nbreak",
  "line\r\ninjected: true",
  "key: value",
  "- item",
  "# comment",
  "&anchor",
  "*alias",
  "!!python/object:os.system",
  "{a: b}",
  "[x]",
  "| block",
  "> folded",
  "%TAG ! tag:x",
  "nul\u0000byte",
  "tab\there",
  "back\\slash",
  LONG,
  "\u202eright-to-left",
  "zero\u200bwidth",
  "\ufeffbom",
  "<script>alert(1)</script>",
  "; rm -rf /",
  "",
];

const CASES: Array<{ field: Field; value: string }> = [
  ...[
    ...COMMON,
    "ACME",
    "-acme",
    "acme-",
    "a",
    "a".repeat(32),
    "ac_me",
    "ac.me",
    "аcme", // Cyrillic а
    "ａｃｍｅ", // full width
    "acme\u00ad",
    "ac\u0301me",
    "traefik.enable=true",
    "acme`) || Host(`evil",
    " acme",
    "acme ",
  ].map((value) => ({ field: "slug" as const, value })),
  ...[
    ...COMMON,
    "evil.example`) || Host(`bank.example",
    "mautic.acme.example\ninjected: true",
    "${DOMAIN}.example",
    "acme.example/../etc",
    "acme.example#x",
    "acme.example?x=1",
    "user@acme.example",
    "acme.example:443",
    "*.acme.example",
    "acme.example.",
    "127.0.0.1",
    "[::1]",
    "0x7f.1",
    "аcme.example", // Cyrillic а: becomes punycode
    "ａｃｍｅ.example", // full width: becomes acme.example
    "ex\u200bample.acme.example", // zero-width space: mapped away
    "ACME.EXAMPLE",
    "xn--zz.example",
    `${LONG}.example`,
    "acme\u0000.example",
    "acme .example",
    "acme..example",
    "-acme.example",
    "acme.e$xample",
    "acme.example,evil.example",
    "localhost",
  ].map((value) => ({ field: "domain" as const, value })),
  ...[
    ...COMMON,
    "admin@acme.example\nX: y",
    "a`id`@acme.example",
    "$(id)@acme.example",
    "${HOME}@acme.example",
    "'a'@acme.example",
    '"a"@acme.example',
    "a@acme.example`",
    "a@evil.example`) || Host(`x",
    "admin@аcme.example", // Cyrillic domain: becomes punycode
    "аdmin@acme.example", // Cyrillic local part: rejected
    "a@@acme.example",
    "a\u0000@acme.example",
    `${LONG}@acme.example`,
    "a b@acme.example",
    "*a@acme.example",
    "a@acme.example --force",
  ].map((value) => ({ field: "adminEmail" as const, value })),
  ...[...COMMON, "admin;id", "admin --admin_password=x", "../admin", "ａｄｍｉｎ"].map((value) => ({
    field: "adminUsername" as const,
    value,
  })),
  ...[
    ...COMMON,
    "Robert'); DROP TABLE users;--",
    "${PANEL_ADMIN_PASSWORD}",
    "ＡＤＡ", // full-width letters: letters, so accepted and inert
    "O'Brien",
    "Jose\u0301", // decomposed: NFC-normalized
    "Ada: Lovelace",
    "admin\" --force",
  ].map((value) => ({ field: "adminFirstName" as const, value })),
  ...[...COMMON, "Zoë", "Lovelace\u202e", "L\u0000ovelace"].map((value) => ({ field: "adminLastName" as const, value })),
];

/** Same keys, array lengths and value types; values themselves replaced by their type. */
function skeleton(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(skeleton);
  if (typeof node === "object" && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, skeleton(v)]));
  }
  return typeof node;
}

const baselineStack = buildTenantStack(parseTenantStackInput(acmeInput(), VALIDATION_OPTIONS), SETTINGS);
const baseline = parse(renderStackYaml(baselineStack)) as ComposeFile;

function tryBuild(input: TenantStackInput): { stack: ComposeFile } | { error: ValidationError } {
  try {
    return { stack: buildTenantStack(parseTenantStackInput(input, VALIDATION_OPTIONS), SETTINGS) };
  } catch (error) {
    if (error instanceof ValidationError) return { error };
    throw error;
  }
}

describe("hostile tenant input", () => {
  it("covers at least 50 hostile values", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  for (const [index, { field, value }] of CASES.entries()) {
    const label = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…(${value.length})` : value);
    it(`#${index} ${field} = ${label} is rejected or inert`, () => {
      const result = tryBuild(acmeInput({ [field]: value }));
      if ("error" in result) {
        expect(result.error.fieldErrors).toHaveLength(1);
        expect(result.error.fieldErrors[0]!.field).toBe(field);
        const message = result.error.fieldErrors[0]!.message;
        // Messages are fixed text: they never echo the value back into logs or pages.
        expect(message).toMatch(/^[^\n]{5,200}$/);
        if (value.length >= 4) expect(message.includes(value)).toBe(false);
        return;
      }
      const yaml = renderStackYaml(result.stack);
      const reparsed = parse(yaml) as ComposeFile;
      expect(reparsed).toStrictEqual(JSON.parse(JSON.stringify(result.stack)));
      expect(skeleton(reparsed)).toStrictEqual(skeleton(baseline));
      expect(Object.keys(reparsed.services)).toStrictEqual(Object.keys(baseline.services));
      for (const name of Object.keys(baseline.services)) {
        expect(Object.keys(reparsed.services[name]!.deploy.labels)).toStrictEqual(
          Object.keys(baseline.services[name]!.deploy.labels),
        );
      }
      // The stack differs from the baseline only where the field is used.
      const web = reparsed.services["mautic_web"]!;
      const installEnv = reparsed.services["mautic_install"]!.environment;
      if (field === "domain") {
        const host = installEnv["PANEL_SITE_URL"]!.slice("https://".length);
        expect(host).toMatch(/^[a-z0-9.-]+$/);
        expect(web.deploy.labels["traefik.http.routers.mautic-acme.rule"]).toBe("Host(`" + host + "`)");
      } else if (field === "adminEmail") {
        expect(installEnv["PANEL_ADMIN_EMAIL"]).toMatch(/^[A-Za-z0-9._%+-]+@[a-z0-9.-]+$/);
      } else {
        const envName = { adminUsername: "PANEL_ADMIN_USERNAME", adminFirstName: "PANEL_ADMIN_FIRSTNAME", adminLastName: "PANEL_ADMIN_LASTNAME", slug: "" }[field];
        expect(installEnv[envName]).toBe(value.normalize("NFC"));
      }
      expect(yaml).not.toContain("\u0000");
      // Docker's loader, with interpolation, must read exactly the same environment and labels.
      const loaded = dockerStackConfig(yaml);
      expect(loaded.error).toBeUndefined();
      expect(loaded.status).toBe(0);
      const fromDocker = parse(loaded.stdout) as ComposeFile;
      for (const name of Object.keys(result.stack.services)) {
        expect(fromDocker.services[name]!.environment).toStrictEqual(result.stack.services[name]!.environment);
        expect(fromDocker.services[name]!.deploy.labels).toStrictEqual(result.stack.services[name]!.deploy.labels);
      }
    });
  }

  it("rejects most values and renders the look-alikes and legitimate names inert", () => {
    const inert = CASES.filter(({ field, value }) => "stack" in tryBuild(acmeInput({ [field]: value })));
    expect(inert).toStrictEqual([
      { field: "domain", value: "аcme.example" },
      { field: "domain", value: "ａｃｍｅ.example" },
      { field: "domain", value: "ex\u200bample.acme.example" },
      { field: "domain", value: "ACME.EXAMPLE" },
      { field: "adminEmail", value: "admin@аcme.example" },
      { field: "adminFirstName", value: "ＡＤＡ" },
      { field: "adminFirstName", value: "O'Brien" },
      { field: "adminFirstName", value: "Jose\u0301" },
      { field: "adminLastName", value: "Zoë" },
    ]);
  });
});

describe("hostile values in the other tenant fields", () => {
  const cases: Array<[string, Partial<TenantStackInput>]> = [
    ["id", { id: "x\ninjected: true" }],
    ["id", { id: "${ID}" }],
    ["nodeHostname", { nodeHostname: "node-1 || node.role == manager" }],
    ["nodeHostname", { nodeHostname: "node-1\n" }],
    ["mauticImage", { mauticImage: "mautic/mautic:7.2.0-apache\n  privileged: true" }],
    ["mysqlDatabase", { mysqlDatabase: "mautic'; DROP DATABASE mysql; --" }],
    ["mysqlUser", { mysqlUser: "mautic`" }],
    ["plan", { plan: "standard\n" }],
    ["secrets.dbPassword", { secrets: { ...acmeInput().secrets, dbPassword: "x\ny" } }],
    ["configs.crontab", { configs: { ...acmeInput().configs, crontab: "${CRONTAB}" } }],
  ];
  it.each(cases)("rejects a hostile %s", (field, override) => {
    const result = tryBuild(acmeInput(override));
    expect("error" in result && result.error.fieldErrors.map((e) => e.field)).toStrictEqual([field]);
  });
});
