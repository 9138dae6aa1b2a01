import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator";
import { ADMIN, CLIENT, gql, seedUsers, signIn, startTestApp, TEST_PORTAINER_KEY, type TestApp } from "../test/app";

type Data = Record<string, any>;
type Check = { name: string; ok: boolean; message: string; hint: string | null };

const STATUS = /* GraphQL */ `
  query { portainerStatus { ok reachable version endpointId swarmId traefikNetwork checkedAt checks { name ok message hint } } }
`;

const NAMES = ["URL", "TOKEN", "VERSION", "ENDPOINT", "SWARM", "TRAEFIK_NETWORK"];

async function statusOf(t: TestApp, cookie: string) {
  const res = await gql<Data>(t.url, STATUS, {}, { cookie });
  expect(res.body.errors).toBeUndefined();
  // The API token never appears, whatever went wrong.
  expect(res.text).not.toContain(TEST_PORTAINER_KEY);
  const status = res.body.data!.portainerStatus;
  expect(status.checks.map((c: Check) => c.name)).toEqual(NAMES);
  const check = (name: string): Check => status.checks.find((c: Check) => c.name === name);
  const failed = status.checks.filter((c: Check) => !c.ok).map((c: Check) => c.name);
  return { status, check, failed };
}

async function adminApp(...args: Parameters<typeof startTestApp>): Promise<{ t: TestApp; admin: string }> {
  const t = await startTestApp(...args);
  await seedUsers(t.app);
  return { t, admin: await signIn(t.url, ADMIN) };
}

