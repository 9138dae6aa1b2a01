import { describe, expect, it } from "vitest";
import { logTail, phaseSteps, TENANT_PHASES } from "./tenant-model";

const states = (status: string, phase: string | null) => phaseSteps(status, phase)?.map((s) => s.state);

describe("phaseSteps", () => {
  it("follows the provisioning order, not the enum's alphabetical one", () => {
    expect(TENANT_PHASES).toEqual(["PREFLIGHT", "PLACEMENT", "PREPARING", "DEPLOYING", "DATABASE", "INSTALLING", "ROUTING", "VERIFYING"]);
  });

  it("marks the steps before the phase in progress done and the rest not started", () => {
    expect(states("PROVISIONING", "DEPLOYING")).toEqual(["done", "done", "done", "current", "upcoming", "upcoming", "upcoming", "upcoming"]);
    expect(states("PROVISIONING", "PREFLIGHT")).toEqual(["current", ...Array(7).fill("upcoming")]);
  });

  it("shows a queued tenant with nothing run yet, and a retried one where it continues", () => {
    expect(states("PENDING", null)).toEqual(Array(8).fill("upcoming"));
    expect(states("PENDING", "INSTALLING")).toEqual(["done", "done", "done", "done", "done", "current", "upcoming", "upcoming"]);
  });

  it("marks the phase that failed", () => {
    expect(states("ERROR", "ROUTING")).toEqual(["done", "done", "done", "done", "done", "done", "failed", "upcoming"]);
  });

  it("has every step done once provisioning finished, whatever happened later", () => {
    for (const status of ["ACTIVE", "SUSPENDED"]) expect(states(status, null)).toEqual(Array(8).fill("done"));
    // A failed suspend or redeploy: provisioning itself had finished.
    expect(states("ERROR", null)).toEqual(Array(8).fill("done"));
  });

  it("shows nothing for a tenant being deleted or deleted", () => {
    expect(phaseSteps("DELETING", "PREFLIGHT")).toBeNull();
    expect(phaseSteps("DELETED", null)).toBeNull();
  });
});

describe("logTail", () => {
  it("takes only the sizes the picker offers", () => {
    expect(logTail("500")).toBe(500);
    expect(logTail("7")).toBe(100);
    expect(logTail(null)).toBe(100);
    expect(logTail("1e3")).toBe(1000);
  });
});
