/**
 * Docker's `filters` query parameter (`api/types/filters`): a JSON object of
 * `{"key": ["value", …]}`, or the legacy `{"key": {"value": true}}` form.
 */
import { DockerApiError } from "./errors";

/** Parsed filters: key → values. */
export type Filters = Map<string, string[]>;

/** Parses `?filters=`; invalid JSON → 400, unknown keys → 400 `invalid filter '<key>'`. */
export function parseFilters(raw: string | null, accepted: readonly string[]): Filters {
  const out: Filters = new Map();
  if (raw === null || raw === "") return out;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new DockerApiError(400, "invalid filter");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new DockerApiError(400, "invalid filter");
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    let values: string[];
    if (Array.isArray(entry)) values = entry.map(String);
    else if (entry !== null && typeof entry === "object") {
      values = Object.entries(entry as Record<string, unknown>)
        .filter(([, on]) => on === true)
        .map(([k]) => k);
    } else throw new DockerApiError(400, "invalid filter");
    if (!accepted.includes(key)) throw new DockerApiError(400, `invalid filter '${key}'`);
    out.set(key, values);
  }
  return out;
}

/**
 * `label` filter semantics (swarmkit `filterMatchLabels`, daemon `MatchKVList`): every
 * `k` must be present, every `k=v` must match exactly.
 */
export function matchLabels(filters: Filters, labels: Record<string, string>, key = "label"): boolean {
  for (const expr of filters.get(key) ?? []) {
    const eq = expr.indexOf("=");
    if (eq < 0) {
      if (!(expr in labels)) return false;
    } else if (labels[expr.slice(0, eq)] !== expr.slice(eq + 1)) return false;
  }
  return true;
}

/** True when the filter is absent or any of its values satisfies `test`. */
export function anyOf(filters: Filters, key: string, test: (value: string) => boolean): boolean {
  const values = filters.get(key);
  if (!values || values.length === 0) return true;
  return values.some(test);
}
