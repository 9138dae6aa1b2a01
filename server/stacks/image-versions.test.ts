import { describe, expect, it } from "vitest";
import { compareImageVersions, imageVersion, upgradeTargets } from "./image-versions";

describe("image versions", () => {
  it("reads the version in a tag, with or without a registry, a variant or a digest", () => {
    expect(imageVersion("mautic/mautic:7.2.0-apache")).toEqual([7, 2, 0]);
    expect(imageVersion("registry.example.com:5000/mautic/mautic:6.0.9-apache@sha256:abc")).toEqual([6, 0, 9]);
    expect(imageVersion("mautic/mautic:5-apache")).toEqual([5, 0, 0]);
    expect(imageVersion("mautic/mautic:v6.1")).toEqual([6, 1, 0]);
    expect(imageVersion("mautic/mautic:latest")).toBeNull();
    expect(imageVersion("mautic/mautic")).toBeNull();
  });

  it("orders versions numerically, not as text", () => {
    expect(compareImageVersions("mautic/mautic:6.0.10-apache", "mautic/mautic:6.0.9-apache")).toBeGreaterThan(0);
    expect(compareImageVersions("mautic/mautic:5.2.1-apache", "mautic/mautic:6.0.0-apache")).toBeLessThan(0);
    expect(compareImageVersions("mautic/mautic:6.0.9-fpm", "mautic/mautic:6.0.9-apache")).toBe(0);
    expect(compareImageVersions("mautic/mautic:latest", "mautic/mautic:6.0.9-apache")).toBe(0);
  });

  it("offers only images that are not older than the current one", () => {
    const allowed = ["mautic/mautic:7.2.0-apache", "mautic/mautic:6.0.9-apache", "mautic/mautic:5.2.1-apache", "mautic/mautic:6.0.9-fpm"];
    expect(upgradeTargets("mautic/mautic:6.0.9-apache", allowed)).toEqual(["mautic/mautic:7.2.0-apache", "mautic/mautic:6.0.9-fpm"]);
    expect(upgradeTargets("mautic/mautic:7.2.0-apache", allowed)).toEqual([]);
  });
});
