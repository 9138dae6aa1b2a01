/**
 * Restores, upgrades and fleet upgrades through the real engine against the emulator. A failing
 * new version is a `crash-loop` fault on that image's mautic_web: the old image is untouched, so a
 * rollback really brings Mautic back.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/app";
import { until } from "../../test/wait";
import { ConflictError, ValidationError } from "../errors";
import { SYSTEM } from "../events/tenant-events";

const OLD = "mautic/mautic:6.0.9-apache";
const NEW = "mautic/mautic:7.2.0-apache";

let t: TestApp;
afterEach(() => t?.close());

const tenantRow = (id: string) => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id } });
const idle = (id: string, ms?: number) =>
  until(() => t.app.services.prisma.job.count({ where: { tenantId: id, status: { in: ["QUEUED", "RUNNING"] } } }), (n) => n === 0, `no open job for ${id}`, ms);
const eventTypes = async (id: string, after = 0) =>
  (await t.app.services.prisma.tenantEvent.findMany({ where: { tenantId: id, id: { gt: after } }, orderBy: { id: "asc" } })).map((e) => e.type);
const lastEventId = async (id: string) => (await t.app.services.prisma.tenantEvent.findFirst({ where: { tenantId: id }, orderBy: { id: "desc" } }))?.id ?? 0;

async function activeTenant(slug: string, image = OLD) {
  const owner = await t.app.services.users.create({ email: `${slug}@example.com`, password: "owner password 123", role: "CLIENT" });
  const tenant = await t.app.services.tenants.create({ name: slug, slug, domain: `${slug}.example.com`, ownerId: owner.id, mauticImage: image }, SYSTEM);
  await until(() => tenantRow(tenant.id), (x) => x.status === "ACTIVE", `${slug} ACTIVE`, 60_000);
  await idle(tenant.id);
  return tenant;
}

async function backedUp(tenantId: string) {
  const backup = await t.app.services.backups.request(tenantId, "MANUAL", SYSTEM);
  await idle(tenantId);
  return t.app.services.prisma.backup.findUniqueOrThrow({ where: { id: backup.id } });
}

describe("restoring a backup over its tenant", () => {
  it("stops Mautic, restores the data through the ops stack, and brings it back on the backup's image", async () => {
    t = await startTestApp();
    const tenant = await activeTenant("acme");
    const backup = await backedUp(tenant.id);
    expect(backup.status).toBe("SUCCEEDED");
    const since = await lastEventId(tenant.id);

    const restoring = await t.app.services.tenants.restore(backup.id, SYSTEM);
    expect(restoring).toMatchObject({ status: "MAINTENANCE", statusReason: `Restoring backup ${backup.name}.` });
    // While the data goes back only the database runs.
    await until(
      async () => (t.emulator.control.services() as { Spec: { Name: string } }[]).map((s) => s.Spec.Name).sort(),
      (names) => names.join() === "mautic-acme-ops_job,mautic-acme_db",
      "only db and the restore job",
    );
    const done = await until(() => tenantRow(tenant.id), (x) => x.status !== "MAINTENANCE", "restore done");
    expect(done).toMatchObject({ status: "ACTIVE", statusReason: null, mauticImage: OLD });
    expect(await eventTypes(tenant.id, since)).toEqual(
      expect.arrayContaining(["restore.requested", "restore.stopping", "restore.started", "restore.data_restored", "tenant.restored"]),
    );
    const names = (t.emulator.control.services() as { Spec: { Name: string } }[]).map((s) => s.Spec.Name).sort();
    expect(names).toEqual(["mautic-acme_db", "mautic-acme_mautic_cron", "mautic-acme_mautic_install", "mautic-acme_mautic_web", "mautic-acme_mautic_worker"]);
  });

  it("leaves the tenant in ERROR with the script's words when the restore job fails, and a retry finishes it", async () => {
    t = await startTestApp();
    const tenant = await activeTenant("acme");
    const backup = await backedUp(tenant.id);
    t.emulator.control.addFault({ kind: "crash-loop", stack: "mautic-acme-ops", logLines: [{ stream: "stderr", text: "mautic-restore: ERROR: loading the dump into mautic_acme failed" }] });
    await t.app.services.tenants.restore(backup.id, SYSTEM);
    const failed = await until(() => tenantRow(tenant.id), (x) => x.status === "ERROR", "ERROR");
    expect(failed.statusReason).toBe("Restore: The restore job failed: mautic-restore: ERROR: loading the dump into mautic_acme failed");
    expect(t.emulator.control.stacks().map((s) => s["Name"])).toEqual(["mautic-acme"]);

    t.emulator.control.clearFaults();
    await idle(tenant.id);
    await t.app.services.tenants.retry(tenant.id, SYSTEM);
    expect((await tenantRow(tenant.id)).status).toBe("MAINTENANCE");
    expect((await until(() => tenantRow(tenant.id), (x) => x.status !== "MAINTENANCE", "restored")).status).toBe("ACTIVE");
  });

  it("refuses what cannot be restored", async () => {
    t = await startTestApp();
    const tenant = await activeTenant("acme");
    const backup = await backedUp(tenant.id);
    await t.app.services.prisma.backup.update({ where: { id: backup.id }, data: { status: "EXPIRED" } });
    await expect(t.app.services.tenants.restore(backup.id, SYSTEM)).rejects.toThrow(new ConflictError("Only a SUCCEEDED backup can be restored; this one is EXPIRED."));
    expect((await tenantRow(tenant.id)).status).toBe("ACTIVE");
  });
});

describe("cloning a backup into a new tenant", () => {
  it("provisions the copy next to its source, restores the backup into it with its own URL, and keeps the owner and login", async () => {
    t = await startTestApp();
    const source = await activeTenant("acme");
    const backup = await backedUp(source.id);
    const clone = await t.app.services.tenants.clone(backup.id, { name: "Acme copy", domain: "copy.example.com" }, SYSTEM);
    expect(clone).toMatchObject({ status: "PENDING", ownerId: source.ownerId, mauticImage: OLD, plan: source.plan });
    const done = await until(() => tenantRow(clone.id), (x) => x.status === "ACTIVE" || x.status === "ERROR", "clone ACTIVE", 60_000);
    expect(done.status).toBe("ACTIVE");
    const sourceRow = await tenantRow(source.id);
    expect(done.nodeHostname).toBe(sourceRow.nodeHostname);
    const types = await eventTypes(clone.id);
    expect(types).toEqual(expect.arrayContaining(["tenant.created", "clone.provisioned", "restore.stopping", "restore.started", "restore.data_restored", "tenant.cloned"]));
    expect(types).not.toContain("tenant.active");
    const cloned = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId: clone.id, type: "tenant.cloned" } });
    expect(cloned.message).toBe(`Mautic is live at https://copy.example.com with the data of backup ${backup.name} (taken ${backup.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC).`);
    // The copy's database holds the source's Mautic accounts: its recorded admin login is the source's.
    const box = t.app.services.tenants.secrets;
    expect(box.open(clone.id, "mauticAdminPassword", done.mauticAdminPasswordEnc)).toBe(box.open(source.id, "mauticAdminPassword", sourceRow.mauticAdminPasswordEnc));
    // The restore job read the source's backup volume (no empty volume was made for the copy).
    const volumes = (t.emulator.control.volumes() as { Name: string }[]).map((v) => v.Name);
    expect(volumes).toContain("mautic-acme-backups");
    expect(volumes).not.toContain(`mautic-${done.slug}-backups`);
    // The source is untouched.
    expect(sourceRow.status).toBe("ACTIVE");
    expect(await eventTypes(source.id, (await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId: source.id, type: "backup.succeeded" } })).id)).toEqual([]);
  });

  it("refuses a backup that did not succeed", async () => {
    t = await startTestApp({}, { worker: false });
    const owner = await t.app.services.users.create({ email: "o@example.com", password: "owner password 123", role: "CLIENT" });
    const tenant = await t.app.services.tenants.create({ name: "acme", slug: "acme", domain: "acme.example.com", ownerId: owner.id }, SYSTEM);
    const failed = await t.app.services.prisma.backup.create({ data: { tenantId: tenant.id, name: "acme-failed", trigger: "MANUAL", status: "FAILED", mauticImage: OLD } });
    await expect(t.app.services.tenants.clone(failed.id, { name: "copy", domain: "copy.example.com" }, SYSTEM)).rejects.toThrow("Only a SUCCEEDED backup can be cloned; this one is FAILED.");
    expect(await t.app.services.prisma.tenant.count()).toBe(1);
  });
});

describe("upgrading a tenant", () => {
  it("backs up, deploys the new image and ends ACTIVE on it", async () => {
    t = await startTestApp();
    const tenant = await activeTenant("acme");
    const since = await lastEventId(tenant.id);
    const { backup } = await t.app.services.tenants.upgrade(tenant.id, NEW, SYSTEM);
    expect(backup.trigger).toBe("PRE_UPGRADE");
    // One upgrade at a time.
    await expect(t.app.services.tenants.upgrade(tenant.id, NEW, SYSTEM)).rejects.toThrow(ConflictError);
    await idle(tenant.id);
    expect(await tenantRow(tenant.id)).toMatchObject({ status: "ACTIVE", mauticImage: NEW, statusReason: null });
    expect(await t.app.services.prisma.backup.findUniqueOrThrow({ where: { id: backup.id } })).toMatchObject({ status: "SUCCEEDED", mauticImage: OLD });
    const types = await eventTypes(tenant.id, since);
    expect(types).toEqual(expect.arrayContaining(["upgrade.requested", "backup.succeeded", "upgrade.started", "tenant.upgraded"]));
    expect(types.indexOf("backup.succeeded")).toBeLessThan(types.indexOf("upgrade.started"));
    const web = (t.emulator.control.services() as { Spec: { Name: string; TaskTemplate: { ContainerSpec: { Image: string } } } }[]).find((s) => s.Spec.Name === "mautic-acme_mautic_web")!;
    expect(web.Spec.TaskTemplate.ContainerSpec.Image.split("@")[0]).toBe(NEW);
  });

  it("rolls a failed upgrade back: the backup is restored, the previous image redeployed, the tenant ACTIVE with an ERROR event", async () => {
    t = await startTestApp({ PROVISIONING_PHASE_TIMEOUT_SECONDS: "2" });
    const tenant = await activeTenant("acme");
    t.emulator.control.addFault({ kind: "crash-loop", image: NEW, service: "mautic_web", logLines: [{ stream: "stderr", text: "Doctrine migration failed" }] });
    const since = await lastEventId(tenant.id);
    await t.app.services.tenants.upgrade(tenant.id, NEW, SYSTEM);
    await idle(tenant.id, 60_000);
    const after = await tenantRow(tenant.id);
    expect(after).toMatchObject({ status: "ACTIVE", mauticImage: OLD });
    expect(after.statusReason).toMatch(/^Upgrade to mautic\/mautic:7\.2\.0-apache failed and was rolled back: Mautic's web service was not up within 2 s/);
    const types = await eventTypes(tenant.id, since);
    expect(types).toEqual(expect.arrayContaining(["upgrade.started", "upgrade.failed", "restore.stopping", "restore.started", "restore.data_restored", "upgrade.rolled_back"]));
    const rolledBack = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId: tenant.id, type: "upgrade.rolled_back" } });
    expect(rolledBack.level).toBe("ERROR");
    expect(rolledBack.message).toContain(`rolled back to ${OLD}`);
    const web = (t.emulator.control.services() as { Spec: { Name: string; TaskTemplate: { ContainerSpec: { Image: string } } } }[]).find((s) => s.Spec.Name === "mautic-acme_mautic_web")!;
    expect(web.Spec.TaskTemplate.ContainerSpec.Image.split("@")[0]).toBe(OLD);
  });

  it("changes nothing when the pre-upgrade backup fails", async () => {
    t = await startTestApp();
    const tenant = await activeTenant("acme");
    t.emulator.control.addFault({ kind: "crash-loop", stack: "mautic-acme-ops", logLines: [{ stream: "stderr", text: "mautic-backup: ERROR: mysqldump of mautic_acme failed" }] });
    await t.app.services.tenants.upgrade(tenant.id, NEW, SYSTEM);
    await idle(tenant.id);
    const after = await tenantRow(tenant.id);
    expect(after).toMatchObject({ status: "ACTIVE", mauticImage: OLD });
    expect(after.statusReason).toBe("Upgrade to mautic/mautic:7.2.0-apache stopped: the pre-upgrade backup failed (mautic-backup: ERROR: mysqldump of mautic_acme failed).");
    expect((await eventTypes(tenant.id)).includes("upgrade.started")).toBe(false);
  });

  it("refuses an image outside the allowed list, the one it runs, or an older one", async () => {
    t = await startTestApp({}, { worker: false });
    const owner = await t.app.services.users.create({ email: "o@example.com", password: "owner password 123", role: "CLIENT" });
    const tenant = await t.app.services.tenants.create({ name: "acme", slug: "acme", domain: "acme.example.com", ownerId: owner.id, mauticImage: OLD }, SYSTEM);
    await expect(t.app.services.tenants.upgrade(tenant.id, "mautic/mautic:latest", SYSTEM)).rejects.toBeInstanceOf(ValidationError);
    await expect(t.app.services.tenants.upgrade(tenant.id, OLD, SYSTEM)).rejects.toThrow("The tenant already runs mautic/mautic:6.0.9-apache");
    await expect(t.app.services.tenants.upgrade(tenant.id, NEW, SYSTEM)).rejects.toThrow("A pending tenant cannot be upgraded");
    const newer = await t.app.services.tenants.create({ name: "newer", slug: "newer", domain: "newer.example.com", ownerId: owner.id, mauticImage: NEW }, SYSTEM);
    await expect(t.app.services.tenants.upgrade(newer.id, OLD, SYSTEM)).rejects.toThrow(
      "mautic/mautic:6.0.9-apache is older than mautic/mautic:7.2.0-apache: Mautic cannot migrate its database back",
    );
  });
});

describe("a fleet upgrade of 20 tenants in batches of 5 with one failing tenant", () => {
  it("stops after the batch that passes the failure threshold, and a more tolerant run goes to the end", async () => {
    // Room for twenty small tenants: ten nodes.
    t = await startTestApp({ PROVISIONING_PHASE_TIMEOUT_SECONDS: "2", PROVISIONING_CONCURRENCY: "8" }, { emulator: { nodes: 10 } });
    const ids: string[] = [];
    const owner = await t.app.services.users.create({ email: "fleet@example.com", password: "owner password 123", role: "CLIENT" });
    for (let i = 0; i < 20; i++) {
      const slug = `t${String(i).padStart(2, "0")}`;
      ids.push((await t.app.services.tenants.create({ name: slug, slug, domain: `${slug}.example.com`, ownerId: owner.id, mauticImage: OLD, plan: "small" }, SYSTEM)).id);
    }
    for (const id of ids) expect((await until(() => tenantRow(id), (x) => x.status === "ACTIVE" || x.status === "ERROR", "fleet ACTIVE", 120_000)).status).toBe("ACTIVE");
    // Tenant t02 (first batch) cannot run the new version.
    t.emulator.control.addFault({ kind: "crash-loop", stack: "mautic-t02", image: NEW, service: "mautic_web" });
    const { fleet, prisma } = t.app.services;
    const itemsOf = (id: string) => prisma.fleetUpgradeItem.findMany({ where: { fleetUpgradeId: id }, include: { tenant: { select: { slug: true } } }, orderBy: { tenant: { slug: "asc" } } });
    const count = (items: { status: string }[], status: string) => items.filter((i) => i.status === status).length;

    const strict = await fleet.start({ mauticImage: NEW, batchSize: 5, maxFailureRate: 0.1, filter: {} }, SYSTEM);
    expect(strict.status).toBe("RUNNING");
    const first = await until(() => prisma.fleetUpgrade.findUniqueOrThrow({ where: { id: strict.id } }), (c) => c.status !== "RUNNING", "strict run ends", 120_000);
    expect(first.status).toBe("STOPPED");
    expect(first.statusReason).toBe("1 of 5 finished upgrades failed, more than the 10 % allowed.");
    const firstItems = await itemsOf(strict.id);
    expect([count(firstItems, "SUCCEEDED"), count(firstItems, "FAILED"), count(firstItems, "SKIPPED")]).toEqual([4, 1, 15]);
    expect(firstItems.find((i) => i.tenant.slug === "t02")).toMatchObject({ status: "FAILED", batch: 0 });
    expect(firstItems.filter((i) => i.status !== "SKIPPED").every((i) => i.batch === 0)).toBe(true);
    // The failed tenant was rolled back and serves again on the old version.
    expect(await tenantRow(ids[2]!)).toMatchObject({ status: "ACTIVE", mauticImage: OLD });
    expect((await prisma.tenant.findMany({ where: { mauticImage: NEW } })).length).toBe(4);

    // Tolerating a quarter of failures, the rest of the fleet (t02 included, failing again) goes through.
    const tolerant = await fleet.start({ mauticImage: NEW, batchSize: 5, maxFailureRate: 0.25, filter: { fromImage: OLD } }, SYSTEM);
    const second = await until(() => prisma.fleetUpgrade.findUniqueOrThrow({ where: { id: tolerant.id } }), (c) => c.status !== "RUNNING", "tolerant run ends", 180_000);
    expect(second).toMatchObject({ status: "COMPLETED", statusReason: "15 upgraded, 1 failed and rolled back, 0 skipped." });
    const secondItems = await itemsOf(tolerant.id);
    expect(secondItems).toHaveLength(16);
    expect(Math.max(...secondItems.map((i) => i.batch))).toBe(3);
    expect((await prisma.tenant.findMany({ where: { mauticImage: NEW } })).length).toBe(19);
    expect(await tenantRow(ids[2]!)).toMatchObject({ status: "ACTIVE", mauticImage: OLD });
  }, 400_000);
});
