/**
 * Rules for what an admin types when creating or changing a tenant. The stack builder's own
 * validators decide slugs, domains and images, so the form and the stack file never disagree.
 */
import { emailProblem } from "../auth/validation";
import { ValidationError, type FieldError } from "../errors";
import { longestScopedNameLength, MAX_SCOPED_NAME_LENGTH } from "../stacks/names";
import type { PlanCatalog } from "../stacks/plans";
import { parseAllowedImage, parseHostname, parseSlug } from "../stacks/validators";

export interface CreateTenantInput {
  name: string;
  slug?: string | null;
  domain: string;
  ownerId?: string | null;
  ownerEmail?: string | null;
  mauticImage?: string | null;
  plan?: string | null;
  mailerDsn?: string | null;
}

export interface ParsedTenantInput {
  name: string;
  /** Null when the slug is to be derived from the name. */
  slug: string | null;
  domain: string;
  mauticImage: string;
  plan: string;
  mailerDsn: string | null;
}

const NAME_MAX = 100;
const MAILER_DSN_MAX = 2000;

export function nameProblem(name: unknown): string | null {
  if (typeof name !== "string" || name.trim() === "") return "Name is required";
  if (name.trim().length > NAME_MAX) return `Name must be at most ${NAME_MAX} characters`;
  if (/\p{Cc}/u.test(name)) return "Name must not contain control characters";
  return null;
}

export function mailerDsnProblem(dsn: string): string | null {
  if (dsn.length > MAILER_DSN_MAX) return `Mailer DSN must be at most ${MAILER_DSN_MAX} characters`;
  if (/[\s\p{Cc}]/u.test(dsn)) return "Mailer DSN must not contain spaces or control characters";
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(dsn)) return "Mailer DSN must look like smtp://user:pass@host:port";
  return null;
}

export function planProblem(plan: string, plans: PlanCatalog): string | null {
  if (!Object.hasOwn(plans.plans, plan)) return `Plan must be one of ${Object.keys(plans.plans).join(", ")}`;
  return null;
}

/** A slug proposal from a name: lowercase ASCII letters, digits and hyphens. */
export function slugFromName(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 24)
    .replace(/-+$/, "");
  return base.length >= 2 ? base : `tenant-${base || "x"}`.slice(0, 24);
}

export function parseCreateTenantInput(
  input: CreateTenantInput,
  options: { allowedImages: readonly string[]; plans: PlanCatalog },
): ParsedTenantInput {
  const errors: FieldError[] = [];
  const nameIssue = nameProblem(input.name);
  if (nameIssue) errors.push({ field: "name", message: nameIssue });

  let slug: string | null = null;
  if (input.slug !== undefined && input.slug !== null && input.slug !== "") {
    const check = parseSlug(input.slug);
    if (!check.ok) errors.push({ field: "slug", message: `Slug: ${check.message}` });
    else if (longestScopedNameLength(check.value) > MAX_SCOPED_NAME_LENGTH) {
      errors.push({ field: "slug", message: "Slug is too long for the stack's service names" });
    } else slug = check.value;
  }

  const domain = parseHostname(input.domain);
  if (!domain.ok) errors.push({ field: "domain", message: `Domain: ${domain.message}` });

  const image = parseAllowedImage(input.mauticImage || options.allowedImages[0], options.allowedImages);
  if (!image.ok) errors.push({ field: "mauticImage", message: `Mautic image: ${image.message}` });

  const plan = input.plan || options.plans.defaultPlan;
  const planIssue = planProblem(plan, options.plans);
  if (planIssue) errors.push({ field: "plan", message: planIssue });

  const mailerDsn = input.mailerDsn ? input.mailerDsn.trim() : null;
  if (mailerDsn) {
    const issue = mailerDsnProblem(mailerDsn);
    if (issue) errors.push({ field: "mailerDsn", message: issue });
  }

  if (!input.ownerId && !input.ownerEmail) errors.push({ field: "ownerId", message: "Choose the owner (a client account) or give an e-mail" });
  else if (!input.ownerId && input.ownerEmail) {
    const issue = emailProblem(input.ownerEmail);
    if (issue) errors.push({ field: "ownerEmail", message: `Owner e-mail ${issue}` });
  }

  if (errors.length > 0) throw new ValidationError(errors);
  return {
    name: input.name.trim(),
    slug,
    domain: (domain as { value: string }).value,
    mauticImage: (image as { value: string }).value,
    plan,
    mailerDsn: mailerDsn || null,
  };
}

/** What an admin may change on an existing tenant; an absent field stays as it is. */
export interface UpdateTenantInput {
  /** Absent or null: unchanged. */
  name?: string | null;
  /** Absent or null: unchanged. */
  plan?: string | null;
  /** Absent: unchanged; null or an empty string: removed. */
  mailerDsn?: string | null;
  /** Absent or null: unchanged. */
  clientMayRestore?: boolean | null;
}

/** The validated change: only the fields to change are present (`mailerDsn: null` removes it). */
export interface ParsedTenantUpdate {
  name?: string;
  plan?: string;
  mailerDsn?: string | null;
  clientMayRestore?: boolean;
}

/** Validates a change with the same rules as creation; throws one ValidationError naming every bad field. */
export function parseUpdateTenantInput(input: UpdateTenantInput, options: { plans: PlanCatalog }): ParsedTenantUpdate {
  const errors: FieldError[] = [];
  const out: ParsedTenantUpdate = {};
  if (input.name !== undefined && input.name !== null) {
    const issue = nameProblem(input.name);
    if (issue) errors.push({ field: "name", message: issue });
    else out.name = input.name.trim();
  }
  if (input.plan !== undefined && input.plan !== null) {
    const issue = planProblem(input.plan, options.plans);
    if (issue) errors.push({ field: "plan", message: issue });
    else out.plan = input.plan;
  }
  if (input.mailerDsn !== undefined) {
    const dsn = input.mailerDsn === null ? "" : input.mailerDsn.trim();
    const issue = dsn === "" ? null : mailerDsnProblem(dsn);
    if (issue) errors.push({ field: "mailerDsn", message: issue });
    else out.mailerDsn = dsn === "" ? null : dsn;
  }
  if (input.clientMayRestore !== undefined && input.clientMayRestore !== null) out.clientMayRestore = input.clientMayRestore;
  if (errors.length > 0) throw new ValidationError(errors);
  return out;
}
