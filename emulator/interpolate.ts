/**
 * `${VAR}` substitution exactly as docker CLI's compose loader does it
 * (`cli/compose/template/template.go` and `cli/compose/interpolation/interpolation.go`): same
 * pattern, same default/required operators, same error texts. Portainer passes a stack's `Env`
 * only as environment of the `docker stack deploy` process, so these values feed substitution and
 * nothing else.
 */
import { DeployError } from "./errors";

/** Variable lookup: `undefined` means "unset", which differs from an empty value. */
export type Lookup = (name: string) => string | undefined;

// The CLI's pattern: `$$` escape, `$name`, `${name}` or an invalid `$`; `(?i:…)` in Go.
const SUBST = "[_a-z][_a-z0-9]*(?::?[-?][^}]*)?";
const PATTERN = new RegExp(`\\$(?:(\\$)|(${SUBST})|\\{(${SUBST})\\}|())`, "gi");

class InvalidTemplate extends Error {
  constructor(readonly template: string) {
    super(template);
  }
}

function partition(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ""] : [s.slice(0, i), s.slice(i + sep.length)];
}

function substituteOne(substitution: string, lookup: Lookup): string {
  // Order matters and mirrors DefaultSubstituteFuncs: softDefault, hardDefault, requiredNonEmpty, required.
  if (substitution.includes(":-")) {
    const [name, def] = partition(substitution, ":-");
    const value = lookup(name);
    return value === undefined || value === "" ? def : value;
  }
  if (substitution.includes("-")) {
    const [name, def] = partition(substitution, "-");
    const value = lookup(name);
    return value === undefined ? def : value;
  }
  if (substitution.includes(":?")) {
    const [name, msg] = partition(substitution, ":?");
    const value = lookup(name);
    if (value === undefined || value === "") {
      throw new InvalidTemplate(`required variable ${name} is missing a value: ${msg}`);
    }
    return value;
  }
  if (substitution.includes("?")) {
    const [name, msg] = partition(substitution, "?");
    const value = lookup(name);
    if (value === undefined) throw new InvalidTemplate(`required variable ${name} is missing a value: ${msg}`);
    return value;
  }
  return lookup(substitution) ?? "";
}

/** Substitutes one string; throws {@link InvalidTemplate} like `template.Substitute`. */
function substitute(template: string, lookup: Lookup): string {
  let failure: InvalidTemplate | undefined;
  const result = template.replace(
    PATTERN,
    (_m, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (failure) return "";
      if (escaped) return escaped;
      const substitution = named || braced;
      if (!substitution) {
        failure = new InvalidTemplate(template);
        return "";
      }
      try {
        return substituteOne(substitution, lookup);
      } catch (err) {
        if (err instanceof InvalidTemplate) failure = err;
        else throw err;
        return "";
      }
    },
  );
  if (failure) throw failure;
  return result;
}

/** Go's `%#v` for a string: a double-quoted literal with Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

type Caster = (value: string) => unknown;

const toInt: Caster = (value) => {
  if (!/^[+-]?\d+$/.test(value)) throw new Error(`strconv.Atoi: parsing ${goQuote(value)}: invalid syntax`);
  return Number(value);
};
const toFloat: Caster = (value) => {
  const n = Number(value);
  if (value.trim() === "" || Number.isNaN(n)) {
    throw new Error(`strconv.ParseFloat: parsing ${goQuote(value)}: invalid syntax`);
  }
  return n;
};
const toBoolean: Caster = (value) => {
  switch (value.toLowerCase()) {
    case "y":
    case "yes":
    case "true":
    case "on":
      return true;
    case "n":
    case "no":
    case "false":
    case "off":
      return false;
    default:
      throw new Error(`invalid boolean: ${value}`);
  }
};

// The CLI's interpolateTypeCastMapping (cli/compose/loader/interpolate.go), restricted to the
// paths a stack file for this project can contain.
const CASTS: Array<[string, Caster]> = [
  ["services.*.deploy.replicas", toInt],
  ["services.*.deploy.restart_policy.max_attempts", toInt],
  ["services.*.deploy.update_config.parallelism", toInt],
  ["services.*.deploy.update_config.max_failure_ratio", toFloat],
  ["services.*.deploy.rollback_config.parallelism", toInt],
  ["services.*.deploy.rollback_config.max_failure_ratio", toFloat],
  ["services.*.deploy.placement.max_replicas_per_node", toInt],
  ["services.*.healthcheck.retries", toInt],
  ["services.*.healthcheck.disable", toBoolean],
  ["services.*.init", toBoolean],
  ["services.*.privileged", toBoolean],
  ["services.*.read_only", toBoolean],
  ["services.*.stdin_open", toBoolean],
  ["services.*.tty", toBoolean],
  ["services.*.oom_score_adj", toInt],
  ["services.*.ports.[].target", toInt],
  ["services.*.ports.[].published", toInt],
  ["services.*.ulimits.*", toInt],
  ["services.*.ulimits.*.hard", toInt],
  ["services.*.ulimits.*.soft", toInt],
  ["services.*.volumes.[].read_only", toBoolean],
  ["services.*.volumes.[].volume.nocopy", toBoolean],
  ["networks.*.external", toBoolean],
  ["networks.*.internal", toBoolean],
  ["networks.*.attachable", toBoolean],
  ["volumes.*.external", toBoolean],
  ["secrets.*.external", toBoolean],
  ["configs.*.external", toBoolean],
];

function pathMatches(path: string[], pattern: string): boolean {
  const parts = pattern.split(".");
  if (parts.length !== path.length) return false;
  return parts.every((p, i) => p === "*" || p === path[i]);
}

function casterFor(path: string[]): Caster | undefined {
  return CASTS.find(([pattern]) => pathMatches(path, pattern))?.[1];
}

function interpolateValue(value: unknown, path: string[], lookup: Lookup): unknown {
  if (typeof value === "string") {
    let replaced: string;
    try {
      replaced = substitute(value, lookup);
    } catch (err) {
      if (err instanceof InvalidTemplate) {
        throw new DeployError(
          `invalid interpolation format for ${path.join(".")}: ${goQuote(err.template)}; ` +
            "you may need to escape any $ with another $",
          "load",
        );
      }
      throw err;
    }
    if (replaced === value) return value;
    const caster = casterFor(path);
    if (!caster) return replaced;
    try {
      return caster(replaced);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new DeployError(
        `error while interpolating ${path.join(".")}: failed to cast to expected type: ${reason}`,
        "load",
      );
    }
  }
  if (Array.isArray(value)) return value.map((item) => interpolateValue(item, [...path, "[]"], lookup));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      out[key] = interpolateValue(item, [...path, key], lookup);
    }
    return out;
  }
  return value;
}

/**
 * Interpolates every string of a parsed compose document (extension fields included, which is
 * what lets `x-tenant: "${TENANT:?…}"` fail a deploy early). Throws a load-stage {@link DeployError}.
 */
export function interpolateDocument(doc: Record<string, unknown>, lookup: Lookup): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) out[key] = interpolateValue(value, [key], lookup);
  return out;
}
