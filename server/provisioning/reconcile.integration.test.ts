import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/app";
import { SYSTEM } from "../events/tenant-events";
import { until } from "../../test/wait";


describe("the reconcile loop", () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it("checks 1,000 tenants with three Portainer calls", async () => {
    t = await startTestApp({}, { worker: false });
    const owner = await t.app.services.users.create({ email: "many@example.com", password: "owner password 123", role: "CLIENT" });
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      id: randomUUID(), name: `t${i}`, slug: `t${i}`, domain: `t${i}.example.com`, ownerId: owner.id, status: "ACTIVE" as const,
      mauticImage: "mautic/mautic:7.2.0-apache", plan: "small", mysqlDatabase: "mautic", mysqlUser: "mautic", mysqlPasswordEnc: "x",
      mysqlRootPasswordEnc: "x", mauticAdminUser: "admin", mauticAdminPasswordEnc: "x", stackName: `mautic-t${i}`, stackId: i + 1,
    }));
    // The client learns Portainer's version and the Swarm id once per process; a cycle after that:
    await t.app.services.reconciler.runOnce();
    await t.app.services.prisma.tenant.createMany({ data: rows });
    t.emulator.control.resetRequestCounts();
    const report = await t.app.services.reconciler.runOnce();
    expect(report).toMatchObject({ tenantsChecked: 1000, error: null });
    const counts = t.emulator.control.requestCounts() as Record<string, number>;
    expect(counts).toEqual({
      "GET /api/stacks": 1,
      "GET /api/endpoints/{id}/docker/services": 1,
      "GET /api/endpoints/{id}/docker/tasks": 1,
    });
    // Every tenant's stack is missing in this Portainer: each one is flagged once, as drift.
    expect(report.drift).toHaveLength(1000);
    expect(await t.app.services.prisma.tenantEvent.count({ where: { type: "drift.detected" } })).toBe(1000);
    const again = await t.app.services.reconciler.runOnce();
    expect(again.healthChanges).toBe(0);
    expect(await t.app.services.prisma.tenantEvent.count({ where: { type: "drift.detected" } })).toBe(1000);
  });

  it("records a crash-looping worker as a health event, in Swarm's words", async () => {
    t = await startTestApp();
    t.emulator.control.addFault({ kind: "crash-loop", service: "mautic_worker" });
    const owner = await t.app.services.users.create({ email: "o@example.com", password: "owner password 123", role: "CLIENT" });
    const tenant = await t.app.services.tenants.create({ name: "Loop", domain: "loop.example.com", ownerId: owner.id }, SYSTEM);
    await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "ACTIVE", "ACTIVE");
    await until(async () => {
      await t.app.services.reconciler.runOnce();
      return t.app.services.prisma.tenantEvent.findFirst({ where: { tenantId: tenant.id, type: "health.changed" }, orderBy: { id: "desc" } });
    }, (e) => e !== null && e.message.includes("crash-looping"), "a crash-loop event");
    const event = await t.app.services.prisma.tenantEvent.findFirstOrThrow({ where: { tenantId: tenant.id, type: "health.changed" }, orderBy: { id: "desc" } });
    expect(event.level).toBe("WARN");
    expect(event.message).toMatch(/^Health: degraded\. mautic_worker crash-looping: task: non-zero exit \(1\)\.$/);
  });

  it("gives a tenant left PROVISIONING without a job a job again", async () => {
    t = await startTestApp();
    const owner = await t.app.services.users.create({ email: "s@example.com", password: "owner password 123", role: "CLIENT" });
    const tenant = await t.app.services.tenants.create({ name: "Stranded", domain: "stranded.example.com", ownerId: owner.id }, SYSTEM);
    await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "ACTIVE", "ACTIVE");
    await t.app.services.prisma.tenant.update({ where: { id: tenant.id }, data: { status: "PROVISIONING", phase: "VERIFYING" } });
    const report = await t.app.services.reconciler.runOnce();
    expect(report.recovered).toBe(1);
    await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "ACTIVE", "ACTIVE again");
    expect(t.emulator.control.stacks()).toHaveLength(1);
  });

  it("does not call a tenant drifting while a job is changing it", async () => {
    t = await startTestApp();
    const owner = await t.app.services.users.create({ email: "d@example.com", password: "owner password 123", role: "CLIENT" });
    const tenant = await t.app.services.tenants.create({ name: "Busy", domain: "busy.example.com", ownerId: owner.id }, SYSTEM);
    await until(() => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "ACTIVE", "ACTIVE");
    const prisma = t.app.services.prisma;
    // SUSPENDED in the database while its services still run: a resume under way looks like this.
    await prisma.tenant.update({ where: { id: tenant.id }, data: { status: "SUSPENDED" } });
    const job = await prisma.job.create({ data: { type: "RESUME", tenantId: tenant.id, runAt: new Date(Date.now() + 3_600_000) } });
    expect((await t.app.services.reconciler.runOnce()).drift).toEqual([]);
    await prisma.job.update({ where: { id: job.id }, data: { status: "CANCELLED" } });
    expect((await t.app.services.reconciler.runOnce()).drift).toEqual([expect.stringContaining("is SUSPENDED but")]);
  });

  it("reports a stack no tenant owns, but not the stack of a tenant that has not recorded it yet", async () => {
    t = await startTestApp({}, { worker: false });
    const owner = await t.app.services.users.create({ email: "n@example.com", password: "owner password 123", role: "CLIENT" });
    const tenant = await t.app.services.tenants.create({ name: "Named", domain: "named.example.com", ownerId: owner.id }, SYSTEM);
    const slug = (await t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).slug;
    // As if a panel was killed after Portainer created the stack, before the tenant saved its name.
    for (const name of [`mautic-${slug}`, "mautic-nobody"]) {
      const file = `version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    deploy:\n      labels: { io.mautic-panel.managed: "true" }\n`;
      await t.app.services.portainer.createSwarmStackFromString({ name, stackFileContent: file });
    }
    const report = await t.app.services.reconciler.runOnce();
    expect(report.orphanStacks).toEqual(["mautic-nobody"]);
  });
});
