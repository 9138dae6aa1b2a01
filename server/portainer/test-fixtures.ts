/**
 * Shared fixtures of the Portainer client's integration tests: the emulator in both behaviour
 * families, a client with test-sized timeouts, a log capture, and a realistic tenant stack rendered
 * by `server/stacks`. Imported by tests only.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/index";
import {
  BUILTIN_PLANS,
  buildTenantStack,
  loadStackFiles,
  parseTenantStackInput,
  renderStackYaml,
  tenantStackAssets,
  type Exposure,
} from "../stacks/index";
import { sampleTenantInput, SAMPLE_ALLOWED_IMAGES, SAMPLE_SETTINGS } from "../stacks/sample-tenant";
import { createPortainerClient, type PortainerClient, type PortainerClientOptions } from "./client";
import type { PortainerLogger } from "./transport";

/** A distinctive admin key, so a leak is easy to find in any text. */
export const API_KEY = "ptr_TestKey-do-not-leak-0b7c2f9a41e8";

/** The two behaviour families: a 2.23 (synchronous) and the emulator's newest (asynchronous). */
export const FAMILIES = [
  { family: "sync", portainerVersion: "2.23.0" },
  { family: "async", portainerVersion: undefined },
] as const;

/** The create route as the emulator counts and matches it. */
export const CREATE_ROUTE = "POST /api/stacks/create/{type}/{method}";

/** Starts an emulator on port 0 with fast task transitions. */
export function startPortainer(options: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({ apiKey: API_KEY, taskDelayMs: 5, deployDurationMs: 30, ...options });
}

/** Every log line as JSON text, plus a logger writing to it. */
export function captureLogs(): { logger: PortainerLogger; lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push(JSON.stringify({ level, message, ...fields }));
  };
  return { lines, logger: { debug: write("debug"), info: write("info"), warn: write("warn") } };
}

/** A client of the emulator with test-sized timeouts; override anything. */
export function clientFor(emu: { url: string }, overrides: Partial<PortainerClientOptions> = {}): PortainerClient {
  return createPortainerClient({
    baseUrl: emu.url,
    apiKey: API_KEY,
    endpointId: 1,
    timeoutMs: 3000,
    pollIntervalMs: 10,
    deployTimeoutMs: 5000,
    retry: { limit: 2, baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  });
}

/** A tenant's stack file and the configs and secrets it needs, as the panel renders them. */
export interface TenantFixture {
  name: string;
  yaml: string;
  configs: Array<{ name: string; content: string }>;
  secrets: string[];
}

/** Renders the sample tenant `slug`, pinned to emulator node `node-1`. */
export function tenantStack(
  slug: string,
  options: { exposure?: Exposure; traefikNetwork?: string } = {},
): TenantFixture {
  const files = loadStackFiles();
  const input = sampleTenantInput({
    slug,
    domain: `mautic.${slug}.example`,
    files,
    nodeHostname: "node-1",
    exposure: options.exposure ?? "install",
  });
  const tenant = parseTenantStackInput(input, { allowedImages: SAMPLE_ALLOWED_IMAGES, plans: BUILTIN_PLANS });
  const settings = options.traefikNetwork ? { ...SAMPLE_SETTINGS, traefikNetwork: options.traefikNetwork } : SAMPLE_SETTINGS;
  const assets = tenantStackAssets(slug, files, { mailerDsn: false });
  return {
    name: tenant.stackName,
    yaml: renderStackYaml(buildTenantStack(tenant, settings)),
    configs: Object.values(assets.configs),
    secrets: Object.values(assets.secrets),
  };
}

/** Creates the tenant's configs and secrets (what the PREPARING phase does). */
export async function prepareTenant(client: PortainerClient, tenant: TenantFixture): Promise<void> {
  const labels = { "io.mautic-panel.managed": "true" };
  for (const config of tenant.configs) await client.createConfig({ name: config.name, data: config.content, labels });
  for (const secret of tenant.secrets) await client.createSecret({ name: secret, data: `pw-${secret.length}-xyz`, labels });
}

/** Polls `check` every 5 ms until it is true; fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
