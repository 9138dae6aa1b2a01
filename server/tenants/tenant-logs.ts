/**
 * Recent log lines of one service of a tenant's stack, read through Portainer, with every
 * occurrence of the tenant's own secrets (its passwords, its mailer DSN and the DSN's password)
 * replaced by `[redacted]` before anything leaves the panel.
 */
import { UnavailableError } from "../errors";
import type { Tenant } from "../generated/prisma/client";
import type { PortainerClient } from "../portainer/client";
import { isPortainerError } from "../portainer/errors";
import { SERVICE_NAMES, stackNameFor, type ServiceName } from "../stacks/names";
import type { TenantSecretBox } from "./tenant-secrets";

export const LOG_TAIL_MAX = 1000;
export const LOG_TAIL_DEFAULT = 200;

export interface TenantLogLine {
  timestamp: Date | null;
  stream: "STDOUT" | "STDERR";
  message: string;
}

export const REDACTED = "[redacted]";

/** Secrets shorter than this are not searched for (they would match ordinary text). */
const NEEDLE_MIN = 4;

/** Every form in which one of the tenant's secrets could appear in a log line. */
export function tenantSecretNeedles(tenant: Tenant, box: TenantSecretBox): string[] {
  const values = [
    box.open(tenant.id, "mysqlPassword", tenant.mysqlPasswordEnc),
    box.open(tenant.id, "mysqlRootPassword", tenant.mysqlRootPasswordEnc),
    box.open(tenant.id, "mauticAdminPassword", tenant.mauticAdminPasswordEnc),
  ];
  if (tenant.mailerDsnEnc) {
    const dsn = box.open(tenant.id, "mailerDsn", tenant.mailerDsnEnc);
    values.push(dsn);
    // The DSN's password may be printed on its own (e.g. by a mailer's error message).
    const match = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]*)@/i.exec(dsn);
    if (match?.[1]) {
      values.push(match[1]);
      try {
        values.push(decodeURIComponent(match[1]));
      } catch {
        // Not percent-encoded: the raw form is enough.
      }
    }
  }
  const needles = new Set<string>();
  for (const value of values) {
    for (const form of [value, encodeURIComponent(value)]) if (form.length >= NEEDLE_MIN) needles.add(form);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...needles].sort((a, b) => b.length - a.length);
}

/** Replaces every needle in `text` by `[redacted]`. */
export function redact(text: string, needles: readonly string[]): string {
  let out = text;
  for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
  return out;
}

function parseTimestamp(value: string | null): Date | null {
  if (!value) return null;
  // Docker writes nanoseconds; Date keeps milliseconds.
  const date = new Date(value.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The last `tail` lines of `service` of the tenant's stack, redacted. UnavailableError when the
 * stack is not deployed, the service does not run (suspended, deleted) or Portainer fails;
 * `detailed` adds Portainer's own explanation (for an ADMIN; a CLIENT is not told about Portainer).
 */
export async function readTenantLogs(
  deps: { portainer: PortainerClient; secrets: TenantSecretBox },
  tenant: Tenant,
  service: ServiceName,
  options: { tail: number; detailed: boolean },
): Promise<TenantLogLine[]> {
  if (!SERVICE_NAMES.includes(service)) throw new RangeError(`Unknown service ${service}`);
  const notRunning = (why: string) => new UnavailableError(`There are no logs for ${service}: ${why}.`);
  if (tenant.status === "DELETED") throw notRunning("the tenant is deleted");
  if (!tenant.stackName && (tenant.status === "PENDING" || tenant.status === "PROVISIONING")) {
    throw notRunning(`the tenant's stack is not deployed yet (status ${tenant.status}); try again once provisioning has reached DEPLOYING`);
  }
  const fullName = `${tenant.stackName ?? stackNameFor(tenant.slug)}_${service}`;
  let lines;
  try {
    lines = await deps.portainer.getServiceLogs(fullName, { tail: options.tail, timestamps: true });
  } catch (error) {
    if (isPortainerError(error, "NOT_FOUND") && error.reason === undefined) {
      if (tenant.status === "SUSPENDED") throw notRunning("the tenant is suspended, so its services are stopped; resume it to see logs");
      if (tenant.status === "DELETING") throw notRunning("the tenant is being deleted");
      throw notRunning(
        `the service ${fullName} does not exist in Swarm (status ${tenant.status}${tenant.phase ? `, phase ${tenant.phase}` : ""})` +
          (options.detailed ? "; redeploy the tenant or retry its provisioning to recreate it" : ""),
      );
    }
    if (isPortainerError(error)) {
      throw new UnavailableError(
        options.detailed
          ? `The logs cannot be read from Portainer: ${error.message}`
          : "The logs cannot be read right now: the hosting platform did not answer. Try again in a few minutes, or contact your provider if it persists.",
      );
    }
    throw error;
  }
  const needles = tenantSecretNeedles(tenant, deps.secrets);
  // Docker applies `tail` per task; a service with several tasks can send more.
  return lines.slice(-options.tail).map((line) => ({
    timestamp: parseTimestamp(line.timestamp),
    stream: line.stream === "stderr" ? "STDERR" : "STDOUT",
    message: redact(line.text, needles),
  }));
}
