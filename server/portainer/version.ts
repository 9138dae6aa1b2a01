/**
 * Which Portainer releases the client supports, and how each deploys.
 *
 * - Below 2.20: refused. The tenant stack uses Swarm jobs (`mode: replicated-job`), which need
 *   docker CLI ≥ 23; Portainer bundles CLI 24 from 2.20 on (2.19 bundles 20.10).
 * - 2.20–2.39: synchronous deploys (verified against 2.20–2.23; reported for 2.39.6).
 * - 2.40 and later: asynchronous deploys (seen in 2.45; the first asynchronous release between
 *   2.40 and 2.45 is not known, and the client confirms every deploy by reading the stack back, so
 *   either family copes with a stack that is still deploying).
 */
import type { DeployFamily } from "./domain";

/** The oldest Portainer version the client accepts. */
export const MIN_PORTAINER_VERSION = "2.20.0";

/** The first version treated as asynchronous. */
export const ASYNC_FROM_VERSION = "2.40.0";

/** A parsed `X.Y.Z` version (a suffix such as `-rc1` or ` LTS` is ignored). */
export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
}

/** Parses the leading `X.Y[.Z]` of a version string; `null` when there is none. */
export function parseVersion(raw: string): ParsedVersion | null {
  const match = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? "0") };
}

/** Negative, zero or positive like a sort comparator. */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

const MIN = parseVersion(MIN_PORTAINER_VERSION) as ParsedVersion;
const ASYNC = parseVersion(ASYNC_FROM_VERSION) as ParsedVersion;

/** The deploy family of a supported version, or `null` for an older (or unreadable) one. */
export function deployFamilyOf(raw: string): DeployFamily | null {
  const version = parseVersion(raw);
  if (!version || compareVersions(version, MIN) < 0) return null;
  return compareVersions(version, ASYNC) >= 0 ? "async" : "sync";
}
