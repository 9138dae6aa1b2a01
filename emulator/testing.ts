/**
 * Small helpers for the emulator's own integration tests (and for other suites that drive the
 * emulator directly): a fetch wrapper returning status and body, and the stack file used across
 * tests. Not imported by the emulator itself.
 */
import type { RunningEmulator } from "./index";

/** A response reduced to what tests assert on. */
export interface TestResponse {
  status: number;
  text: string;
  headers: Headers;
  /** Parsed JSON body (throws when the body is not JSON). */
  json<T = unknown>(): T;
}

/** Calls the emulator with the admin API key unless other headers are given. */
export async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; apiKey?: string | null } = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const apiKey = options.apiKey === undefined ? "ptr_test" : options.apiKey;
  if (apiKey !== null) headers["X-API-Key"] = apiKey;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(`${emu.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, json: <T>() => JSON.parse(text) as T };
}

/** `?filters=` value for Docker list routes. */
export const filters = (value: Record<string, string[]>): string => encodeURIComponent(JSON.stringify(value));

/** A small stack like the panel's: a pinned db, a web service behind Traefik, a one-shot job. */
export const SAMPLE_STACK = `version: "3.8"
services:
  db:
    image: mysql:8.4
    volumes:
      - db_data:/var/lib/mysql
    networks: [internal]
    deploy:
      labels:
        - "panel.tenant=\${TENANT:-acme}"
      placement:
        constraints:
          - "node.hostname == \${TENANT_NODE:-node-2}"
  web:
    image: mautic/mautic:5.2.1-apache
    networks: [internal, proxy]
    deploy:
      labels:
        - "panel.tenant=\${TENANT:-acme}"
        - "traefik.enable=\${TRAEFIK_ENABLE:-false}"
      placement:
        constraints:
          - "node.hostname == \${TENANT_NODE:-node-2}"
  install:
    image: mautic/mautic:5.2.1-apache
    networks: [internal]
    deploy:
      mode: replicated-job
      labels:
        - "panel.tenant=\${TENANT:-acme}"
      restart_policy:
        condition: on-failure
networks:
  internal:
    driver: overlay
  proxy:
    external: true
    name: traefik-public
volumes:
  db_data:
`;
