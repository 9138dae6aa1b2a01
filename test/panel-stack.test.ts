/**
 * deploy/panel-stack.yml, the panel's own Swarm stack, as the real `docker stack config` reads it
 * (offline, no engine): it must load with the documented variables, name its secrets instead of
 * carrying them, and refuse to load without the required ones.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const FILE = resolve("deploy/panel-stack.yml");
const home = mkdtempSync(join(tmpdir(), "panel-stack-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const REQUIRED = { PANEL_IMAGE: "registry.example.com/mautic-panel:1.0.0", PANEL_DOMAIN: "panel.example.com", PORTAINER_URL: "https://portainer.example.com", TRAEFIK_SUBNET: "10.0.1.0/24" };

function config(vars: Record<string, string>) {
  const result = spawnSync("docker", ["stack", "config", "-c", FILE], { encoding: "utf8", env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: home, NODE_ENV: "test", ...vars } });
  if (result.error) throw new Error(`the docker CLI must be installed: ${result.error.message}`);
  return result;
}

interface Loaded {
  services: { panel: { image: string; environment: Record<string, string>; secrets: { source: string; target: string; mode: number }[]; volumes: { source: string; target: string }[]; stop_grace_period: string; deploy: { replicas: number; update_config: { order: string }; placement: { constraints: string[] }; labels: Record<string, string> } } };
  secrets: Record<string, { external: boolean; name: string }>;
  networks: Record<string, { external: boolean; name: string }>;
}

describe("deploy/panel-stack.yml", () => {
  it("passes docker stack config with the required variables", () => {
    const result = config(REQUIRED);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const stack = parse(result.stdout) as Loaded;
    const panel = stack.services.panel;
    expect(panel.image).toBe("registry.example.com/mautic-panel:1.0.0");
    expect(panel.environment).toMatchObject({
      NODE_ENV: "production",
      APP_URL: "https://panel.example.com",
      APP_SECRET_FILE: "/run/secrets/app_secret",
      PORTAINER_API_TOKEN_FILE: "/run/secrets/portainer_token",
      PORTAINER_ENDPOINT_ID: "1",
      DATABASE_URL: "file:/data/panel.db",
      TRUST_PROXY: "10.0.1.0/24",
      TRAEFIK_NETWORK_NAME: "traefik-public",
    });
    // Secrets are Docker secrets read through *_FILE, never values in the file or the environment.
    expect(Object.keys(panel.environment).filter((k) => /SECRET$|TOKEN$|PASSWORD$/.test(k))).toEqual([]);
    expect(panel.secrets).toEqual([
      { source: "app_secret", target: "app_secret", mode: 0o400 },
      { source: "portainer_token", target: "portainer_token", mode: 0o400 },
    ]);
    expect(stack.secrets).toEqual({ app_secret: { external: true, name: "mautic_panel_app_secret" }, portainer_token: { external: true, name: "mautic_panel_portainer_token" } });
    expect(panel.volumes).toEqual([expect.objectContaining({ source: "panel_data", target: "/data" })]);
    // One SQLite writer, on one labelled node, replaced stop-first, with time to shut down cleanly.
    expect(panel.deploy).toMatchObject({ replicas: 1, update_config: { order: "stop-first" }, placement: { constraints: ["node.labels.mautic-panel == true"] } });
    expect(panel.stop_grace_period).toBe("30s");
    expect(Number(panel.environment.SHUTDOWN_TIMEOUT_MS)).toBeLessThan(30_000);
    expect(panel.deploy.labels).toMatchObject({
      "traefik.enable": "true",
      "traefik.http.routers.mautic-panel.rule": "Host(`panel.example.com`)",
      "traefik.http.routers.mautic-panel.tls.certresolver": "letsencrypt",
      "traefik.http.services.mautic-panel.loadbalancer.server.port": "3000",
      "traefik.docker.network": "traefik-public",
    });
    expect(stack.networks.traefik).toEqual({ external: true, name: "traefik-public" });
  });

  it("takes the optional variables", () => {
    const result = config({ ...REQUIRED, TRAEFIK_NETWORK: "edge", TRAEFIK_ENTRYPOINT: "https", PORTAINER_ENDPOINT_ID: "3" });
    expect(result.status).toBe(0);
    const stack = parse(result.stdout) as Loaded;
    expect(stack.networks.traefik!.name).toBe("edge");
    expect(stack.services.panel.environment).toMatchObject({ TRAEFIK_NETWORK_NAME: "edge", TRAEFIK_ENTRYPOINT: "https", PORTAINER_ENDPOINT_ID: "3" });
    expect(stack.services.panel.deploy.labels["traefik.docker.network"]).toBe("edge");
  });

  it.each(Object.keys(REQUIRED))("refuses to load without %s", (name) => {
    const vars: Record<string, string> = { ...REQUIRED };
    delete vars[name];
    const result = config(vars);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`set ${name}`);
  });
});
