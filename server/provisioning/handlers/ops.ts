/**
 * Running one operation (a backup or a restore script) in a tenant's ops stack: deploy it, see how
 * its one-shot job is doing, remove it. Used by the BACKUP, RESTORE and UPGRADE jobs. See
 * server/stacks/build-ops-stack.ts and docs/decisions/012-backups-ops-stack.md.
 */
import { createHmac } from "node:crypto";
import type { Tenant } from "../../generated/prisma/client";
import { isPortainerError } from "../../portainer/errors";
import { buildOpsStack, type OpsJob, type OpsS3Settings } from "../../stacks/build-ops-stack";
import { backupVolumeNameFor, OPS_SERVICE, opsStackNameFor, PANEL_LABELS, tenantSecretNames } from "../../stacks/names";
import { renderStackYaml } from "../../stacks/render";
import { loadOpsScripts, opsConfigName } from "../../stacks/stack-files";
import { redact, tenantSecretNeedles } from "../../tenants/tenant-logs";
import type { ProvisioningDeps } from "../deps";
import { tenantObjectLabels } from "../tenant-stack";
import { ignoreConflict } from "./shared";

/** Task states that end a one-shot job without success. */
const FAILED_STATES = ["failed", "rejected", "orphaned", "shutdown", "remove"];

/** Lines of the job's log kept in an error message. */
const ERROR_LINES = 5;

export type OpsOutcome =
  /** No ops stack: it was removed (a failed run being retried) or never deployed. */
  | { state: "missing" }
  | { state: "running"; detail: string }
  | { state: "complete"; lines: string[] }
  | { state: "failed"; detail: string };

export interface OpsRunner {
  /** Creates the script's config (and the S3 key's secret) when missing, clears a leftover ops stack, deploys; the stack's id. */
  deploy(tenant: Tenant, job: OpsJob, options?: { backupVolume?: string }): Promise<number>;
  /** Where the job is: not deployed, still running, complete (with its log), or failed (with the script's words, redacted). */
  outcome(tenant: Tenant): Promise<OpsOutcome>;
  /** Removes the tenant's ops stack if there is one. */
  remove(tenant: Tenant): Promise<void>;
}

export function opsRunner(deps: ProvisioningDeps): OpsRunner {
  const { portainer, config } = deps;

  async function remove(tenant: Tenant): Promise<void> {
    const stack = await portainer.findStackByName(opsStackNameFor(tenant.slug));
    if (!stack) return;
    try {
      await portainer.deleteStack(stack.id);
    } catch (error) {
      if (!isPortainerError(error, "NOT_FOUND")) throw error;
    }
  }

  function logLines(tenant: Tenant) {
    return portainer.getServiceLogs(`${opsStackNameFor(tenant.slug)}_${OPS_SERVICE}`, { tail: 200 });
  }

  return {
    remove,

    async deploy(tenant, job, options = {}) {
      // A purge is the backup script in its purge mode.
      const kind = job.kind === "purge" ? "backup" : job.kind;
      const script = loadOpsScripts()[kind];
      const scriptConfig = opsConfigName(tenant.slug, kind, script);
      const s3 = config.backups.s3;
      const s3SecretName = s3 ? `mautic-panel-s3-${createHmac("sha256", config.appSecret).update(`${s3.accessKeyId}\n${s3.secretAccessKey}`).digest("hex").slice(0, 12)}` : null;
      const [configs, secrets] = await Promise.all([
        portainer.listConfigs({ names: [scriptConfig] }),
        s3SecretName ? portainer.listSecrets({ names: [s3SecretName] }) : Promise.resolve([]),
      ]);
      if (configs.length === 0) await ignoreConflict(portainer.createConfig({ name: scriptConfig, data: script.content, labels: tenantObjectLabels(tenant.id) }));
      if (s3 && s3SecretName && secrets.length === 0) {
        // Shared by every tenant's jobs, so not labelled with a tenant (a tenant's delete keeps it).
        await ignoreConflict(portainer.createSecret({ name: s3SecretName, data: s3.secretAccessKey, labels: { [PANEL_LABELS.managed]: "true" } }));
      }
      // A stack left by a run the panel lost track of (a crash) holds the name: it is ours to remove.
      await remove(tenant);
      const s3Settings: OpsS3Settings | null = s3 && s3SecretName ? { ...s3, secretName: s3SecretName } : null;
      const plans = config.stacks.plans;
      const yaml = renderStackYaml(
        buildOpsStack(
          {
            tenantId: tenant.id,
            slug: tenant.slug,
            mauticImage: tenant.mauticImage,
            nodeHostname: tenant.nodeHostname,
            placement: config.stacks.placement,
            mysqlDatabase: tenant.mysqlDatabase,
            mysqlUser: tenant.mysqlUser,
            dbPasswordSecret: tenantSecretNames(tenant.slug, { mailerDsn: false }).dbPassword,
            scriptConfig,
            backupVolume: options.backupVolume ?? backupVolumeNameFor(tenant.slug),
            resources: (plans.plans[tenant.plan] ?? plans.plans[plans.defaultPlan]!).services.install,
            s3: s3Settings,
          },
          job,
        ),
      );
      const { stack } = await portainer.createSwarmStackFromString({ name: opsStackNameFor(tenant.slug), stackFileContent: yaml, ...(tenant.swarmId ? { swarmId: tenant.swarmId } : {}) });
      return stack.id;
    },

    async outcome(tenant) {
      const tasks = await portainer.listTasks({ stack: opsStackNameFor(tenant.slug) });
      const latest = [...tasks].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
      const settled = !latest || latest.state === "complete" || FAILED_STATES.includes(latest.state);
      // While the job runs, no stack listing (one call for the whole endpoint) on every poll; before
      // a verdict, make sure the tasks seen are not those of a stack already removed.
      if (settled && !(await portainer.findStackByName(opsStackNameFor(tenant.slug)))) return { state: "missing" };
      if (!latest) return { state: "running", detail: "the job has no task yet" };
      if (latest.state === "complete") return { state: "complete", lines: (await logLines(tenant)).map((l) => l.text) };
      if (FAILED_STATES.includes(latest.state)) {
        const lines = await logLines(tenant).catch(() => []);
        const errors = lines.filter((l) => l.stream === "stderr" || l.text.includes("ERROR")).map((l) => l.text);
        const why = errors.length > 0 ? errors.slice(-ERROR_LINES).join(" | ") : (latest.error ?? latest.message ?? latest.state);
        return { state: "failed", detail: redact(why, tenantSecretNeedles(tenant, deps.secrets)) };
      }
      return { state: "running", detail: `the job is ${latest.state}${latest.error ? `: ${latest.error}` : ""}` };
    },
  };
}
