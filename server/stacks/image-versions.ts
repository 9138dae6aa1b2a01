/**
 * Which Mautic image is newer, from the version in its tag (`mautic/mautic:7.2.0-apache` → 7.2.0).
 * Mautic's migrations only go forward, so an "upgrade" to an older version would run old code on
 * a newer schema: the panel refuses it (a restore of a backup taken on that version goes back).
 */

/** The `major.minor.patch` of an image's tag, or null when the tag names no version (e.g. `latest`). */
export function imageVersion(image: string): [number, number, number] | null {
  const tag = image.split("@")[0]!.split("/").pop()!.split(":")[1];
  const match = tag ? /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-_.]|$)/.exec(tag) : null;
  return match ? [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)] : null;
}

/** Negative when `a` is older than `b`, positive when newer, 0 when equal or either has no version. */
export function compareImageVersions(a: string, b: string): number {
  const [va, vb] = [imageVersion(a), imageVersion(b)];
  if (!va || !vb) return 0;
  for (let i = 0; i < 3; i++) if (va[i] !== vb[i]) return va[i]! - vb[i]!;
  return 0;
}

/** The images `current` may be upgraded to: the others of `allowed` that are not older. */
export function upgradeTargets(current: string, allowed: readonly string[]): string[] {
  return allowed.filter((image) => image !== current && compareImageVersions(image, current) >= 0);
}
