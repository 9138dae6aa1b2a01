/**
 * Backups through the real engine against the emulator: the ops stack is deployed, its job runs
 * to completion (or fails on request), the result is read from its log, and the panel records
 * the backup, its events and retention, then removes the ops stack.
 */
import { afterEach, describe, expect, it } from "vitest";
import { archiveSha256 } from "../../emulator/panel-jobs";
import { startTestApp, type TestApp } from "../../test/app";
import { until } from "../../test/wait";
import { ConflictError, ValidationError } from "../errors";
import { SYSTEM } from "../events/tenant-events";

let t: TestApp;
afterEach(() => t?.close());

async function activeTenant(app: TestApp, slug = "acme") {
  const owner = await app.app.services.users.create({ email: `${slug}-owner@example.com`, password: "owner password 123", role: "CLIENT" });
  const tenant = await app.app.services.tenants.create({ name: slug, slug, domain: `${slug}.example.com`, ownerId: owner.id }, SYSTEM);
  await until(() => app.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "ACTIVE", "ACTIVE");
  return tenant;
}
const backupRow = (app: TestApp, id: string) => app.app.services.prisma.backup.findUniqueOrThrow({ where: { id } });
const finished = (b: { status: string }) => b.status === "SUCCEEDED" || b.status === "FAILED";
const events = async (app: TestApp, tenantId: string, after = 0) =>
  (await app.app.services.prisma.tenantEvent.findMany({ where: { tenantId, id: { gt: after } }, orderBy: { id: "asc" } })).map((e) => ({ type: e.type, level: e.level, message: e.message }));
const lastEventId = async (app: TestApp, tenantId: string) =>
  (await app.app.services.prisma.tenantEvent.findFirst({ where: { tenantId }, orderBy: { id: "desc" } }))?.id ?? 0;

