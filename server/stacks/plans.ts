/**
 * Plans: named resource presets that decide the CPU and memory limits and reservations of every service
 * of a tenant stack, and how many queue consumers the worker runs. Built-in presets ship with the panel;
 * an operator can replace them with a JSON file (the lead's config reads its path from `PLANS_FILE`).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

/** The stack services a plan sizes (the install job is sized too: `mautic:install` needs PHP's 512 MB). */
export const PLAN_SERVICES = ["db", "web", "cron", "worker", "install"] as const;
export type PlanService = (typeof PLAN_SERVICES)[number];

/** CPUs (fractions allowed, two decimals at most) and memory in MiB. */
export interface ResourceSpec {
  readonly cpus: number;
  readonly memoryMiB: number;
}

/** Hard limit and scheduler reservation of one service. A zero reservation is left out of the stack. */
export interface ServiceResources {
  readonly limits: ResourceSpec;
  readonly reservations: ResourceSpec;
}

/** Processes the worker's supervisord starts per queue (`DOCKER_MAUTIC_WORKERS_CONSUME_*`). */
export interface WorkerConsumers {
  readonly email: number;
  readonly hit: number;
  readonly failed: number;
}

/** When the panel backs a tenant up on its own, and how many of those backups it keeps. */
export interface BackupPolicy {
  /** Hours between scheduled backups; 0 turns the schedule off. */
  readonly everyHours: number;
  /** Scheduled backups kept per tenant (the newest); older ones are removed by the next backup. */
  readonly keep: number;
}

/** The policy of a plan that does not say. */
export const DEFAULT_BACKUP_POLICY: BackupPolicy = { everyHours: 24, keep: 7 };

/** One plan. */
export interface Plan {
  readonly name: string;
  readonly label: string;
  readonly services: Readonly<Record<PlanService, ServiceResources>>;
  readonly workers: WorkerConsumers;
  readonly backups: BackupPolicy;
}

/** All plans an admin can choose from, and the one new tenants get by default. */
export interface PlanCatalog {
  readonly defaultPlan: string;
  readonly plans: Readonly<Record<string, Plan>>;
}

/** Thrown by {@link loadPlans} when the plans file cannot be used; `problems` lists every issue found. */
export class PlansFileError extends Error {
  readonly code = "PLANS_FILE_INVALID" as const;

  constructor(
    readonly filePath: string,
    readonly problems: readonly string[],
  ) {
    super(`The plans file ${filePath} is not valid:\n${problems.map((p) => `- ${p}`).join("\n")}`);
    this.name = "PlansFileError";
  }
}

const res = (cpus: number, memoryMiB: number): ResourceSpec => ({ cpus, memoryMiB });

/**
 * Built-in presets. Starting points, not measurements: the DB and web sizes follow the reference stack,
 * the worker gets room for each consumer to reach PHP's 512 MB memory_limit (docker-mautic#355).
 */
export const BUILTIN_PLANS: PlanCatalog = {
  defaultPlan: "standard",
  plans: {
    small: {
      name: "small",
      label: "Small",
      services: {
        db: { limits: res(1, 1024), reservations: res(0.25, 512) },
        web: { limits: res(1, 1024), reservations: res(0.25, 384) },
        cron: { limits: res(0.5, 512), reservations: res(0.05, 128) },
        worker: { limits: res(0.5, 768), reservations: res(0.05, 192) },
        install: { limits: res(1, 768), reservations: res(0, 256) },
      },
      workers: { email: 1, hit: 1, failed: 1 },
      backups: { everyHours: 24, keep: 7 },
    },
    standard: {
      name: "standard",
      label: "Standard",
      services: {
        db: { limits: res(2, 2048), reservations: res(0.5, 1024) },
        web: { limits: res(2, 2048), reservations: res(0.5, 768) },
        cron: { limits: res(1, 768), reservations: res(0.1, 192) },
        worker: { limits: res(1, 1536), reservations: res(0.1, 384) },
        install: { limits: res(1, 1024), reservations: res(0, 256) },
      },
      workers: { email: 2, hit: 1, failed: 1 },
      backups: { everyHours: 24, keep: 14 },
    },
    large: {
      name: "large",
      label: "Large",
      services: {
        db: { limits: res(4, 4096), reservations: res(1, 2048) },
        web: { limits: res(4, 4096), reservations: res(1, 1536) },
        cron: { limits: res(1, 1024), reservations: res(0.25, 256) },
        worker: { limits: res(2, 3072), reservations: res(0.25, 768) },
        install: { limits: res(2, 1536), reservations: res(0, 512) },
      },
      workers: { email: 3, hit: 2, failed: 1 },
      backups: { everyHours: 12, keep: 28 },
    },
  },
};

const PLAN_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const hundredths = (n: number) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9;

/** Zod error option for type errors: "is missing" for an absent key, the expectation otherwise. */
const expect = (what: string) => ({
  error: (issue: { code?: string; input?: unknown }) => {
    if (issue.code !== "invalid_type") return undefined;
    return issue.input === undefined ? "is missing" : what;
  },
});

const cpus = (min: number) =>
  z
    .number(expect("must be a number of CPUs"))
    .min(min, { error: `must be at least ${min}` })
    .max(256, { error: "must be at most 256" })
    .refine(hundredths, { error: "may have at most two decimals" });
