import type { BackupService } from "../backups/backup-service";
import type { FleetUpgradeService } from "../upgrades/fleet-upgrades";
import type { Config } from "../config/env";
import type { PrismaClient } from "../db/client";
import type { EventBus } from "../events/event-bus";
import type { TenantEventLog } from "../events/tenant-events";
import type { Logger } from "../logger";
import type { PortainerClient } from "../portainer/client";
import type { TenantSecretBox } from "../tenants/tenant-secrets";

/** Resolves a host name to the addresses (and CNAME targets) it points to; injectable for tests. */
export type DnsResolver = (hostname: string) => Promise<string[]>;

/** What the job handlers and the reconcile loop work with. */
export interface ProvisioningDeps {
  prisma: PrismaClient;
  config: Config;
  logger: Logger;
  events: TenantEventLog;
  bus: EventBus;
  portainer: PortainerClient;
  secrets: TenantSecretBox;
  resolveDns: DnsResolver;
  backups: BackupService;
  fleet: FleetUpgradeService;
}