describe.each([["2.45.0"], ["2.23.0"]])("backups (Portainer %s)", (portainerVersion) => {
  it("backs up an ACTIVE tenant through its ops stack, records the archive and removes the stack", async () => {
    t = await startTestApp({}, { emulator: { portainerVersion } });
    const tenant = await activeTenant(t);
    const since = await lastEventId(t, tenant.id);
    const requested = await t.app.services.backups.request(tenant.id, "MANUAL", SYSTEM);
    expect(requested).toMatchObject({ status: "QUEUED", trigger: "MANUAL", mauticImage: "mautic/mautic:7.2.0-apache" });
    expect(requested.name).toMatch(/^acme-\d{8}-\d{6}-manual-[0-9a-f]{4}$/);

    const done = await until(() => backupRow(t, requested.id), finished, "backup finished");
    expect(done).toMatchObject({ status: "SUCCEEDED", sha256: archiveSha256(requested.name), location: `volume:${requested.name}.tar`, error: null });
    expect(Number(done.sizeBytes)).toBeGreaterThan(1_000_000);
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());

    expect((await events(t, tenant.id, since)).map((e) => e.type)).toEqual(["backup.requested", "backup.started", "backup.succeeded"]);
    const succeeded = (await events(t, tenant.id, since)).at(-1)!;
    expect(succeeded.message).toContain(`Backup ${requested.name} done: `);
    expect(succeeded.message).toContain(`SHA-256 ${archiveSha256(requested.name).slice(0, 12)}`);

    // The ops stack is gone, the tenant's own stack and status untouched; the backup volume stays.
    await until(async () => t.emulator.control.stacks().map((s) => s["Name"]), (names) => names.join() === "mautic-acme", "ops stack removed");
    expect((await t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe("ACTIVE");
    expect(t.emulator.control.volumes().some((v) => v["Name"] === "mautic-acme-backups")).toBe(true);
    // The script went in as a config labelled for the tenant (removed with its data).
    const configs = await t.app.services.portainer.listConfigs({ labels: [`io.mautic-panel.tenant=${tenant.id}`] });
    expect(configs.map((c) => c.name)).toContainEqual(expect.stringMatching(/^mautic-acme-backup-[0-9a-f]{12}$/));
  });

  it("records a failed backup with the script's words, leaves the tenant ACTIVE, and the next backup works once the cause is gone", async () => {
    t = await startTestApp({}, { emulator: { portainerVersion } });
    const tenant = await activeTenant(t);
    t.emulator.control.addFault({
      kind: "crash-loop",
      stack: "mautic-acme-ops",
      exitCode: 1,
      logLines: [
        { stream: "stdout", text: "mautic-backup: dumping database mautic_acme" },
        { stream: "stderr", text: "mysqldump: Got error: 1045: Access denied for user 'mautic_acme'" },
        { stream: "stderr", text: "mautic-backup: ERROR: mysqldump of mautic_acme failed" },
      ],
    });
    const since = await lastEventId(t, tenant.id);
    const requested = await t.app.services.backups.request(tenant.id, "MANUAL", SYSTEM);
    const failed = await until(() => backupRow(t, requested.id), finished, "backup finished");
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toContain("mautic-backup: ERROR: mysqldump of mautic_acme failed");
    expect(failed.sha256).toBeNull();
    const last = (await events(t, tenant.id, since)).at(-1)!;
    expect(last).toMatchObject({ type: "backup.failed", level: "ERROR" });
    expect(last.message).toContain("Access denied");
    await until(async () => t.emulator.control.stacks().map((s) => s["Name"]), (names) => names.join() === "mautic-acme", "ops stack removed");
    expect((await t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe("ACTIVE");

    // The next backup works once the cause is gone (and the failed job has been put away).
    t.emulator.control.clearFaults();
    await until(() => t.app.services.prisma.job.count({ where: { tenantId: tenant.id, status: { in: ["QUEUED", "RUNNING"] } } }), (n) => n === 0, "job closed");
    const again = await t.app.services.backups.request(tenant.id, "MANUAL", SYSTEM);
    expect((await until(() => backupRow(t, again.id), finished, "second backup")).status).toBe("SUCCEEDED");
  });

  it("refuses a backup of a tenant that is not ACTIVE or is busy", async () => {
    t = await startTestApp({}, { emulator: { portainerVersion } });
    const tenant = await activeTenant(t);
    await t.app.services.tenants.redeploy(tenant.id, SYSTEM);
    await expect(t.app.services.backups.request(tenant.id, "MANUAL", SYSTEM)).rejects.toThrow(new ConflictError("This tenant is busy: a redeploy job is in progress."));
    await until(() => t.app.services.prisma.job.count({ where: { tenantId: tenant.id, status: { in: ["QUEUED", "RUNNING"] } } }), (n) => n === 0, "redeploy done");
    await t.app.services.tenants.suspend(tenant.id, SYSTEM);
    await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "SUSPENDED", "SUSPENDED");
    await expect(t.app.services.backups.request(tenant.id, "MANUAL", SYSTEM)).rejects.toThrow(/A suspended tenant cannot be backed up: its database must be running/);
    expect(await t.app.services.prisma.backup.count()).toBe(0);
  });
});

describe("scheduled backups and retention", () => {
  it("queues a backup when the plan's interval has passed, and the job removes what retention lets go", async () => {
    t = await startTestApp({});
    const tenant = await activeTenant(t);
    const { prisma, backups } = t.app.services;
    // Not due yet: the first scheduled backup comes a day (the standard plan) after creation.
    expect(await backups.runSchedule()).toBe(0);

    // Fourteen scheduled backups exist (the standard plan keeps 14), the newest two days old, plus
    // a manual one and a pre-delete one past its keep time.
    const day = 86_400_000;
    const now = Date.now();
    await prisma.backup.createMany({
      data: [
        ...Array.from({ length: 14 }, (_, i) => ({
          tenantId: tenant.id,
          name: `acme-old-${String(i).padStart(2, "0")}`,
          trigger: "SCHEDULE" as const,
          status: "SUCCEEDED" as const,
          mauticImage: tenant.mauticImage,
          sha256: "0".repeat(64),
          createdAt: new Date(now - (15 - i) * day),
        })),
        { tenantId: tenant.id, name: "acme-manual", trigger: "MANUAL", status: "SUCCEEDED", mauticImage: tenant.mauticImage, createdAt: new Date(now - 30 * day) },
        { tenantId: tenant.id, name: "acme-predelete", trigger: "PRE_DELETE", status: "SUCCEEDED", mauticImage: tenant.mauticImage, createdAt: new Date(now - 40 * day), expiresAt: new Date(now - day) },
      ],
    });
    expect(await backups.runSchedule()).toBe(1);
    // Queued once: the next pass sees it.
    expect(await backups.runSchedule()).toBe(0);
    const scheduled = await prisma.backup.findFirstOrThrow({ where: { tenantId: tenant.id, name: { contains: "-schedule-" } } });
    expect(scheduled.name).toMatch(/^acme-\d{8}-\d{6}-schedule-[0-9a-f]{4}$/);
    expect((await until(() => backupRow(t, scheduled.id), finished, "scheduled backup")).status).toBe("SUCCEEDED");

    // 14 kept in all: the new one and the 13 newest old ones; the oldest and the expired pre-delete one went.
    const rows = await prisma.backup.findMany({ where: { tenantId: tenant.id }, orderBy: { createdAt: "asc" } });
    const expired = rows.filter((b) => b.status === "EXPIRED").map((b) => b.name).sort();
    expect(expired).toEqual(["acme-old-00", "acme-predelete"]);
    expect(rows.filter((b) => b.status === "SUCCEEDED" && b.trigger === "SCHEDULE")).toHaveLength(14);
    expect(rows.find((b) => b.name === "acme-manual")!.status).toBe("SUCCEEDED");
    const event = await prisma.tenantEvent.findFirstOrThrow({ where: { tenantId: tenant.id, type: "backup.succeeded" } });
    expect(event.message).toContain("Retention removed 2 older backup(s).");
    expect((JSON.parse(event.data!) as { expired: string[] }).expired.sort()).toEqual(["acme-old-00", "acme-predelete"]);
    // Not due again until the plan's interval has passed.
    expect(await backups.runSchedule()).toBe(0);
  });

  it("runs the schedule from the reconcile loop", async () => {
    t = await startTestApp({});
    const tenant = await activeTenant(t);
    await t.app.services.prisma.tenant.update({ where: { id: tenant.id }, data: { createdAt: new Date(Date.now() - 2 * 86_400_000) } });
    const report = await t.app.services.reconciler.runOnce();
    expect(report).toMatchObject({ error: null, backupsQueued: 1, orphanStacks: [] });
    const backup = await t.app.services.prisma.backup.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(backup.trigger).toBe("SCHEDULE");
    // While the job runs, its ops stack is the tenant's, not an orphan.
    await until(async () => t.emulator.control.stacks().length, (n) => n === 2, "ops stack deployed");
    expect((await t.app.services.reconciler.runOnce()).orphanStacks).toEqual([]);
    expect((await until(() => backupRow(t, backup.id), finished, "scheduled backup")).status).toBe("SUCCEEDED");
  });
});

describe("the final backup of a delete with data", () => {
  it("stops the delete, leaving the tenant ACTIVE and its stack and data in place, when the backup fails", async () => {
    t = await startTestApp({});
    const tenant = await activeTenant(t);
    t.emulator.control.addFault({ kind: "crash-loop", stack: "mautic-acme-ops", logLines: [{ stream: "stderr", text: "mautic-backup: ERROR: the backup directory /backups is not writable" }] });
    await t.app.services.tenants.delete(tenant.id, { deleteData: true, finalBackup: true }, SYSTEM);
    expect((await t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe("DELETING");
    const back = await until(
      () => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }),
      (x) => x.status !== "DELETING",
      "delete stopped",
    );
    expect(back.status).toBe("ACTIVE");
    expect(back.statusReason).toBe("Deletion stopped: the final backup failed (mautic-backup: ERROR: the backup directory /backups is not writable).");
    const stopped = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId: tenant.id, type: "tenant.delete_stopped" } });
    expect(stopped.level).toBe("ERROR");
    expect(stopped.message).toContain("Deletion stopped before anything was removed");
    expect(t.emulator.control.stacks().map((s) => s["Name"])).toEqual(["mautic-acme"]);
    expect((t.emulator.control.volumes() as { Name: string }[]).filter((v) => v.Name.startsWith("mautic-acme_")).length).toBe(5);
    expect(await t.app.services.prisma.backup.findFirstOrThrow({ where: { tenantId: tenant.id } })).toMatchObject({ trigger: "PRE_DELETE", status: "FAILED" });
  });

  it("needs the database running, unless the admin declines the backup", async () => {
    t = await startTestApp({});
    const tenant = await activeTenant(t);
    await t.app.services.tenants.suspend(tenant.id, SYSTEM);
    await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "SUSPENDED", "SUSPENDED");
    const refused = t.app.services.tenants.delete(tenant.id, { deleteData: true, finalBackup: true }, SYSTEM);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ fieldErrors: [{ field: "finalBackup", message: expect.stringContaining("this tenant is SUSPENDED") }] });
    expect((await t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).status).toBe("SUSPENDED");

    await t.app.services.tenants.delete(tenant.id, { deleteData: true, finalBackup: false }, SYSTEM);
    await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "DELETED", "DELETED");
    expect(await t.app.services.prisma.backup.count()).toBe(0);
    const requested = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId: tenant.id, type: "tenant.delete_requested" } });
    expect(requested.message).toBe("Deletion requested without a final backup: the stack, its volumes (all data), secrets and configs will be removed.");
  });
});

