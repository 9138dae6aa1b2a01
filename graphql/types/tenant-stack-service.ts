import type { ServiceName } from "../../server/stacks/names";
import { builder } from "../builder";

const SERVICES = {
  DB: { value: "db", description: "MySQL, the tenant's database." },
  MAUTIC_WEB: { value: "mautic_web", description: "Mautic's web server (Apache, PHP)." },
  MAUTIC_CRON: { value: "mautic_cron", description: "Mautic's scheduled jobs (segments, campaigns, e-mails)." },
  MAUTIC_WORKER: { value: "mautic_worker", description: "Mautic's message queue consumers." },
  MAUTIC_INSTALL: { value: "mautic_install", description: "The one-off job that installs Mautic unattended." },
} as const satisfies Record<string, { value: ServiceName; description: string }>;

// Fails to compile when server/stacks/names.ts gains a service this enum lacks.
const everyService: Exclude<ServiceName, (typeof SERVICES)[keyof typeof SERVICES]["value"]> extends never ? true : never = true;
void everyService;

/** The services of a tenant's stack (server/stacks/names.ts), as GraphQL enum values. */
export const TenantStackServiceEnum = builder.enumType("TenantStackService", {
  description: "One service of a tenant's stack (its Swarm service is `mautic-<slug>_<name>`).",
  values: SERVICES,
});
