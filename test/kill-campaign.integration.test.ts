import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PHASES } from "../server/provisioning/handlers/provision";
import { createTestDatabase } from "./db";
import { formatKillCampaign, runKillCampaign } from "./kill-campaign";

describe("kill -9 campaign", () => {
  it("converges after 5 SIGKILLs of the panel process during a 10-tenant provisioning run", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kill-campaign-test-"));
    const result = await runKillCampaign({ tenants: 10, kills: 5, seed: 20261128, minDelayMs: 100, maxDelayMs: 1500, settleTimeoutMs: 40_000, databasePath: createTestDatabase(), dir });
    const summary = formatKillCampaign(result).join("\n");
    // Every invariant of checkConvergence (test/fault-campaign.ts), plus the campaign's own (leases,
    // creation, integrity, jobs left open).
    expect(result.problems, summary).toEqual([]);
    expect(result.landings).toHaveLength(5);
    // The kills cut real work short: jobs were running under the dead processes' leases, and at
    // least one kill found a tenant in the middle of its phases.
    expect(result.landings.some((l) => l.leasedJobs > 0), summary).toBe(true);
    expect(result.landings.some((l) => Object.keys(l.where).some((k) => (PHASES as readonly string[]).includes(k))), summary).toBe(true);
    expect(result.statuses).toEqual({ ACTIVE: 10 });
    expect(result.stacks).toBe(10);
    expect(result.convergence.tenants.map((t) => t.stacks)).toEqual(Array(10).fill(1));
    expect(result.integrity).toBe("ok");
    expect(result.openJobs).toEqual([]);
    expect(summary).toMatch(/^VERDICT: PASS/m);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
