import { Badge, type BadgeTone } from "../ui";

const STATUS_TONE: Record<string, BadgeTone> = {
  PENDING: "neutral",
  PROVISIONING: "info",
  ACTIVE: "success",
  ERROR: "danger",
  SUSPENDED: "warning",
  MAINTENANCE: "info",
  DELETING: "accent",
  DELETED: "neutral",
};

/** A tenant's status word on its colour (the word is always there; the colour only repeats it). */
export function TenantStatusBadge({ status, ...rest }: { status: string; "data-testid"?: string }) {
  return (
    <Badge tone={STATUS_TONE[status] ?? "neutral"} {...rest}>
      {status}
    </Badge>
  );
}

const HEALTH_TONE: Record<string, BadgeTone> = {
  healthy: "success",
  running: "success",
  complete: "neutral",
  starting: "info",
  degraded: "warning",
  missing: "warning",
  stopped: "neutral",
  down: "danger",
  "crash-looping": "danger",
  "image-failure": "danger",
  unschedulable: "danger",
  failed: "danger",
};

/** The reconcile loop's word for a tenant's or a service's health; "not checked" before the first look. */
export function HealthBadge({ health, ...rest }: { health: string | null | undefined; "data-testid"?: string }) {
  if (!health) return <Badge tone="neutral" {...rest}>not checked</Badge>;
  return (
    <Badge tone={HEALTH_TONE[health] ?? "neutral"} {...rest}>
      {health}
    </Badge>
  );
}
