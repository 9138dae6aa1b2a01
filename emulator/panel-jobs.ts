/**
 * What the panel's ops jobs (server/stacks/files/backup-tenant.sh and restore-tenant.sh) print when
 * they finish, played by the emulator: it runs no containers, but the panel reads an ops job's result
 * line from its log. The line is derived from the job's environment (the archive's name, the bucket),
 * with a size and SHA-256 computed from the name, so a run is reproducible. A job made to fail with a
 * `crash-loop` fault prints the fault's `logLines` instead, like the real script's ERROR line.
 */
import { createHash } from "node:crypto";

type Line = { stream: "stdout" | "stderr"; text: string };

/** The lines an ops job writes on completion, or null when the service is not one. */
export function panelJobOutput(composeService: string, env: Readonly<Record<string, string>>): Line[] | null {
  if (composeService !== "job") return null;
  if (env["PANEL_BACKUP_MODE"] === "purge") {
    const names = (env["PANEL_BACKUP_DELETE"] ?? "").split(" ").filter(Boolean);
    return [
      ...names.map((n) => ({ stream: "stdout" as const, text: `mautic-backup: removing the expired backup ${n}` })),
      { stream: "stdout", text: `PANEL_PURGE_RESULT {"deleted":${names.length}}` },
    ];
  }
  const name = env["PANEL_BACKUP_NAME"];
  if (!name) return null;
  if (env["PANEL_BACKUP_SHA256"]) {
    return [
      { stream: "stdout", text: `mautic-restore: backup ${name} verified` },
      { stream: "stdout", text: `PANEL_RESTORE_RESULT {"name":"${name}","sha256":"${env["PANEL_BACKUP_SHA256"]}"}` },
    ];
  }
  const sha256 = archiveSha256(name);
  const size = 1_048_576 + (parseInt(sha256.slice(0, 6), 16) % 1_048_576);
  const location = env["PANEL_S3_BUCKET"] ? `s3://${env["PANEL_S3_BUCKET"]}/${env["PANEL_S3_PREFIX"] ?? ""}${name}.tar` : `volume:${name}.tar`;
  return [
    { stream: "stdout", text: `mautic-backup: dumping database ${env["MAUTIC_DB_DATABASE"] ?? ""}` },
    { stream: "stdout", text: `mautic-backup: wrote ${env["PANEL_BACKUP_DIR"] ?? "/backups"}/${name}.tar (${size} bytes, sha256 ${sha256})` },
    { stream: "stdout", text: `PANEL_BACKUP_RESULT {"name":"${name}","size":${size},"sha256":"${sha256}","location":"${location}"}` },
  ];
}

/** The SHA-256 the emulator reports for a backup archive of this name. */
export function archiveSha256(name: string): string {
  return createHash("sha256").update(`emulated backup ${name}`).digest("hex");
}
