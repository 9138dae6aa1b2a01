import { describe, expect, it } from "vitest";
import { startTestApp } from "../../test/app";
import { until } from "../../test/wait";
import { SYSTEM } from "../events/tenant-events";
import { PHASES } from "./handlers/provision";

describe("crash safety", () => {
  it.each(PHASES)("converges with one stack and no repeated event when the app stops as %s starts", async (stopAt) => {
    const first = await startTestApp({}, { emulator: { taskDelayMs: 5 } });
    const { databasePath, emulator } = first;
    const owner = await first.app.services.users.create({ email: "crash@example.com", password: "owner password 123", role: "CLIENT" });
    const tenant = await first.app.services.tenants.create({ name: "Crash", domain: "crash.example.com", ownerId: owner.id }, SYSTEM);
    // Stop the moment the phase's start is published: the phase's own work may be half done.
    for await (const event of first.app.services.bus.subscribe("tenant:event", tenant.id)) {
      if (event.type === "phase.started" && event.phase === stopAt) break;
    }
    await first.app.stop();

    const second = await startTestApp({}, { databasePath, reuseEmulator: emulator });
    try {
      const done = await until(() => second.app.services.prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } }), (x) => x.status === "ACTIVE" || x.status === "ERROR", "convergence");
      expect(done.status).toBe("ACTIVE");
      expect(emulator.control.stacks()).toHaveLength(1);
      const events = await second.app.services.prisma.tenantEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "asc" } });
      const steps = events.filter((e) => e.type === "phase.started" || e.type === "phase.completed").map((e) => `${e.type}:${e.phase}`);
      expect(steps).toEqual(PHASES.flatMap((p) => [`phase.started:${p}`, `phase.completed:${p}`]));
      expect(events.filter((e) => e.type === "tenant.active")).toHaveLength(1);
    } finally {
      await second.close();
      await emulator.close();
    }
  });
});