describe("portainerStatus", () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    ({ t, admin } = await adminApp({}, { worker: false }));
  });
  afterEach(() => {
    t.emulator.control.clearFaults();
    t.emulator.control.setPortainerVersion("2.45.0");
    t.emulator.control.setEndpointStatus(1, 1);
    t.emulator.control.setSwarmManager(1, true);
  });
  afterAll(() => t.close());

  it("is all green against a healthy Portainer", async () => {
    const { status, failed } = await statusOf(t, admin);
    expect(failed).toEqual([]);
    expect(status).toMatchObject({ ok: true, reachable: true, version: "2.45.0", endpointId: 1, traefikNetwork: "traefik-public" });
    expect(status.swarmId).toMatch(/^\w+$/);
    expect(Date.now() - Date.parse(status.checkedAt)).toBeLessThan(60_000);
    expect(status.checks.every((c: Check) => c.hint === null && c.message.length > 0)).toBe(true);
  });

  it("is for ADMINs only", async () => {
    const client = await signIn(t.url, CLIENT);
    const res = await gql<Data>(t.url, STATUS, {}, { cookie: client });
    expect(res.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await gql<Data>(t.url, STATUS)).body.errors?.[0]?.extensions?.code).toBe("NOT_AUTHENTICATED");
  });

  it("reports a Portainer older than 2.20", async () => {
    t.emulator.control.setPortainerVersion("2.19.4");
    const { status, check, failed } = await statusOf(t, admin);
    expect(failed).toEqual(["VERSION"]);
    expect(status).toMatchObject({ ok: false, reachable: true, version: "2.19.4" });
    expect(check("VERSION").message).toMatch(/^Portainer 2\.19\.4 is older than 2\.20: /);
    expect(check("VERSION").hint).toBe("Upgrade Portainer to 2.20 or newer.");
  });

  it("reports an environment Portainer sees as down", async () => {
    t.emulator.control.setEndpointStatus(1, 2);
    const { check, failed } = await statusOf(t, admin);
    expect(failed).toEqual(["ENDPOINT"]);
    expect(check("ENDPOINT").message).toBe("Portainer reports environment 1 (primary) as down.");
    expect(check("ENDPOINT").hint).toMatch(/^Check the environment in Portainer/);
  });

  it("reports an environment that is not a Swarm manager", async () => {
    t.emulator.control.setSwarmManager(1, false);
    const { status, check, failed } = await statusOf(t, admin);
    expect(failed).toEqual(["SWARM", "TRAEFIK_NETWORK"]);
    expect(status.swarmId).toBeNull();
    expect(check("SWARM").message).toBe("Portainer environment 1 (primary) is not a Swarm manager.");
    expect(check("SWARM").hint).toMatch(/PORTAINER_ENDPOINT_ID/);
    expect(check("TRAEFIK_NETWORK").message).toBe("Not checked: the environment is not a usable Swarm manager.");
  });

  it("reports a missing Traefik network with the command that creates it", async () => {
    t.emulator.control.removeNetwork("traefik-public");
    try {
      const { check, failed } = await statusOf(t, admin);
      expect(failed).toEqual(["TRAEFIK_NETWORK"]);
      expect(check("TRAEFIK_NETWORK")).toEqual({
        name: "TRAEFIK_NETWORK",
        ok: false,
        message: 'The Traefik network "traefik-public" does not exist on the Swarm.',
        hint: "Create it with `docker network create --driver overlay --attachable traefik-public` on a manager node, or set TRAEFIK_NETWORK_NAME to the network Traefik uses.",
      });
    } finally {
      t.emulator.control.addNetwork({ name: "traefik-public", driver: "overlay", scope: "swarm", subnet: "10.0.1.0/24", attachable: true });
    }
    expect((await statusOf(t, admin)).failed).toEqual([]);
  });

  it("reports a Traefik network that is not a swarm overlay", async () => {
    const { t: other, admin: otherAdmin } = await adminApp(
      { TRAEFIK_NETWORK_NAME: "local-net" },
      { worker: false, emulator: { networks: [{ name: "local-net", driver: "bridge", scope: "local", subnet: "172.20.0.0/16" }] } },
    );
    try {
      const { check, failed } = await statusOf(other, otherAdmin);
      expect(failed).toEqual(["TRAEFIK_NETWORK"]);
      expect(check("TRAEFIK_NETWORK").message).toBe('The Traefik network "local-net" is not an overlay network of swarm scope (driver bridge, scope local); tenant stacks cannot join it.');
    } finally {
      await other.close();
    }
  });

  it("reports a refused API token without showing it", async () => {
    const { t: other, admin: otherAdmin } = await adminApp({}, { worker: false, emulator: { apiKey: "ptr_the_real_key_is_another_one" } });
    try {
      const { status, check, failed } = await statusOf(other, otherAdmin);
      expect(failed).toEqual(["TOKEN", "ENDPOINT", "SWARM", "TRAEFIK_NETWORK"]);
      expect(status).toMatchObject({ ok: false, reachable: true, version: "2.45.0", swarmId: null });
      expect(check("TOKEN").message).toBe("Portainer answered 401: the API token in PORTAINER_API_TOKEN is wrong, expired or revoked.");
      expect(check("TOKEN").hint).toMatch(/PORTAINER_API_TOKEN/);
      expect(check("ENDPOINT").message).toBe("Not checked: the API token was refused.");
    } finally {
      await other.close();
    }
  });

  it("reports an environment id Portainer does not have", async () => {
    const { t: other, admin: otherAdmin } = await adminApp({}, { worker: false, emulator: { endpoints: [{ id: 2, name: "secondary" }] } });
    try {
      const { check, failed } = await statusOf(other, otherAdmin);
      expect(failed).toEqual(["ENDPOINT", "SWARM", "TRAEFIK_NETWORK"]);
      expect(check("TOKEN").ok).toBe(true);
      expect(check("ENDPOINT").message).toBe("Environment 1 does not exist in Portainer.");
      expect(check("ENDPOINT").hint).toMatch(/^Set PORTAINER_ENDPOINT_ID/);
    } finally {
      await other.close();
    }
  });

  it("reports a Portainer that cannot be reached", async () => {
    const emulator = await startEmulator({ port: 0, apiKey: TEST_PORTAINER_KEY });
    const { t: other, admin: otherAdmin } = await adminApp({}, { worker: false, reuseEmulator: emulator });
    try {
      await emulator.close();
      const { status, check, failed } = await statusOf(other, otherAdmin);
      expect(failed).toEqual(NAMES);
      expect(status).toMatchObject({ ok: false, reachable: false, version: null, swarmId: null });
      expect(check("URL").message).toMatch(/^Portainer did not answer: Cannot connect to Portainer at http:\/\/127\.0\.0\.1:\d+ .*connection refused/);
      expect(check("URL").hint).toMatch(/PORTAINER_URL/);
      expect(check("TOKEN").message).toBe("Not checked: Portainer is not reachable.");
    } finally {
      await other.close();
    }
  });
});
