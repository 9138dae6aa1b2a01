import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildOpsStack, type OpsJob, type OpsStackInput } from "./build-ops-stack";
import { BUILTIN_PLANS } from "./plans";
import { renderStackYaml } from "./render";
import { dockerStackConfig } from "./stack-test-fixtures";

const INPUT: OpsStackInput = {
  tenantId: "tenant-1",
  slug: "acme",
  mauticImage: "mautic/mautic:6.0.9-apache",
  nodeHostname: "node-2",
  placement: "pin",
  mysqlDatabase: "mautic_acme",
  mysqlUser: "mautic_acme",
  dbPasswordSecret: "mautic-acme-db-password-v1",
  scriptConfig: "mautic-acme-backup-0123456789ab",
  backupVolume: "mautic-acme-backups",
  resources: BUILTIN_PLANS.plans["standard"]!.services.install,
  s3: null,
};
const BACKUP: OpsJob = { kind: "backup", backupName: "acme-20261127-100000-manual", expire: ["acme-20261120-100000-schedule", "acme-20261121-100000-schedule"] };

interface Loaded {
  services: Record<string, { image: string; entrypoint: string[]; environment: Record<string, string>; deploy: Record<string, unknown>; volumes: { source: string; target: string }[]; secrets: { source: string; target: string }[] }>;
  networks: Record<string, { external?: boolean; name?: string }>;
  volumes: Record<string, { external?: boolean; name?: string }>;
  secrets: Record<string, { name: string; external: boolean }>;
}

function accepted(input: OpsStackInput, job: OpsJob): Loaded {
  const result = dockerStackConfig(renderStackYaml(buildOpsStack(input, job)));
  expect(result.error, "the docker CLI must be installed").toBeUndefined();
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return parse(result.stdout) as Loaded;
}

describe("the ops stack", () => {
  it("runs a backup once, on the tenant's node, against the tenant's database, volumes and backup volume", () => {
    const stack = accepted(INPUT, BACKUP);
    const job = stack.services["job"]!;
    expect(job.image).toBe("mautic/mautic:6.0.9-apache");
    expect(job.entrypoint).toEqual(["/bin/bash", "/opt/mautic-panel/ops.sh"]);
    expect(job.deploy).toMatchObject({
      mode: "replicated-job",
      replicas: 1,
      placement: { constraints: ["node.hostname == node-2"] },
      restart_policy: { condition: "none" },
      labels: { "io.mautic-panel.managed": "true", "io.mautic-panel.tenant": "tenant-1", "io.mautic-panel.role": "ops-backup" },
    });
    expect(job.environment).toMatchObject({
      MAUTIC_DB_HOST: "mautic-acme_db",
      MAUTIC_DB_DATABASE: "mautic_acme",
      PANEL_DB_PASSWORD_FILE: "/run/secrets/db_password",
      PANEL_BACKUP_NAME: "acme-20261127-100000-manual",
      PANEL_BACKUP_DELETE: "acme-20261120-100000-schedule acme-20261121-100000-schedule",
      PANEL_BACKUP_DIR: "/backups",
    });
    expect(Object.keys(job.environment).some((k) => k.startsWith("PANEL_S3"))).toBe(false);
    expect(stack.networks["tenant"]).toEqual({ external: true, name: "mautic-acme_tenant" });
    expect(stack.volumes).toMatchObject({
      mautic_config: { external: true, name: "mautic-acme_mautic_config" },
      mautic_media_files: { external: true, name: "mautic-acme_mautic_media_files" },
      mautic_media_images: { external: true, name: "mautic-acme_mautic_media_images" },
      backups: { name: "mautic-acme-backups" },
    });
    // The logs volume is not part of a backup, and nothing else of the tenant is mounted.
    expect(job.volumes.map((v) => v.target).sort()).toEqual(["/backups", "/var/www/html/config", "/var/www/html/docroot/media/files", "/var/www/html/docroot/media/images"]);
    expect(stack.secrets).toEqual({ db_password: { external: true, name: "mautic-acme-db-password-v1" } });
  });

  it("hands the S3 settings over with the secret key as a Docker secret, never as a variable", () => {
    const stack = accepted(
      { ...INPUT, s3: { endpoint: "https://s3.example.com", bucket: "backups", region: "eu-west-1", prefix: "panel/", accessKeyId: "AKIDEXAMPLE", secretName: "mautic-panel-s3-0123456789ab" } },
      BACKUP,
    );
    const job = stack.services["job"]!;
    expect(job.environment).toMatchObject({
      PANEL_S3_ENDPOINT: "https://s3.example.com",
      PANEL_S3_BUCKET: "backups",
      PANEL_S3_REGION: "eu-west-1",
      PANEL_S3_PREFIX: "panel/",
      PANEL_S3_ACCESS_KEY_ID: "AKIDEXAMPLE",
      PANEL_S3_SECRET_ACCESS_KEY_FILE: "/run/secrets/s3_secret_key",
    });
    expect(stack.secrets["s3_secret_key"]).toEqual({ external: true, name: "mautic-panel-s3-0123456789ab" });
  });

  it("describes a restore, and a clone that rewrites local.php, without placement when volumes are shared", () => {
    const restore = accepted({ ...INPUT, placement: "none", nodeHostname: null }, { kind: "restore", backupName: "acme-1", sha256: "a".repeat(64), rewriteFor: null });
    const job = restore.services["job"]!;
    expect(job.deploy["placement"]).toBeUndefined();
    expect(job.deploy["labels"]).toMatchObject({ "io.mautic-panel.role": "ops-restore" });
    expect(job.environment).toMatchObject({ PANEL_BACKUP_NAME: "acme-1", PANEL_BACKUP_SHA256: "a".repeat(64) });
    expect(job.environment["PANEL_REWRITE_CONFIG"]).toBeUndefined();
    const clone = accepted(INPUT, { kind: "restore", backupName: "acme-1", sha256: "a".repeat(64), rewriteFor: { siteUrl: "https://copy.example" } });
    expect(clone.services["job"]!.environment).toMatchObject({ PANEL_REWRITE_CONFIG: "1", PANEL_SITE_URL: "https://copy.example" });
  });

  it("describes a purge of a deleted tenant's archives: only the backup volume, a network of its own, no database", () => {
    const stack = accepted(INPUT, { kind: "purge", expire: ["acme-1", "acme-2"] });
    const job = stack.services["job"]!;
    expect(job.environment).toMatchObject({ PANEL_BACKUP_MODE: "purge", PANEL_BACKUP_DELETE: "acme-1 acme-2", PANEL_BACKUP_DIR: "/backups" });
    expect(job.environment["MAUTIC_DB_HOST"]).toBeUndefined();
    expect(job.volumes.map((v) => v.target)).toEqual(["/backups"]);
    expect(stack.networks).toEqual({ ops: expect.objectContaining({ driver: "overlay" }) });
    expect(stack.secrets ?? {}).toEqual({});
  });

  it("keeps a `$` in a value literal", () => {
    const stack = accepted({ ...INPUT, s3: { endpoint: "https://s3.example.com", bucket: "b", region: "r", prefix: "", accessKeyId: "AK$ID", secretName: "s" } }, BACKUP);
    expect(stack.services["job"]!.environment["PANEL_S3_ACCESS_KEY_ID"]).toBe("AK$ID");
  });

  it("refuses a pinned tenant without a node", () => {
    expect(() => buildOpsStack({ ...INPUT, nodeHostname: null }, BACKUP)).toThrow("its volumes are local to one node");
  });
});
