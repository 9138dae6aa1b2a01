/**
 * The services one app instance owns. Created by buildApp(); handed to GraphQL through the
 * context and to scripts directly. Nothing here is a module-level singleton, so two apps in one
 * test process never share state.
 */
import { ApiTokenService } from "./auth/api-tokens";
import { AuditLog } from "./audit/audit-log";
import { AuthService } from "./auth/auth-service";
import { PasswordLinkService } from "./auth/password-links";
import { SessionCookie } from "./auth/session-cookie";
import { SessionStore } from "./auth/sessions";
import { LoginThrottle, RateLimiter } from "./auth/throttle";
import { UserService } from "./auth/users";
import type { Config } from "./config/env";
import type { PrismaClient } from "./db/client";
import { createEventBus, type EventBus } from "./events/event-bus";
import { TenantEventLog } from "./events/tenant-events";
import type { Logger } from "./logger";
import { createPortainerClient, type PortainerClient } from "./portainer/client";
import type { DnsResolver } from "./provisioning/deps";
import { createWorker, systemDnsResolver } from "./provisioning/engine";
import { Reconciler } from "./provisioning/reconcile";
import type { Worker } from "./provisioning/worker";
import { TenantService } from "./tenants/tenant-service";
import { BackupService } from "./backups/backup-service";
import { FleetUpgradeService } from "./upgrades/fleet-upgrades";

export interface Services {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  users: UserService;
  passwordLinks: PasswordLinkService;
  sessions: SessionStore;
  sessionCookie: SessionCookie;
  auth: AuthService;
  apiTokens: ApiTokenService;
  audit: AuditLog;
  bus: EventBus;
  events: TenantEventLog;
  tenants: TenantService;
  backups: BackupService;
  fleet: FleetUpgradeService;
  portainer: PortainerClient;
  worker: Worker;
  reconciler: Reconciler;
}

/** Where Portainer (or the emulator standing in for it) answers. */
export interface PortainerConnection {
  url: string;
  apiKey: string;
  endpointId: number;
  /** Timeout of each ordinary request, in ms (default 30 s). */
  timeoutMs?: number;
}

export function createServices(deps: {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  portainer: PortainerConnection;
  resolveDns?: DnsResolver;
  now?: () => Date;
}): Services {
  const { config, logger, prisma } = deps;
  const bus = createEventBus();
  const events = new TenantEventLog(prisma, bus);
  const portainerLog = logger.child({ component: "portainer" });
  const portainer = createPortainerClient({
    baseUrl: deps.portainer.url,
    apiKey: deps.portainer.apiKey,
    endpointId: deps.portainer.endpointId,
    timeoutMs: deps.portainer.timeoutMs ?? 30_000,
    pollIntervalMs: Math.min(2000, config.provisioning.pollIntervalMs),
    // A deploy that has not settled by the phase deadline fails the phase anyway.
    deployTimeoutMs: config.provisioning.phaseTimeoutMs,
    logger: {
      debug: (fields, message) => portainerLog.debug(fields, message),
      info: (fields, message) => portainerLog.debug(fields, message),
      warn: (fields, message) => portainerLog.warn(fields, message),
    },
  });
  // The worker and the tenant service know each other only through this callback.
  let worker: Worker | null = null;
  const clock = deps.now ? () => deps.now!().getTime() : undefined;
  const passwordLinks = new PasswordLinkService(prisma, {
    appUrl: config.appUrl,
    ttlMs: config.passwordLinkTtlMs,
    attempts: new RateLimiter({ windowMs: 15 * 60_000, limit: 10, now: clock }),
    now: deps.now,
  });
  const users = new UserService(prisma, {
    links: passwordLinks,
    passwordChanges: new RateLimiter({ windowMs: 15 * 60_000, limit: 10, now: clock }),
  });
  const backups = new BackupService(prisma, config, events, () => worker?.kick(), deps.now);
  const tenants = new TenantService(prisma, config, events, bus, () => worker?.kick(), users, backups);
  const fleet = new FleetUpgradeService(prisma, config, tenants, logger.child({ component: "fleet-upgrade" }), deps.now);
  const provisioning = { prisma, config, logger, events, bus, portainer, secrets: tenants.secrets, resolveDns: deps.resolveDns ?? systemDnsResolver, backups, fleet };
  worker = createWorker(provisioning, deps.now);
  const reconciler = new Reconciler(provisioning, () => worker?.kick());
  const sessions = new SessionStore(prisma, { ...config.session, now: deps.now });
  const throttle = new LoginThrottle({
    ...config.loginThrottle,
    now: deps.now ? () => deps.now!().getTime() : undefined,
  });
  return {
    config,
    logger,
    prisma,
    users,
    passwordLinks,
    sessions,
    sessionCookie: new SessionCookie({
      appSecret: config.appSecret,
      secure: config.secureCookies,
      maxAgeMs: config.session.maxAgeMs,
    }),
    auth: new AuthService(prisma, sessions, throttle),
    apiTokens: new ApiTokenService(
      prisma,
      new RateLimiter({ windowMs: 3_600_000, limit: 20, now: deps.now ? () => deps.now!().getTime() : undefined }),
      deps.now,
    ),
    audit: new AuditLog(prisma, logger.child({ component: "audit" })),
    bus,
    events,
    tenants,
    backups,
    fleet,
    portainer,
    worker,
    reconciler,
  };
}
