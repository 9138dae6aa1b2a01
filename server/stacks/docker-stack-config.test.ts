/**
 * Every stack we render must be accepted by the real `docker stack config` (the compose loader and schema
 * `docker stack deploy` uses). The docker CLI works offline; a missing CLI fails these tests, never skips them.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildTenantStack } from "./build-tenant-stack";
import type { ComposeFile } from "./compose-spec";
import { renderStackYaml } from "./render";
import type { PlacementMode, TraefikDialect } from "./settings";
import { acmeInput, dockerStackConfig, SETTINGS, VALIDATION_OPTIONS } from "./stack-test-fixtures";
import { parseTenantStackInput, type Exposure } from "./tenant-input";

interface Loaded {
  services: Record<
    string,
    { deploy: { labels: Record<string, string>; mode: string }; environment: Record<string, string>; image: string }
  >;
  networks: Record<string, unknown>;
  volumes: Record<string, unknown>;
  configs: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

function acceptedByDocker(stack: ComposeFile): Loaded {
  const result = dockerStackConfig(renderStackYaml(stack));
  expect(result.error, "the docker CLI must be installed (apt-get install docker-ce-cli or docker.io)").toBeUndefined();
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return parse(result.stdout) as Loaded;
}

describe("docker stack config accepts every rendered stack", () => {
  it("finds the docker CLI", () => {
    const result = dockerStackConfig('version: "3.8"\nservices: {}\n');
    expect(result.error, "the docker CLI must be installed").toBeUndefined();
    expect(result.status).toBe(0);
  });

  const plans = ["small", "standard", "large"];
  const dialects: TraefikDialect[] = ["v2", "v3.0", "v3.2.2"];
  const exposures: Exposure[] = ["install", "live"];
  const placements: PlacementMode[] = ["pin", "none"];
  for (const plan of plans) {
    for (const traefikDialect of dialects) {
      for (const exposure of exposures) {
        for (const placement of placements) {
          const mailer = plan === "large";
          it(`${plan} / ${traefikDialect} / ${exposure} / placement ${placement}${mailer ? " / mailer" : ""}`, () => {
            const input = acmeInput({
              plan,
              exposure,
              hasMailerDsn: mailer,
              secrets: { ...acmeInput().secrets, ...(mailer ? { mailerDsn: "mautic-acme-mailer-dsn-v1" } : {}) },
            });
            const stack = buildTenantStack(parseTenantStackInput(input, VALIDATION_OPTIONS), {
              ...SETTINGS,
              traefikDialect,
              placement,
            });
            const loaded = acceptedByDocker(stack);
            expect(Object.keys(loaded.services).sort()).toStrictEqual(Object.keys(stack.services).sort());
            for (const [name, service] of Object.entries(stack.services)) {
              // What Docker will hand to the engine equals what we built, label for label.
              expect(loaded.services[name]!.deploy.labels).toStrictEqual(service.deploy.labels);
              expect(loaded.services[name]!.environment).toStrictEqual(service.environment);
              expect(loaded.services[name]!.image).toBe(service.image);
              expect(loaded.services[name]!.deploy.mode).toBe(service.deploy.mode);
            }
            expect(Object.keys(loaded.secrets).sort()).toStrictEqual(Object.keys(stack.secrets).sort());
            expect(Object.keys(loaded.configs).sort()).toStrictEqual(Object.keys(stack.configs).sort());
          });
        }
      }
    }
  }

  it("reads an escaped dollar sign back as a single literal dollar sign", () => {
    const base = buildTenantStack(parseTenantStackInput(acmeInput(), VALIDATION_OPTIONS), SETTINGS);
    const db = base.services["db"]!;
    const tricky = { A: "pa$word", B: "${HOME}", C: "$$", D: "x$" };
    const stack: ComposeFile = { ...base, services: { ...base.services, db: { ...db, environment: tricky } } };
    const loaded = acceptedByDocker(stack);
    expect(loaded.services["db"]!.environment).toStrictEqual(tricky);
  });
});
