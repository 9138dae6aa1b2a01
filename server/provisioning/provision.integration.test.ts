import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/app";
import { SYSTEM } from "../events/tenant-events";
import { until } from "../../test/wait";


async function owner(t: TestApp) {
  return t.app.services.users.create({ email: `owner-${Math.random().toString(36).slice(2)}@example.com`, password: "owner password 123", role: "CLIENT" });
}

const statusOf = (t: TestApp, id: string) => t.app.services.prisma.tenant.findUniqueOrThrow({ where: { id } });
const eventsOf = (t: TestApp, id: string) => t.app.services.prisma.tenantEvent.findMany({ where: { tenantId: id }, orderBy: { id: "asc" } });

describe.each([
  ["asynchronous (2.45)", "2.45.0"],
  ["synchronous (2.23)", "2.23.0"],
])("provisioning against Portainer %s", (_family, portainerVersion) => {
  let t: TestApp;
  afterEach(() => t?.close());

  it("takes a new tenant to ACTIVE through every phase, with one stack routed and installed", async () => {
    t = await startTestApp({}, { emulator: { portainerVersion } });
    const client = await owner(t);
    const tenant = await t.app.services.tenants.create({ name: "Acme Corp", domain: "mautic.acme.example", ownerId: client.id }, SYSTEM);
    expect(tenant).toMatchObject({ status: "PENDING", slug: "acme-corp" });

    const done = await until(() => statusOf(t, tenant.id), (x) => x.status === "ACTIVE" || x.status === "ERROR", "ACTIVE");
    expect(done).toMatchObject({ status: "ACTIVE", phase: null, statusReason: null, stackName: "mautic-acme-corp", routingEnabled: true, endpointId: 1 });
    expect(done.nodeHostname).toMatch(/^node-\d$/);
    expect(JSON.parse(done.health!).overall).toBe("healthy");

    const events = await eventsOf(t, tenant.id);
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const milestones = events.filter((e) => e.type !== "phase.waiting").map((e) => `${e.type}${e.phase ? `:${e.phase}` : ""}`);
    const phases = ["PREFLIGHT", "PLACEMENT", "PREPARING", "DEPLOYING", "DATABASE", "INSTALLING", "ROUTING", "VERIFYING"];
    expect(milestones).toEqual([
      "tenant.created",
      "status.changed",
      ...phases.flatMap((p) => [`phase.started:${p}`, `phase.completed:${p}`]),
      "tenant.active",
    ]);

    const stacks = t.emulator.control.stacks();
    expect(stacks).toHaveLength(1);
    type DockerService = { Spec: { Name: string; Labels: Record<string, string> } };
    const web = (t.emulator.control.services() as DockerService[]).find((s) => s.Spec.Name === "mautic-acme-corp_mautic_web");
    expect(web?.Spec.Labels["traefik.enable"]).toBe("true");
    expect(web?.Spec.Labels["traefik.http.routers.mautic-acme-corp.rule"]).toBe("Host(`mautic.acme.example`)");
    const install = t.emulator.control.tasks(1, "mautic-acme-corp_mautic_install") as { Status: { State: string } }[];
    expect(install.map((task) => task.Status.State)).toContain("complete");
    const own = { labels: [`io.mautic-panel.tenant=${tenant.id}`] };
    const secrets = await t.app.services.portainer.listSecrets(own);
    expect(secrets.map((s) => s.name).sort()).toEqual(["mautic-acme-corp-admin-password-v1", "mautic-acme-corp-db-password-v1", "mautic-acme-corp-db-root-password-v1"]);
    const configs = await t.app.services.portainer.listConfigs(own);
    expect(configs.map((c) => c.name.replace(/-[0-9a-f]{12}$/, "")).sort()).toEqual(["mautic-acme-corp-crontab", "mautic-acme-corp-entrypoint", "mautic-acme-corp-install"]);
    expect(configs.find((c) => c.name.startsWith("mautic-acme-corp-crontab"))?.data).toContain("mautic:broadcasts:send");
  });
});