describe("expired backups of deleted tenants", () => {
  it("keeps a deleted tenant's backups for the keep time, then removes them, their volume and the tenant's last config", async () => {
    t = await startTestApp({});
    const tenant = await activeTenant(t);
    const manual = await t.app.services.backups.request(tenant.id, "MANUAL", SYSTEM);
    await until(() => backupRow(t, manual.id), finished, "manual backup");
    await t.app.services.tenants.delete(tenant.id, { deleteData: true, finalBackup: true }, SYSTEM);
    await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "DELETED", "DELETED");
    const { prisma, backups } = t.app.services;
    const kept = await prisma.backup.findMany({ where: { tenantId: tenant.id } });
    expect(kept.map((b) => b.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    // Both go when the final backup's keep time (30 days) ends; nothing is due before.
    for (const b of kept) expect(b.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(await backups.purgeExpired()).toBe(0);

    await prisma.backup.updateMany({ where: { tenantId: tenant.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await backups.purgeExpired()).toBe(1);
    await until(() => prisma.job.count({ where: { tenantId: tenant.id, status: { in: ["QUEUED", "RUNNING"] } } }), (n) => n === 0, "purge done");
    expect((await prisma.job.findFirstOrThrow({ where: { tenantId: tenant.id, type: "PURGE" } })).status).toBe("SUCCEEDED");
    expect((await prisma.backup.findMany({ where: { tenantId: tenant.id } })).map((b) => b.status)).toEqual(["EXPIRED", "EXPIRED"]);
    const types = (await events(t, tenant.id)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(["backup.expired", "backup.volume_removed"]);
    expect((t.emulator.control.volumes() as { Name: string }[]).some((v) => v.Name === "mautic-acme-backups")).toBe(false);
    expect(await t.app.services.portainer.listConfigs({ labels: [`io.mautic-panel.tenant=${tenant.id}`] })).toEqual([]);
    expect(t.emulator.control.stacks()).toEqual([]);
    expect(await backups.purgeExpired()).toBe(0);
  });
});

describe("S3 upload settings", () => {
  it("gives the job the bucket and the key as a Docker secret, and records the S3 location", async () => {
    t = await startTestApp({
      BACKUP_S3_ENDPOINT: "https://s3.example.com",
      BACKUP_S3_BUCKET: "tenant-backups",
      BACKUP_S3_PREFIX: "panel",
      BACKUP_S3_ACCESS_KEY_ID: "AKIDEXAMPLE",
      BACKUP_S3_SECRET_ACCESS_KEY: "s3-secret-that-must-not-leak",
    });
    const tenant = await activeTenant(t);
    const requested = await t.app.services.backups.request(tenant.id, "MANUAL", SYSTEM);
    // While the job runs, its spec is visible in the emulator: the key is a secret, not a variable.
    type ServiceJson = { Spec: { Name: string; TaskTemplate: { ContainerSpec: { Env?: string[] } } } };
    const service = await until(async () => (t.emulator.control.services() as unknown as ServiceJson[]).find((s) => s.Spec.Name === "mautic-acme-ops_job"), Boolean, "ops job deployed");
    const env = service!.Spec.TaskTemplate.ContainerSpec.Env ?? [];
    expect(env).toEqual(expect.arrayContaining(["PANEL_S3_BUCKET=tenant-backups", "PANEL_S3_PREFIX=panel/", "PANEL_S3_ACCESS_KEY_ID=AKIDEXAMPLE", "PANEL_S3_SECRET_ACCESS_KEY_FILE=/run/secrets/s3_secret_key"]));
    expect(JSON.stringify(service)).not.toContain("s3-secret-that-must-not-leak");
    const done = await until(() => backupRow(t, requested.id), finished, "backup finished");
    expect(done.location).toBe(`s3://tenant-backups/panel/${requested.name}.tar`);
    const secrets = await t.app.services.portainer.listSecrets({ labels: ["io.mautic-panel.managed=true"] });
    expect(secrets.map((s) => s.name)).toContainEqual(expect.stringMatching(/^mautic-panel-s3-[0-9a-f]{12}$/));
    expect(t.logs.join("\n")).not.toContain("s3-secret-that-must-not-leak");
  });
});
