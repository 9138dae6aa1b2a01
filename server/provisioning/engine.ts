/**
 * The provisioning engine of one app instance: the worker with a handler per job type.
 */
import dns from "node:dns/promises";
import type { DnsResolver, ProvisioningDeps } from "./deps";
import { backupHandler, purgeHandler } from "./handlers/backup";
import { restoreHandler } from "./handlers/restore";
import { upgradeHandler } from "./handlers/upgrade";
import { deleteHandler, redeployHandler, resumeHandler, suspendHandler } from "./handlers/lifecycle";
import { provisionHandler } from "./handlers/provision";
import { Worker } from "./worker";

/** The system resolver: A/AAAA addresses and, when the name is an alias, its CNAME target. */
export const systemDnsResolver: DnsResolver = async (hostname) => {
  const answers: string[] = [];
  const [v4, v6, cname] = await Promise.allSettled([dns.resolve4(hostname), dns.resolve6(hostname), dns.resolveCname(hostname)]);
  for (const r of [v4, v6, cname]) if (r.status === "fulfilled") answers.push(...r.value);
  if (answers.length === 0) throw new Error("no A, AAAA or CNAME record");
  return answers;
};

export function createWorker(deps: ProvisioningDeps, now?: () => Date): Worker {
  const { config } = deps;
  return new Worker(
    deps.prisma,
    {
      PROVISION: provisionHandler(deps),
      SUSPEND: suspendHandler(deps),
      RESUME: resumeHandler(deps),
      REDEPLOY: redeployHandler(deps),
      DELETE: deleteHandler(deps),
      BACKUP: backupHandler(deps),
      RESTORE: restoreHandler(deps),
      UPGRADE: upgradeHandler(deps),
      PURGE: purgeHandler(deps),
    },
    {
      concurrency: config.provisioning.concurrency,
      pollIntervalMs: config.provisioning.pollIntervalMs,
      leaseMs: Math.max(60_000, config.provisioning.phaseTimeoutMs),
      retryBaseMs: config.provisioning.retryBaseMs,
      retryMaxMs: config.provisioning.retryMaxMs,
      ...(now ? { now } : {}),
    },
    deps.logger.child({ component: "worker" }),
  );
}
