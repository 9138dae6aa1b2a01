/**
 * Stack routes of the synchronous family (2.20–2.39), pinned to portainer-api.md §4–§6 and §11
 * plus the corrections in portainer-verification.md.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "./index";
import { call, filters, SAMPLE_STACK } from "./testing";
import { CLI_DETACH_WARNING } from "./version";

let emu: RunningEmulator;
let swarmId: string;

async function boot(version = "2.23.0"): Promise<void> {
  emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", portainerVersion: version, taskDelayMs: 100 });
  swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
}

const create = (name: string, content = SAMPLE_STACK, extra: Record<string, unknown> = {}) =>
  call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
    body: { Name: name, SwarmID: swarmId, StackFileContent: content, ...extra },
  });

const MISSING_NETWORK = SAMPLE_STACK.replace("name: traefik-public", "name: no-such-net");

afterEach(async () => {
  await emu.close();
});

describe("create (2.23)", () => {
  beforeEach(() => boot());

  it("returns the full stack with its ResourceControl and a normalized name", async () => {
    const res = await create("My App!", SAMPLE_STACK, { Env: [{ name: "TENANT", value: "acme" }] });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      Id: 1,
      Name: "myapp",
      Type: 1,
      EndpointId: 1,
      SwarmId: swarmId,
      EntryPoint: "docker-compose.yml",
      Env: [{ name: "TENANT", value: "acme" }],
      ResourceControl: {
        Id: 1,
        ResourceId: "1_myapp",
        SubResourceIds: [],
        Type: 6,
        UserAccesses: [],
        TeamAccesses: [],
        Public: false,
        AdministratorsOnly: true,
        System: false,
      },
      Status: 1,
      ProjectPath: "/data/compose/1",
      CreationDate: Math.floor(emu.control.clock.now() / 1000),
      CreatedBy: "admin",
      UpdateDate: 0,
      UpdatedBy: "",
      AdditionalFiles: null,
      AutoUpdate: null,
      Option: null,
      GitConfig: null,
      FromAppTemplate: false,
      Namespace: "",
    });
  });

  it("creates <stack>_<svc> services labelled like docker stack deploy, and the stack network", async () => {
    await create("acme");
    const services = (await call(emu, "GET", "/api/endpoints/1/docker/services")).json<
      Array<{ Spec: { Name: string; Labels: Record<string, string>; TaskTemplate: { Networks: Array<{ Target: string }> } } }>
    >();
    expect(services.map((s) => s.Spec.Name).sort()).toEqual(["acme_db", "acme_install", "acme_web"]);
    const web = services.find((s) => s.Spec.Name === "acme_web");
    expect(web?.Spec.Labels).toEqual({
      "com.docker.stack.namespace": "acme",
      "com.docker.stack.image": "mautic/mautic:5.2.1-apache",
      "panel.tenant": "acme",
      "traefik.enable": "false",
    });
    const network = (await call(emu, "GET", "/api/endpoints/1/docker/networks/acme_internal")).json<{
      Scope: string;
      Driver: string;
      Labels: Record<string, string>;
      Id: string;
    }>();
    expect(network).toMatchObject({ Scope: "swarm", Driver: "overlay", Labels: { "com.docker.stack.namespace": "acme" } });
    expect(web?.Spec.TaskTemplate.Networks.map((n) => n.Target)).toContain(network.Id);
  });

  it("matches payload fields case-insensitively, as the UI sends them", async () => {
    const res = await call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", {
      body: { name: "lower", swarmID: swarmId, stackFileContent: SAMPLE_STACK, fromAppTemplate: true },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ Name: "lower", FromAppTemplate: true, Env: null });
  });

  it("validates in Portainer's order: endpointId, endpoint, type/method, payload", async () => {
    const missing = await call(emu, "POST", "/api/stacks/create/swarm/string", { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.text).toBe('{"message":"Invalid query parameter: endpointId","details":"Missing query parameter"}');
    const notNumber = await call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=abc", { body: {} });
    expect(notNumber.text).toBe(
      '{"message":"Invalid query parameter: endpointId","details":"Strconv.Atoi: parsing \\"abc\\": invalid syntax"}',
    );
    const unknown = await call(emu, "POST", "/api/stacks/create/bogus/string?endpointId=9", { body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toBe(
      '{"message":"Unable to find an environment with the specified identifier inside the database","details":"Object not found inside the database (bucket=endpoints, key=9)"}',
    );
    const badType = await call(emu, "POST", "/api/stacks/create/bogus/string?endpointId=1", { body: {} });
    expect(badType.status).toBe(400);
    expect(badType.text).toBe(
      '{"message":"Invalid value for query parameter: type. Value must be one of: 1 (Swarm stack) or 2 (Compose stack)","details":"Invalid query parameter"}',
    );
    const badMethod = await call(emu, "POST", "/api/stacks/create/swarm/nope?endpointId=1", { body: {} });
    expect(badMethod.text).toBe(
      '{"message":"Invalid value for query parameter: method. Value must be one of: string, repository or file","details":"Invalid query parameter"}',
    );
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ SwarmID: swarmId, StackFileContent: SAMPLE_STACK }, "Invalid stack name"],
      [{ Name: "x", StackFileContent: SAMPLE_STACK }, "Invalid Swarm ID"],
      [{ Name: "x", SwarmID: swarmId }, "Invalid stack file content"],
    ];
    for (const [body, details] of cases) {
      const res = await call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", { body });
      expect(res.status).toBe(400);
      expect(res.text).toBe(`{"message":"Invalid request payload","details":"${details}"}`);
    }
    const empty = await call(emu, "POST", "/api/stacks/create/swarm/string?endpointId=1", { body: "" });
    expect(empty.text).toBe('{"message":"Invalid request payload","details":"EOF"}');
  });

  it("answers 409 for a taken name: database (any status, any case), foreign services, compose containers", async () => {
    await create("acme");
    const conflict = '{"message":"A stack with the normalized name \'acme\' already exists","details":"A stack with the normalized name \'acme\' already exists"}';
    for (const name of ["acme", "ACME", "a.c.m.e"]) {
      const res = await create(name);
      expect(res.status).toBe(409);
      expect(res.text).toBe(conflict);
    }
    expect((await call(emu, "POST", "/api/stacks/1/stop?endpointId=1")).status).toBe(200);
    expect((await create("acme")).status).toBe(409);

    emu.control.deployOutsidePortainer({ name: "cli", stackFileContent: "services:\n  web:\n    image: nginx\n" });
    expect((await create("cli")).text).toBe(
      '{"message":"A stack with the normalized name \'cli\' already exists","details":"A stack with the normalized name \'cli\' already exists"}',
    );
    emu.control.addComposeContainer({ project: "composed" });
    expect((await create("composed")).status).toBe(409);
  });

  it("fails with the CLI's stderr and persists nothing when an external network is missing", async () => {
    const res = await create("acme", MISSING_NETWORK);
    expect(res.status).toBe(500);
    const message = `${CLI_DETACH_WARNING}\nnetwork "no-such-net" is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed\n`;
    expect(res.json()).toEqual({ message, details: message });
    expect((await call(emu, "GET", "/api/stacks")).json()).toEqual([]);
    expect((await call(emu, "GET", "/api/endpoints/1/docker/networks/acme_internal")).status).toBe(404);
    expect((await call(emu, "GET", "/api/endpoints/1/docker/services")).json()).toEqual([]);
    // The failed create used up stack ID 1.
    expect((await create("acme")).json<{ Id: number }>().Id).toBe(2);
  });

  it("refuses an external network that is not swarm-scoped", async () => {
    emu.control.addNetwork({ name: "localnet", driver: "bridge", scope: "local" });
    const res = await create("acme", SAMPLE_STACK.replace("name: traefik-public", "name: localnet"));
    expect(res.status).toBe(500);
    expect(res.json<{ message: string }>().message).toBe(
      `${CLI_DETACH_WARNING}\nnetwork "localnet" is declared as external, but it is not in the right scope: "local" instead of "swarm"\n`,
    );
  });

  it("fails like docker stack deploy on a missing external config or secret, keeping the networks it created", async () => {
    const withObjects = `${SAMPLE_STACK.replace(
      "    deploy:\n      mode: replicated-job",
      "    configs: [crontab]\n    secrets: [admin_password]\n    deploy:\n      mode: replicated-job",
    )}configs:\n  crontab:\n    external: true\n    name: mautic-crontab-v1\nsecrets:\n  admin_password:\n    external: true\n    name: mautic-acme-admin-password\n`;
    const first = await create("acme", withObjects);
    expect(first.status).toBe(500);
    expect(first.json<{ message: string }>().message).toBe(
      `${CLI_DETACH_WARNING}\nservice install: secret not found: mautic-acme-admin-password\n`,
    );
    expect((await call(emu, "GET", "/api/endpoints/1/docker/networks/acme_internal")).status).toBe(200);
    emu.control.createSecret({ name: "mautic-acme-admin-password", data: "pw" });
    const second = await create("acme", withObjects);
    expect(second.json<{ message: string }>().message).toBe(
      `${CLI_DETACH_WARNING}\nservice install: config not found: mautic-crontab-v1\n`,
    );
    emu.control.createConfig({ name: "mautic-crontab-v1", data: "* * * * * true" });
    expect((await create("acme", withObjects)).status).toBe(200);
  });

  it("lists Swarm stacks by SwarmID only: an EndpointID filter returns none", async () => {
    await create("acme");
    await create("beta");
    const all = (await call(emu, "GET", "/api/stacks")).json<Array<{ Name: string }>>();
    expect(all.map((s) => s.Name)).toEqual(["acme", "beta"]);
    expect((await call(emu, "GET", `/api/stacks?filters=${encodeURIComponent('{"EndpointID":1}')}`)).json()).toEqual([]);
    const bySwarm = await call(emu, "GET", `/api/stacks?filters=${encodeURIComponent(JSON.stringify({ SwarmID: swarmId }))}`);
    expect(bySwarm.json<Array<{ Name: string }>>().map((s) => s.Name)).toEqual(["acme", "beta"]);
    const other = await call(emu, "GET", `/api/stacks?filters=${encodeURIComponent('{"swarmid":"elsewhere"}')}`);
    expect(other.json()).toEqual([]);
    const bad = await call(emu, "GET", "/api/stacks?filters=nope");
    expect(bad.status).toBe(400);
    expect(bad.json<{ message: string }>().message).toBe("Invalid query parameter: filters");
  });

  it("returns the stored file", async () => {
    await create("acme");
    const res = await call(emu, "GET", "/api/stacks/1/file");
    expect(res.json()).toEqual({ StackFileContent: SAMPLE_STACK });
  });

  it("supports the deprecated POST /api/stacks?type=1&method=string", async () => {
    const res = await call(emu, "POST", "/api/stacks?type=1&method=string&endpointId=1", {
      body: { Name: "old", SwarmID: swarmId, StackFileContent: SAMPLE_STACK },
    });
    expect(res.status).toBe(200);
    const bad = await call(emu, "POST", "/api/stacks?type=1&method=nope&endpointId=1", { body: {} });
    expect(bad.text).toBe(
      '{"message":"Invalid query parameter: method. Valid values are: file or string","details":"Invalid query parameter: method. Valid values are: file or string"}',
    );
  });

  it("answers 500 'Unable to check for name collision' on a non-manager endpoint", async () => {
    emu.control.setSwarmManager(1, false);
    const res = await create("acme");
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({
      message: "Unable to check for name collision",
      details:
        'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
    });
  });
});

describe("update, stop, start, delete (2.23)", () => {
  beforeEach(async () => {
    await boot();
    await create("acme", SAMPLE_STACK, { Env: [{ name: "TENANT", value: "acme" }] });
  });

  it("update requires endpointId and StackFileContent, replaces Env, sets UpdateDate", async () => {
    const noEndpoint = await call(emu, "PUT", "/api/stacks/1", { body: { StackFileContent: SAMPLE_STACK } });
    expect(noEndpoint.text).toBe('{"message":"Invalid query parameter: endpointId","details":"Missing query parameter"}');
    const noFile = await call(emu, "PUT", "/api/stacks/1?endpointId=1", { body: { Env: [] } });
    expect(noFile.status).toBe(400);
    expect(noFile.text).toBe('{"message":"Invalid request payload","details":"Invalid stack file content"}');
    const unknownStack = await call(emu, "PUT", "/api/stacks/7?endpointId=1", { body: { StackFileContent: "x" } });
    expect(unknownStack.text).toBe(
      '{"message":"Unable to find a stack with the specified identifier inside the database","details":"Object not found inside the database (bucket=stacks, key=7)"}',
    );
    const noEndpointRow = await call(emu, "PUT", "/api/stacks/1?endpointId=5", { body: { StackFileContent: SAMPLE_STACK } });
    expect(noEndpointRow.status).toBe(404);
    expect(noEndpointRow.json<{ message: string }>().message).toBe(
      "Unable to find the environment associated to the stack inside the database",
    );

    emu.control.advance(60_000);
    const res = await call(emu, "PUT", "/api/stacks/1?endpointId=1", {
      body: { StackFileContent: SAMPLE_STACK, Env: [{ name: "TRAEFIK_ENABLE", value: "true" }], Prune: false },
    });
    expect(res.status).toBe(200);
    const stack = res.json<Record<string, unknown>>();
    expect(stack).toMatchObject({
      Status: 1,
      Env: [{ name: "TRAEFIK_ENABLE", value: "true" }],
      UpdateDate: Math.floor(emu.control.clock.now() / 1000),
      UpdatedBy: "admin",
      ResourceControl: null,
      Option: { prune: false },
    });
    const web = (await call(emu, "GET", "/api/endpoints/1/docker/services/acme_web")).json<{ Spec: { Labels: Record<string, string> } }>();
    expect(web.Spec.Labels["traefik.enable"]).toBe("true");
  });

  it("a failed update answers the CLI error and keeps the previous file", async () => {
    const res = await call(emu, "PUT", "/api/stacks/1?endpointId=1", { body: { StackFileContent: MISSING_NETWORK } });
    expect(res.status).toBe(500);
    expect(res.json<{ message: string }>().message).toContain('network "no-such-net" is declared as external');
    expect((await call(emu, "GET", "/api/stacks/1/file")).json()).toEqual({ StackFileContent: SAMPLE_STACK });
  });

  it("stop removes the services and sets Status 2; a second stop is 400", async () => {
    const stop = await call(emu, "POST", "/api/stacks/1/stop?endpointId=1");
    expect(stop.status).toBe(200);
    expect(stop.json()).toMatchObject({ Id: 1, Status: 2, ResourceControl: null });
    expect((await call(emu, "GET", "/api/endpoints/1/docker/services")).json()).toEqual([]);
    const again = await call(emu, "POST", "/api/stacks/1/stop?endpointId=1");
    expect(again.status).toBe(400);
    expect(again.text).toBe('{"message":"Stack is already inactive","details":"Stack is already inactive"}');
  });

  it("start: 409 while services exist, 400 when active without services, redeploys when stopped", async () => {
    const running = await call(emu, "POST", "/api/stacks/1/start?endpointId=1");
    expect(running.status).toBe(409);
    expect(running.text).toBe(
      '{"message":"A stack with the name \'acme\' is already running","details":"A stack with the name \'acme\' is already running"}',
    );
    for (const name of ["acme_db", "acme_web", "acme_install"]) {
      expect((await call(emu, "DELETE", `/api/endpoints/1/docker/services/${name}`)).status).toBe(200);
    }
    const active = await call(emu, "POST", "/api/stacks/1/start?endpointId=1");
    expect(active.status).toBe(400);
    expect(active.text).toBe('{"message":"Stack is already active","details":"Stack is already active"}');

    await call(emu, "POST", "/api/stacks/1/stop?endpointId=1");
    const noEndpoint = await call(emu, "POST", "/api/stacks/1/start?endpointId=4");
    expect(noEndpoint.status).toBe(404);
    expect(noEndpoint.json<{ message: string }>().message).toBe(
      "Unable to find an endpoint with the specified identifier inside the database",
    );
    const start = await call(emu, "POST", "/api/stacks/1/start?endpointId=1");
    expect(start.status).toBe(200);
    expect(start.json()).toMatchObject({ Status: 1 });
    expect((await call(emu, "GET", "/api/endpoints/1/docker/services")).json<unknown[]>()).toHaveLength(3);
  });

  it("delete needs endpointId, answers 204 without a body, and keeps external networks", async () => {
    const noEndpoint = await call(emu, "DELETE", "/api/stacks/1");
    expect(noEndpoint.status).toBe(404);
    expect(noEndpoint.text).toBe(
      '{"message":"Unable to find the endpoint associated to the stack inside the database","details":"Object not found inside the database (bucket=endpoints, key=0)"}',
    );
    const res = await call(emu, "DELETE", "/api/stacks/1?endpointId=1");
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const gone = await call(emu, "GET", "/api/stacks/1");
    expect(gone.status).toBe(404);
    expect(gone.text).toBe(
      '{"message":"Unable to find a stack with the specified identifier inside the database","details":"Object not found inside the database (bucket=stacks, key=1)"}',
    );
    expect((await call(emu, "GET", "/api/endpoints/1/docker/networks/traefik-public")).status).toBe(200);
    expect((await call(emu, "GET", "/api/endpoints/1/docker/networks/acme_internal")).status).toBe(404);
    expect((await call(emu, "GET", `/api/endpoints/1/docker/services?filters=${filters({ label: ["com.docker.stack.namespace=acme"] })}`)).json()).toEqual([]);
  });

  it("rejects a non-numeric stack ID", async () => {
    const res = await call(emu, "GET", "/api/stacks/abc");
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      '{"message":"Invalid stack identifier route variable","details":"Strconv.Atoi: parsing \\"abc\\": invalid syntax"}',
    );
  });
});

describe("version differences in the synchronous family", () => {
  it("2.20 bundles docker CLI v24: no --detach warning in deploy errors", async () => {
    await boot("2.20.0");
    const res = await create("acme", MISSING_NETWORK);
    expect(res.json<{ message: string }>().message).toBe(
      'network "no-such-net" is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed\n',
    );
  });

  it("2.21 still sends IsComposeFormat; 2.23 does not", async () => {
    await boot("2.21.0");
    expect((await create("acme")).json()).toMatchObject({ IsComposeFormat: false });
    await emu.close();
    await boot("2.23.0");
    expect((await create("acme")).json()).not.toHaveProperty("IsComposeFormat");
  });

  it("compose load errors carry no --detach warning", async () => {
    await boot("2.23.0");
    const res = await create("acme", "services:\n  web:\n    image: nginx\n    depends_on:\n      db:\n        condition: service_healthy\n");
    expect(res.json<{ message: string }>().message).toBe("services.web.depends_on must be a list\n");
  });
});

describe("deploy queue and races (2.23)", () => {
  beforeEach(async () => {
    emu = await startEmulator({ apiKey: "ptr_test", clock: "manual", portainerVersion: "2.23.0", deployDurationMs: 1000 });
    swarmId = (await call(emu, "GET", "/api/endpoints/1/docker/swarm")).json<{ ID: string }>().ID;
  });

  it("serializes deploys across the instance: the second create waits for the first", async () => {
    const firstQueued = emu.control.nextDeploy();
    const first = create("alpha");
    await firstQueued;
    const secondQueued = emu.control.nextDeploy();
    const second = create("beta");
    await secondQueued;
    let secondDone = false;
    void second.then(() => {
      secondDone = true;
    });
    emu.control.advance(1000);
    expect((await first).status).toBe(200);
    // The second deploy only started once the first had finished, so it needs another second.
    expect(secondDone).toBe(false);
    emu.control.advance(1000);
    expect((await second).status).toBe(200);
  });

  it("lets two concurrent creates of one name both pass the unguarded name check", async () => {
    const firstQueued = emu.control.nextDeploy();
    const first = create("twin");
    await firstQueued;
    const secondQueued = emu.control.nextDeploy();
    const second = create("twin");
    await secondQueued;
    emu.control.advance(1000);
    const firstId = (await first).json<{ Id: number }>().Id;
    emu.control.advance(1000);
    const secondId = (await second).json<{ Id: number }>().Id;
    expect([firstId, secondId]).toEqual([1, 2]);
    expect((await call(emu, "GET", "/api/stacks")).json<Array<{ Name: string }>>().map((s) => s.Name)).toEqual(["twin", "twin"]);
  });
});

describe("unreachable endpoint during stop and delete (2.23)", () => {
  beforeEach(async () => {
    await boot();
    await create("acme");
  });

  it("answers the CLI's error and keeps the stack", async () => {
    const fault = emu.control.addFault({ kind: "endpoint-down", endpointId: 1 });
    const unreachable = "Cannot connect to the Docker daemon at tcp://tasks.agent:9001. Is the docker daemon running?\n";
    const del = await call(emu, "DELETE", "/api/stacks/1?endpointId=1");
    expect(del.status).toBe(500);
    expect(del.json()).toEqual({ message: unreachable, details: unreachable });
    const stop = await call(emu, "POST", "/api/stacks/1/stop?endpointId=1");
    expect(stop.json()).toEqual({ message: "Unable to stop stack", details: unreachable });
    emu.control.removeFault(fault);
    expect((await call(emu, "GET", "/api/stacks/1")).json()).toMatchObject({ Status: 1 });
  });
});
