/**
 * Starts a real panel (buildApp) on port 0 with its own SQLite file, captures its log lines,
 * and offers small HTTP helpers. Used by the integration tests.
 */
import { Writable } from "node:stream";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../emulator";
import { buildApp, type PanelApp } from "../server/app";
import type { DnsResolver } from "../server/provisioning/deps";
import { parseConfig } from "../server/config/env";
import { createLogger } from "../server/logger";
import type { PortainerConnection } from "../server/services";

export const TEST_APP_SECRET = "test-app-secret-0123456789-abcdefghijklmnop";

export const TEST_PORTAINER_KEY = "ptr_test_key_that_must_never_leak_0123456789";

export interface TestApp {
  app: PanelApp;
  url: string;
  /** The Portainer emulator this app talks to (its own, on port 0). */
  emulator: RunningEmulator;
  /** Every log line written so far (JSON strings). */
  logs: string[];
  databasePath: string;
  close(): Promise<void>;
}

export async function startTestApp(
  env: Record<string, string> = {},
  options: {
    now?: () => Date;
    emulator?: Partial<EmulatorOptions>;
    /** Reuse this database file (to restart an app on the same data). */
    databasePath?: string;
    /** Reuse this emulator (a restarted app talks to the same Portainer). */
    reuseEmulator?: RunningEmulator;
    resolveDns?: DnsResolver;
    worker?: boolean;
    onQuery?: (sql: string) => void;
    /** Another address for Portainer (e.g. a gate in front of the emulator) or another request timeout. */
    portainer?: Partial<Pick<PortainerConnection, "url" | "timeoutMs">>;
  } = {},
): Promise<TestApp> {
  // Imported only when needed: ./db reads vitest's state, which benches (run outside vitest) lack.
  const databasePath = options.databasePath ?? (await import("./db")).createTestDatabase();
  const emulator =
    options.reuseEmulator ?? (await startEmulator({ port: 0, apiKey: TEST_PORTAINER_KEY, taskDelayMs: 2, ...options.emulator }));
  const config = parseConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: `file:${databasePath}`,
    APP_SECRET: TEST_APP_SECRET,
    LOG_LEVEL: "debug",
    LOG_FORMAT: "json",
    SHUTDOWN_TIMEOUT_MS: "2000",
    PROVISIONING_POLL_INTERVAL_MS: "20",
    PROVISIONING_RETRY_BASE_MS: "20",
    PROVISIONING_RETRY_MAX_MS: "100",
    PROVISIONING_PHASE_TIMEOUT_SECONDS: "10",
    RECONCILE_INTERVAL_SECONDS: "0",
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const app = await buildApp({
    config,
    logger: createLogger(config.log, sink),
    migrate: false,
    now: options.now,
    portainer: { url: emulator.url, apiKey: TEST_PORTAINER_KEY, endpointId: 1, ...options.portainer },
    resolveDns: options.resolveDns,
    worker: options.worker,
    onQuery: options.onQuery,
  });
  const url = await app.start();
  return {
    app,
    url,
    emulator,
    logs,
    databasePath,
    close: async () => {
      await app.stop();
      if (!options.reuseEmulator) await emulator.close();
    },
  };
}

export const ADMIN = { email: "admin@example.com", password: "correct horse battery staple" };
export const CLIENT = { email: "client@example.com", password: "client password 123" };

export async function seedUsers(app: PanelApp): Promise<void> {
  await app.services.users.create({ ...ADMIN, role: "ADMIN" });
  await app.services.users.create({ ...CLIENT, role: "CLIENT" });
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  cookies: string[];
  text: string;
}

/** POSTs a GraphQL operation the way a same-origin browser page would. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as GraphQLResponse<T>["body"], cookies: res.headers.getSetCookie(), text };
}

/** The `name=value` part of a Set-Cookie header, ready for a Cookie header. */
export function cookiePair(setCookie: string | undefined): string {
  if (!setCookie) throw new Error("expected a Set-Cookie header");
  return setCookie.split(";")[0]!;
}

export const LOGIN = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on MutationLoginSuccess { data { id email role } }
      ... on Error { code message }
      ... on ValidationError { fieldErrors { field message } }
      ... on TooManyAttemptsError { retryAfterSeconds }
    }
  }
`;

export const ME = /* GraphQL */ `query { me { id email role } }`;

/** Signs in and returns the Cookie header value for the new session. */
export async function signIn(url: string, who: { email: string; password: string }): Promise<string> {
  const res = await gql<{ login: { __typename: string } }>(url, LOGIN, who);
  if (res.body.data?.login.__typename !== "MutationLoginSuccess") throw new Error(`sign-in failed: ${res.text}`);
  return cookiePair(res.cookies[0]);
}
