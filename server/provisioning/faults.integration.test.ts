import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/app";
import { SYSTEM } from "../events/tenant-events";
import { until } from "../../test/wait";


const settled = (x: { status: string }) => x.status === "ACTIVE" || x.status === "ERROR";

async function newTenant(t: TestApp, slug = "acme") {
  const owner = await t.app.services.users.create({ email: `${slug}-owner@example.com`, password: "owner password 123", role: "CLIENT" });
  return t.app.services.tenants.create({ name: slug, slug, domain: `${slug}.example.com`, ownerId: owner.id }, SYSTEM);
}
const tenantRow = (t: TestApp, id: string) => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id } });
const eventTypes = async (t: TestApp, id: string) =>
  (await t.app.services.prisma.tenantEvent.findMany({ where: { tenantId: id }, orderBy: { id: "asc" } })).map((e) => ({ type: e.type, level: e.level, phase: e.phase, message: e.message }));

describe.each([["2.45.0"], ["2.23.0"]])("provisioning faults (Portainer %s)", (portainerVersion) => {
  let t: TestApp;
  afterEach(() => t?.close());

  it("stops at PREFLIGHT with the network's name when the Traefik network is missing, and a retry succeeds once it exists", async () => {
    t = await startTestApp({}, { emulator: { portainerVersion } });
    t.emulator.control.removeNetwork("traefik-public");
    const tenant = await newTenant(t);
    const failed = await until(() => tenantRow(t, tenant.id), settled, "ERROR");
    expect(failed).toMatchObject({ status: "ERROR", phase: "PREFLIGHT" });
    expect(failed.statusReason).toMatch(/^PREFLIGHT: The Traefik network "traefik-public" does not exist on the Swarm\./);
    expect(t.emulator.control.stacks()).toHaveLength(0);
    const events = await eventTypes(t, tenant.id);
    expect(events.at(-1)).toMatchObject({ type: "phase.failed", level: "ERROR", phase: "PREFLIGHT" });

    t.emulator.control.addNetwork({ name: "traefik-public", driver: "overlay", scope: "swarm", subnet: "10.0.9.0/24" });
    await t.app.services.tenants.retry(tenant.id, SYSTEM);
    const active = await until(() => tenantRow(t, tenant.id), (x) => x.status === "ACTIVE", "ACTIVE after retry");
    expect(active.statusReason).toBeNull();
    expect(t.emulator.control.stacks()).toHaveLength(1);
  });

  it("refuses a Portainer older than 2.20, naming both versions", async () => {
    t = await startTestApp({}, { emulator: { portainerVersion: "2.19.4" } });
    const tenant = await newTenant(t);
    const failed = await until(() => tenantRow(t, tenant.id), settled, "ERROR");
    expect(failed.status).toBe("ERROR");
    expect(failed.statusReason).toMatch(/2\.19\.4/);
    expect(failed.statusReason).toMatch(/2\.20/);
  });

  it("retries while Portainer answers 500, then goes on", async () => {
    t = await startTestApp({}, { emulator: { portainerVersion } });
    // More failures than the client's own retries of one read: the job has to retry.
    t.emulator.control.addFault({ kind: "http-error", status: 500, route: "GET /api/system/status", times: 7, message: "boom" });
    const tenant = await newTenant(t);
    const done = await until(() => tenantRow(t, tenant.id), settled, "settled");
    expect(done.status).toBe("ACTIVE");
    const retries = (await eventTypes(t, tenant.id)).filter((e) => e.type === "phase.retrying");
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ level: "WARN", phase: "PREFLIGHT" });
  });

  it("ends in ERROR with Swarm's words when the image cannot be pulled (phase deadline)", async () => {
    t = await startTestApp({ PROVISIONING_PHASE_TIMEOUT_SECONDS: "1" }, { emulator: { portainerVersion } });
    t.emulator.control.addFault({ kind: "image-pull-failure", service: "db" });
    const tenant = await newTenant(t);
    const failed = await until(() => tenantRow(t, tenant.id), settled, "ERROR");
    expect(failed).toMatchObject({ status: "ERROR", phase: "DATABASE" });
    expect(failed.statusReason).toMatch(/^DATABASE: DATABASE did not finish within 1 s: db image-failure: .*No such image/);
    expect(t.emulator.control.stacks()).toHaveLength(1);
  });

  it("ends in ERROR with the scheduler's message when no node can run the tasks", async () => {
    t = await startTestApp({ PROVISIONING_PHASE_TIMEOUT_SECONDS: "1" }, { emulator: { portainerVersion } });
    t.emulator.control.addFault({ kind: "unschedulable", service: "db" });
    const tenant = await newTenant(t);
    const failed = await until(() => tenantRow(t, tenant.id), settled, "ERROR");
    expect(failed.statusReason).toMatch(/^DATABASE: .*db unschedulable: no suitable node/);
  });

  it("retries while the Portainer environment is down, ends in ERROR at the deadline, and a retry succeeds later", async () => {
    t = await startTestApp({ PROVISIONING_PHASE_TIMEOUT_SECONDS: "1" }, { emulator: { portainerVersion } });
    t.emulator.control.setEndpointStatus(1, 2);
    const tenant = await newTenant(t);
    const failed = await until(() => tenantRow(t, tenant.id), settled, "ERROR");
    expect(failed).toMatchObject({ status: "ERROR", phase: "PREFLIGHT" });
    expect(failed.statusReason).toMatch(/^PREFLIGHT: PREFLIGHT did not finish within 1 s: Portainer reports environment 1 \(primary\) as down\.$/);
    t.emulator.control.setEndpointStatus(1, 1);
    await t.app.services.tenants.retry(tenant.id, SYSTEM);
    expect((await until(() => tenantRow(t, tenant.id), settled, "ACTIVE")).status).toBe("ACTIVE");
  });

  it("stops at DEPLOYING when Portainer answers the create with 500, and a retry makes exactly one stack", async () => {
    // Portainer also answers a failed `docker stack deploy` with 500: not a blind retry, an ERROR with the cause.
    t = await startTestApp({}, { emulator: { portainerVersion } });
    t.emulator.control.addFault({ kind: "http-error", status: 500, route: "POST /api/stacks/create/swarm/string", times: 1, message: "Unable to deploy stack", details: "emulated failure" });
    const tenant = await newTenant(t);
    const failed = await until(() => tenantRow(t, tenant.id), settled, "ERROR");
    expect(failed).toMatchObject({ status: "ERROR", phase: "DEPLOYING" });
    expect(failed.statusReason).toMatch(/^DEPLOYING: /);
    expect(t.emulator.control.stacks()).toHaveLength(0);
    await t.app.services.tenants.retry(tenant.id, SYSTEM);
    expect((await until(() => tenantRow(t, tenant.id), settled, "ACTIVE")).status).toBe("ACTIVE");
    expect(t.emulator.control.stacks()).toHaveLength(1);
  });

  it("ends in ERROR at VERIFYING with the exit status when Mautic's web service crash-loops", async () => {
    t = await startTestApp({ PROVISIONING_PHASE_TIMEOUT_SECONDS: "1" }, { emulator: { portainerVersion } });
    t.emulator.control.addFault({ kind: "crash-loop", service: "mautic_web" });
    const tenant = await newTenant(t);
    const failed = await until(() => tenantRow(t, tenant.id), settled, "ERROR");
    expect(failed).toMatchObject({ status: "ERROR", phase: "VERIFYING" });
    expect(failed.statusReason).toMatch(/mautic_web crash-looping: task: non-zero exit \(1\)/);
  });

  it("does not place a tenant on a node without room for its plan, and says so", async () => {
    t = await startTestApp({ PROVISIONING_PHASE_TIMEOUT_SECONDS: "1" }, { emulator: { portainerVersion, nodes: [{ hostname: "tiny-1", memoryBytes: 512 * 1048576 }] } });
    const tenant = await newTenant(t);
    const failed = await until(() => tenantRow(t, tenant.id), settled, "ERROR");
    expect(failed).toMatchObject({ status: "ERROR", phase: "PLACEMENT", nodeHostname: null });
    expect(failed.statusReason).toMatch(/^PLACEMENT: PLACEMENT did not finish within 1 s: no Ready, Active node has room for plan standard \(\d+ MiB and [\d.]+ CPU reserved; most free: tiny-1 with 512 MiB/);
    expect(t.emulator.control.stacks()).toHaveLength(0);
  });

  it("adopts a stack whose create timed out, instead of creating a second one", async () => {
    t = await startTestApp({}, { emulator: { portainerVersion } });
    t.emulator.control.addFault({ kind: "drop-connection", route: "POST /api/stacks/create/swarm/string", times: 1, afterHandling: true });
    const tenant = await newTenant(t);
    const done = await until(() => tenantRow(t, tenant.id), settled, "settled");
    expect(done.status).toBe("ACTIVE");
    expect(t.emulator.control.stacks()).toHaveLength(1);
  });
});