const memory = (min: number) =>
  z
    .int(expect("must be a whole number of MiB"))
    .min(min, { error: `must be at least ${min} MiB` })
    .max(1_048_576, { error: "must be at most 1048576 MiB (1 TiB)" });

const object = expect("must be an object");
const serviceSchema = z.strictObject(
  {
    limits: z.strictObject({ cpus: cpus(0.01), memoryMiB: memory(64) }, object),
    reservations: z.strictObject({ cpus: cpus(0), memoryMiB: memory(0) }, object),
  },
  object,
);
const consumers = z
  .int(expect("must be a whole number"))
  .min(1, { error: "must be at least 1" })
  .max(16, { error: "must be at most 16" });
const planSchema = z.strictObject(
  {
    label: z.string({ error: "must be a string" }).trim().min(1, { error: "must not be empty" }).max(64).optional(),
    services: z.strictObject(
      { db: serviceSchema, web: serviceSchema, cron: serviceSchema, worker: serviceSchema, install: serviceSchema },
      object,
    ),
    workers: z.strictObject({ email: consumers, hit: consumers, failed: consumers }, object),
    backups: z
      .strictObject(
        {
          everyHours: z.int(expect("must be a whole number of hours")).min(0, { error: "must be at least 0 (no schedule)" }).max(8760, { error: "must be at most 8760 (a year)" }),
          keep: z.int(expect("must be a whole number")).min(1, { error: "must be at least 1" }).max(1000, { error: "must be at most 1000" }),
        },
        object,
      )
      .optional(),
  },
  object,
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[]): string[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

/**
 * Validates plan catalog JSON (already parsed). Returns the catalog or the full list of problems, so an
 * operator fixes the file in one go. Pure; {@link loadPlans} adds the file reading.
 */
export function parsePlanCatalog(json: unknown): { ok: true; catalog: PlanCatalog } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (!isRecord(json)) return { ok: false, problems: ["the file must contain a JSON object with a \"plans\" object"] };
  // The top level is checked by hand so that an unknown key there does not hide the plans' problems.
  for (const key of Object.keys(json)) {
    if (key !== "plans" && key !== "defaultPlan") problems.push(`${key}: unknown key (expected "plans" and "defaultPlan")`);
  }
  const rawDefault = json["defaultPlan"];
  if (rawDefault !== undefined && typeof rawDefault !== "string") problems.push("defaultPlan: must be a plan name");
  const rawPlans = json["plans"];
  if (!isRecord(rawPlans)) {
    problems.push("plans: must be an object mapping plan names to plans");
    return { ok: false, problems };
  }
  const plans: Record<string, Plan> = {};
  const names = Object.keys(rawPlans);
  if (names.length === 0) problems.push("plans: define at least one plan");
  for (const name of names) {
    if (!PLAN_NAME.test(name)) {
      problems.push(`plans.${name}: a plan name must be 1-32 lowercase letters, digits or hyphens, starting with a letter`);
    }
    const parsed = planSchema.safeParse(rawPlans[name]);
    if (!parsed.success) {
      problems.push(...formatIssues(parsed.error, ["plans", name]));
      continue;
    }
    // Cross-field rules run per plan, so one broken plan does not hide the problems of another.
    for (const service of PLAN_SERVICES) {
      const { limits, reservations } = parsed.data.services[service];
      const at = `plans.${name}.services.${service}.reservations`;
      if (reservations.cpus > limits.cpus) problems.push(`${at}.cpus: must not exceed the limit (${limits.cpus})`);
      if (reservations.memoryMiB > limits.memoryMiB) {
        problems.push(`${at}.memoryMiB: must not exceed the limit (${limits.memoryMiB})`);
      }
    }
    plans[name] = {
      name,
      label: parsed.data.label ?? name,
      services: parsed.data.services,
      workers: parsed.data.workers,
      backups: parsed.data.backups ?? DEFAULT_BACKUP_POLICY,
    };
  }
  const defaultPlan = typeof rawDefault === "string" ? rawDefault : (names[0] ?? "");
  if (typeof rawDefault === "string" && !names.includes(rawDefault)) {
    problems.push(`defaultPlan: "${rawDefault}" is not one of the plans (${names.join(", ")})`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, catalog: { defaultPlan, plans } };
}

/**
 * The plan catalog: the built-in presets without a path, otherwise the JSON file at `filePath`, which
 * replaces them entirely. Throws {@link PlansFileError} listing every problem (unreadable file, invalid
 * JSON, unknown keys, out-of-range numbers, reservations above limits, unknown default plan).
 *
 * File format: `{ "defaultPlan"?: string, "plans": { "<name>": { "label"?: string,
 * "services": { "db"|"web"|"cron"|"worker"|"install": { "limits": { "cpus", "memoryMiB" },
 * "reservations": { "cpus", "memoryMiB" } } }, "workers": { "email", "hit", "failed" },
 * "backups"?: { "everyHours", "keep" } } } }` (backups default to daily, keep 7).
 */
export function loadPlans(filePath?: string): PlanCatalog {
  if (filePath === undefined || filePath === "") return BUILTIN_PLANS;
  let text: string;
  try {
    text = readFileSync(filePath, "utf8");
  } catch (error) {
    throw new PlansFileError(filePath, [`cannot read the file: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PlansFileError(filePath, [`not valid JSON: ${(error as Error).message}`]);
  }
  const result = parsePlanCatalog(json);
  if (!result.ok) throw new PlansFileError(filePath, result.problems);
  return result.catalog;
}