describe("lifecycle", () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it("suspends (services gone, data kept), resumes, and deletes with data", async () => {
    t = await startTestApp();
    const tenant = await newTenant(t);
    await until(() => tenantRow(t, tenant.id), (x) => x.status === "ACTIVE", "ACTIVE");

    await t.app.services.tenants.suspend(tenant.id, SYSTEM);
    await until(() => tenantRow(t, tenant.id), (x) => x.status === "SUSPENDED", "SUSPENDED");
    const running = (t.emulator.control.services() as { Spec: { Name: string } }[]).filter((s) => s.Spec.Name.startsWith("mautic-acme_"));
    expect(running).toEqual([]);
    expect((t.emulator.control.volumes() as { Name: string }[]).some((v) => v.Name.startsWith("mautic-acme_"))).toBe(true);

    await t.app.services.tenants.resume(tenant.id, SYSTEM);
    await until(() => tenantRow(t, tenant.id), (x) => x.status === "ACTIVE", "ACTIVE again");

    await t.app.services.tenants.delete(tenant.id, { deleteData: true, finalBackup: true }, SYSTEM);
    const deleted = await until(() => tenantRow(t, tenant.id), (x) => x.status === "DELETED" || x.status === "ERROR", "DELETED");
    expect(deleted.status).toBe("DELETED");
    expect(t.emulator.control.stacks()).toHaveLength(0);
    expect((t.emulator.control.volumes() as { Name: string }[]).filter((v) => v.Name.startsWith("mautic-acme_"))).toEqual([]);
    // The final backup was taken first, and its volume outlives the tenant's data.
    const final = await t.app.services.prisma.backup.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(final).toMatchObject({ trigger: "PRE_DELETE", status: "SUCCEEDED" });
    expect(final.expiresAt!.getTime() - final.createdAt.getTime()).toBe(30 * 86_400_000);
    expect((t.emulator.control.volumes() as { Name: string }[]).map((v) => v.Name)).toContain("mautic-acme-backups");
    expect(await t.app.services.portainer.listSecrets({ labels: [`io.mautic-panel.tenant=${tenant.id}`] })).toEqual([]);
    const types = (await eventTypes(t, tenant.id)).map((e) => e.type);
    expect(types.slice(types.indexOf("tenant.active"))).toEqual(expect.arrayContaining(["tenant.suspend_requested", "tenant.suspended", "tenant.resume_requested", "tenant.resumed", "tenant.delete_requested", "backup.started", "backup.succeeded", "stack.removed", "data.removed", "tenant.deleted"]));
    expect(types.indexOf("backup.succeeded")).toBeLessThan(types.indexOf("stack.removed"));
  });

  it("deletes without data: the stack goes, the volumes stay", async () => {
    t = await startTestApp();
    const tenant = await newTenant(t, "keep");
    await until(() => tenantRow(t, tenant.id), (x) => x.status === "ACTIVE", "ACTIVE");
    await t.app.services.tenants.delete(tenant.id, { deleteData: false, finalBackup: true }, SYSTEM);
    await until(() => tenantRow(t, tenant.id), (x) => x.status === "DELETED", "DELETED");
    expect(t.emulator.control.stacks()).toHaveLength(0);
    expect((t.emulator.control.volumes() as { Name: string }[]).filter((v) => v.Name.startsWith("mautic-keep_")).length).toBe(5);
  });

  it("refuses operations that make no sense in the current status", async () => {
    t = await startTestApp({}, { worker: false });
    const tenant = await newTenant(t);
    await expect(t.app.services.tenants.resume(tenant.id, SYSTEM)).rejects.toThrow("A pending tenant cannot be resumed (allowed from SUSPENDED).");
    await expect(t.app.services.tenants.retry(tenant.id, SYSTEM)).rejects.toThrow("A pending tenant cannot be retried (allowed from ERROR).");
  });

  it("converges after the app stops mid-provisioning and a new app starts on the same database", async () => {
    t = await startTestApp();
    const tenant = await newTenant(t);
    await until(() => tenantRow(t, tenant.id), (x) => x.phase === "DATABASE" || x.status === "ACTIVE", "a middle phase");
    const { databasePath, emulator } = t;
    await t.app.stop();
    const second = await startTestApp({}, { databasePath, reuseEmulator: emulator });
    t = { ...second, close: async () => { await second.close(); await emulator.close(); } };
    const done = await until(() => tenantRow(t, tenant.id), settled, "settled after restart");
    expect(done.status).toBe("ACTIVE");
    expect(emulator.control.stacks()).toHaveLength(1);
    const events = await t.app.services.prisma.tenantEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } });
    const completed = events.filter((e) => e.type === "phase.completed").map((e) => e.phase);
    expect(completed).toEqual(["PREFLIGHT", "PLACEMENT", "PREPARING", "DEPLOYING", "DATABASE", "INSTALLING", "ROUTING", "VERIFYING"]);
  });
});
