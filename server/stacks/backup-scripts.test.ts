/**
 * The backup and restore scripts, run with real bash, tar, gzip, sha256sum and curl against stub
 * `mysqldump`, `mysql`, `php` and `chown` commands on a PATH built in a temp dir, and against a local
 * S3-compatible server (s3rver) for the uploads; plus shellcheck on both scripts (these tests fail, they
 * do not skip, when shellcheck or curl is missing).
 *
 * s3rver checks the access key id but not SigV4 signatures; the signing itself is curl's `--aws-sigv4`.
 */
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import S3rver from "s3rver";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STACK_FILES_DIR } from "./stack-files";

const BACKUP_SCRIPT = join(DEFAULT_STACK_FILES_DIR, "backup-tenant.sh");
const RESTORE_SCRIPT = join(DEFAULT_STACK_FILES_DIR, "restore-tenant.sh");
const run = promisify(execFile);

// Passwords the panel generates are alphanumeric, but the scripts must not care.
const DB_PASSWORD = `db pa$$word "quoted" \\ 'single'`;
const S3_SECRET = "S3RVER";

const STUBS: Record<string, string> = {
  // Records its arguments, checks the option file holds the password, prints a small dump.
  mysqldump: `#!/bin/bash
printf '%s\\n' "$@" >"$STUB_STATE/mysqldump-args"
[[ "$1" == --defaults-extra-file=* ]] || { echo "stub mysqldump: the option file must come first" >&2; exit 97; }
cp "\${1#--defaults-extra-file=}" "$STUB_STATE/mysqldump-options"
case "$(cat "$STUB_STATE/dump-mode")" in
  fail) echo "mysqldump: Got error: 1045: Access denied for user 'mautic'" >&2; exit 2 ;;
  truncated) printf -- '-- MySQL dump\\nCREATE TABLE leads (id int);\\n'; exit 0 ;;
esac
printf -- '-- MySQL dump\\nCREATE TABLE leads (id int);\\nINSERT INTO leads VALUES (%s);\\n-- Dump completed on 2026-11-27 10:00:00\\n' "$(cat "$STUB_STATE/dump-row")"
`,
  // --execute: the table listing or the drops; otherwise it loads a dump from stdin.
  mysql: `#!/bin/bash
[[ "$1" == --defaults-extra-file=* ]] || { echo "stub mysql: the option file must come first" >&2; exit 97; }
for arg in "$@"; do
  case "$arg" in
    --execute=SELECT*) echo "list" >>"$STUB_STATE/calls"; printf 'BASE TABLE\\tleads\\nBASE TABLE\\tadded_by_upgrade\\nVIEW\\tlead_view\\n'; exit 0 ;;
    --execute=*) echo "drop" >>"$STUB_STATE/calls"; printf '%s\\n' "\${arg#--execute=}" >"$STUB_STATE/drops"; exit 0 ;;
  esac
done
echo "load \${!#}" >>"$STUB_STATE/calls"
cat >"$STUB_STATE/loaded.sql"
[[ "$(cat "$STUB_STATE/load-mode" 2>/dev/null)" != fail ]] || { echo "ERROR 1064 (42000) at line 2" >&2; exit 1; }
`,
  php: `#!/bin/bash
echo "php" >>"$STUB_STATE/calls"
env | grep -E '^(PANEL_SITE_URL|MAUTIC_DB_DATABASE|MAUTIC_DB_USER|PANEL_DB_PASSWORD|PANEL_LOCAL_PHP)=' | sort >"$STUB_STATE/php-env"
printf '%s' "$2" >"$STUB_STATE/php-code"
`,
  chown: `#!/bin/bash
printf 'chown %s\\n' "$*" >>"$STUB_STATE/calls"
`,
};

let s3: S3rver;
let s3Url = "";
const s3Dir = mkdtempSync(join(tmpdir(), "s3rver-"));
beforeAll(async () => {
  s3 = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: s3Dir, configureBuckets: [{ name: "backups", configs: [] }] });
  const { port } = await s3.run();
  s3Url = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await s3.close();
  rmSync(s3Dir, { recursive: true, force: true });
});

const sandboxes: string[] = [];
afterEach(() => {
  for (const dir of sandboxes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Sandbox {
  root: string;
  mautic: string;
  backups: string;
  state: string;
  env: Record<string, string>;
  /** Runs a script asynchronously (the S3 server answers in this process). */
  run(script: string, extraEnv?: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }>;
  calls(): string[];
  stateFile(name: string): string;
}

function sandbox(options: { dumpMode?: "ok" | "fail" | "truncated"; dumpRow?: string } = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "mautic-backup-"));
  sandboxes.push(root);
  const bin = join(root, "bin");
  const mautic = join(root, "html");
  const backups = join(root, "backups");
  const state = join(root, "state");
  const secrets = join(root, "secrets");
  for (const dir of [bin, backups, state, secrets, join(mautic, "config"), join(mautic, "docroot/media/files"), join(mautic, "docroot/media/images")]) {
    mkdirSync(dir, { recursive: true });
  }
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), body);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(mautic, "config/local.php"), "<?php $parameters = array('secret_key' => 'k3y', 'site_url' => 'https://a.example');\n");
  writeFileSync(join(mautic, "docroot/media/files/brochure.pdf"), "PDF bytes");
  writeFileSync(join(mautic, "docroot/media/images/logo.png"), "PNG bytes");
  writeFileSync(join(state, "dump-mode"), options.dumpMode ?? "ok");
  writeFileSync(join(state, "dump-row"), options.dumpRow ?? "1");
  writeFileSync(join(state, "calls"), "");
  writeFileSync(join(secrets, "db_password"), `${DB_PASSWORD}\n`);
  writeFileSync(join(secrets, "s3_secret"), S3_SECRET);
  const env: Record<string, string> = {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: root,
    STUB_STATE: state,
    MAUTIC_ROOT: mautic,
    MAUTIC_DB_HOST: "mautic-acme_db",
    MAUTIC_DB_PORT: "3306",
    MAUTIC_DB_DATABASE: "mautic_acme",
    MAUTIC_DB_USER: "mautic",
    PANEL_DB_PASSWORD_FILE: join(secrets, "db_password"),
    PANEL_BACKUP_DIR: backups,
    PANEL_BACKUP_NAME: "acme-20261127-100000-manual",
    PANEL_TENANT_ID: "tenant-1",
    PANEL_MAUTIC_IMAGE: "mautic/mautic:6.0.7-apache",
  };
  const s3Env = () => ({
    PANEL_S3_ENDPOINT: s3Url,
    PANEL_S3_BUCKET: "backups",
    PANEL_S3_PREFIX: "tenant-1/",
    PANEL_S3_ACCESS_KEY_ID: "S3RVER",
    PANEL_S3_SECRET_ACCESS_KEY_FILE: join(secrets, "s3_secret"),
  });
  return {
    root,
    mautic,
    backups,
    state,
    env,
    async run(script, extraEnv = {}) {
      const withS3 = extraEnv.S3 === "1" ? s3Env() : {};
      const { S3: _ignored, ...rest } = extraEnv;
      try {
        const { stdout, stderr } = await run("/bin/bash", [script], { env: { ...env, ...withS3, ...rest } as NodeJS.ProcessEnv, timeout: 30_000 });
        return { status: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        return { status: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
      }
    },
    calls() {
      return readFileSync(join(state, "calls"), "utf8").split("\n").filter(Boolean);
    },
    stateFile(name) {
      return readFileSync(join(state, name), "utf8");
    },
  };
}

function resultOf(stdout: string, marker: string): Record<string, unknown> {
  const line = stdout.split("\n").find((l) => l.startsWith(`${marker} `));
  if (!line) throw new Error(`no ${marker} line in:\n${stdout}`);
  return JSON.parse(line.slice(marker.length + 1)) as Record<string, unknown>;
}

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const tarList = (file: string, gzip = false) =>
  spawnSync("tar", [gzip ? "-tzf" : "-tf", file], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);

describe("backup-tenant.sh", () => {
  it("dumps the database consistently, archives the volumes and reports the archive's size and checksum", async () => {
    const box = sandbox();
    const { status, stdout, stderr } = await box.run(BACKUP_SCRIPT);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const result = resultOf(stdout, "PANEL_BACKUP_RESULT");
    const archive = join(box.backups, "acme-20261127-100000-manual.tar");
    const bytes = readFileSync(archive);
    expect(result).toEqual({ name: "acme-20261127-100000-manual", size: bytes.length, sha256: sha256(bytes), location: "volume:acme-20261127-100000-manual.tar" });
    // Only the finished archive is left on the volume.
    expect(readdirSync(box.backups)).toEqual(["acme-20261127-100000-manual.tar"]);

    const args = box.stateFile("mysqldump-args").split("\n");
    expect(args).toEqual(expect.arrayContaining(["--single-transaction", "--quick", "--routines", "--triggers", "--no-tablespaces", "mautic_acme"]));
    expect(args.join(" ")).not.toContain("pa$$word");
    // The password reaches mysqldump through a root-only option file, escaped for its syntax.
    expect(box.stateFile("mysqldump-options")).toContain(`password="db pa$$word \\"quoted\\" \\\\ 'single'"`);
    expect(box.stateFile("mysqldump-options")).toContain('host="mautic-acme_db"');

    const unpacked = join(box.root, "unpacked");
    mkdirSync(unpacked);
    spawnSync("tar", ["-xf", archive, "-C", unpacked]);
    expect(readdirSync(unpacked).sort()).toEqual(["database.sql.gz", "files.tar.gz", "manifest.json"]);
    expect(tarList(join(unpacked, "files.tar.gz"), true)).toEqual(
      expect.arrayContaining(["config/local.php", "docroot/media/files/brochure.pdf", "docroot/media/images/logo.png"]),
    );
    const dump = spawnSync("gzip", ["-dc", join(unpacked, "database.sql.gz")], { encoding: "utf8" }).stdout;
    expect(dump).toContain("INSERT INTO leads VALUES (1);");
    const manifest = JSON.parse(readFileSync(join(unpacked, "manifest.json"), "utf8")) as { tenantId: string; mauticImage: string; parts: Record<string, { sha256: string; size: number }> };
    expect(manifest).toMatchObject({ format: 1, tenantId: "tenant-1", database: "mautic_acme", mauticImage: "mautic/mautic:6.0.7-apache" });
    for (const part of ["database.sql.gz", "files.tar.gz"]) {
      const partBytes = readFileSync(join(unpacked, part));
      expect(manifest.parts[part]).toEqual({ size: partBytes.length, sha256: sha256(partBytes) });
    }
  });

  it("fails loudly and leaves nothing behind when mysqldump fails", async () => {
    const box = sandbox({ dumpMode: "fail" });
    const { status, stdout, stderr } = await box.run(BACKUP_SCRIPT);
    expect(status).not.toBe(0);
    expect(stderr).toContain("Access denied");
    expect(stderr).toContain("mautic-backup: ERROR: mysqldump of mautic_acme failed");
    expect(stdout).not.toContain("PANEL_BACKUP_RESULT");
    expect(readdirSync(box.backups)).toEqual([]);
  });

  it("refuses a dump that stopped half-way", async () => {
    const box = sandbox({ dumpMode: "truncated" });
    const { status, stderr } = await box.run(BACKUP_SCRIPT);
    expect(status).not.toBe(0);
    expect(stderr).toContain("the database dump is incomplete");
    expect(readdirSync(box.backups)).toEqual([]);
  });

  it("names the missing setting or volume", async () => {
    const box = sandbox();
    expect((await box.run(BACKUP_SCRIPT, { PANEL_BACKUP_NAME: "" })).stderr).toContain("PANEL_BACKUP_NAME is not set");
    expect((await box.run(BACKUP_SCRIPT, { PANEL_BACKUP_NAME: "../etc/passwd" })).stderr).toContain("PANEL_BACKUP_NAME must be");
    expect((await box.run(BACKUP_SCRIPT, { PANEL_BACKUP_DELETE: "ok-1 ../x" })).stderr).toContain("PANEL_BACKUP_DELETE holds an invalid name: ../x");
    rmSync(join(box.mautic, "docroot/media/images"), { recursive: true });
    expect((await box.run(BACKUP_SCRIPT)).stderr).toContain("docroot/media/images is not mounted");
    expect(box.calls()).toEqual([]);
  });

  it("uploads to S3-compatible storage and removes the backups retention lets go, locally and in the bucket", async () => {
    const box = sandbox();
    const first = await box.run(BACKUP_SCRIPT, { S3: "1", PANEL_BACKUP_NAME: "acme-old" });
    expect(first.status).toBe(0);
    expect(resultOf(first.stdout, "PANEL_BACKUP_RESULT").location).toBe("s3://backups/tenant-1/acme-old.tar");
    const stored = await fetchObject("tenant-1/acme-old.tar");
    expect(stored.status).toBe(200);
    expect(sha256(stored.body)).toBe(resultOf(first.stdout, "PANEL_BACKUP_RESULT").sha256);

    const second = await box.run(BACKUP_SCRIPT, { S3: "1", PANEL_BACKUP_NAME: "acme-new", PANEL_BACKUP_DELETE: "acme-old" });
    expect(second.stderr).toBe("");
    expect(second.status).toBe(0);
    expect(readdirSync(box.backups)).toEqual(["acme-new.tar"]);
    expect((await fetchObject("tenant-1/acme-old.tar")).status).toBe(404);
    expect((await fetchObject("tenant-1/acme-new.tar")).status).toBe(200);
  });

  it("fails loudly when the upload is refused", async () => {
    const box = sandbox();
    const { status, stdout, stderr } = await box.run(BACKUP_SCRIPT, { S3: "1", PANEL_S3_ACCESS_KEY_ID: "NOBODY" });
    expect(status).not.toBe(0);
    expect(stderr).toContain("InvalidAccessKeyId");
    expect(stderr).toContain("mautic-backup: ERROR: the upload to s3://backups/tenant-1/acme-20261127-100000-manual.tar failed");
    expect(stdout).not.toContain("PANEL_BACKUP_RESULT");
    // The local copy is complete and kept: only the off-site copy is missing.
    expect(readdirSync(box.backups)).toEqual(["acme-20261127-100000-manual.tar"]);
  });
});

describe("backup-tenant.sh in purge mode", () => {
  it("only removes the listed backups, locally and in the bucket, without a database or data volumes", async () => {
    const box = sandbox();
    for (const name of ["acme-p1", "acme-p2", "acme-keep"]) expect((await box.run(BACKUP_SCRIPT, { S3: "1", PANEL_BACKUP_NAME: name })).status).toBe(0);
    rmSync(join(box.mautic), { recursive: true });
    writeFileSync(join(box.state, "calls"), "");
    rmSync(join(box.state, "mysqldump-args"));
    const purge = { S3: "1", PANEL_BACKUP_MODE: "purge", PANEL_BACKUP_DELETE: "acme-p1 acme-p2", MAUTIC_DB_HOST: "", PANEL_DB_PASSWORD_FILE: "", PANEL_BACKUP_NAME: "" };
    const { status, stdout, stderr } = await box.run(BACKUP_SCRIPT, purge);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(resultOf(stdout, "PANEL_PURGE_RESULT")).toEqual({ deleted: 2 });
    expect(readdirSync(box.backups)).toEqual(["acme-keep.tar"]);
    expect((await fetchObject("tenant-1/acme-p1.tar")).status).toBe(404);
    expect((await fetchObject("tenant-1/acme-p2.tar")).status).toBe(404);
    expect((await fetchObject("tenant-1/acme-keep.tar")).status).toBe(200);
    expect(existsSync(join(box.state, "mysqldump-args"))).toBe(false);
    expect(box.calls()).toEqual([]);
  });

  it("names what it needs and refuses an unknown mode", async () => {
    const box = sandbox();
    expect((await box.run(BACKUP_SCRIPT, { PANEL_BACKUP_MODE: "purge" })).stderr).toContain("PANEL_BACKUP_DELETE is not set");
    expect((await box.run(BACKUP_SCRIPT, { PANEL_BACKUP_MODE: "wipe" })).stderr).toContain("PANEL_BACKUP_MODE must be backup or purge");
  });
});

describe("restore-tenant.sh", () => {
  async function backedUp(box: Sandbox, extra: Record<string, string> = {}) {
    const { status, stdout } = await box.run(BACKUP_SCRIPT, extra);
    expect(status).toBe(0);
    return resultOf(stdout, "PANEL_BACKUP_RESULT") as { name: string; sha256: string };
  }

  it("puts the database and the volumes back as they were at the backup", async () => {
    const box = sandbox({ dumpRow: "42" });
    const backup = await backedUp(box);
    // What happens after the backup: a failed upgrade rewrote config, removed and added media.
    writeFileSync(join(box.mautic, "config/local.php"), "<?php // migrated by a newer Mautic\n");
    rmSync(join(box.mautic, "docroot/media/files/brochure.pdf"));
    writeFileSync(join(box.mautic, "docroot/media/images/new.png"), "new");

    const { status, stdout, stderr } = await box.run(RESTORE_SCRIPT, { PANEL_BACKUP_NAME: backup.name, PANEL_BACKUP_SHA256: backup.sha256 });
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(resultOf(stdout, "PANEL_RESTORE_RESULT")).toEqual({ name: backup.name, sha256: backup.sha256 });
    expect(readFileSync(join(box.mautic, "config/local.php"), "utf8")).toContain("'secret_key' => 'k3y'");
    expect(readFileSync(join(box.mautic, "docroot/media/files/brochure.pdf"), "utf8")).toBe("PDF bytes");
    expect(existsSync(join(box.mautic, "docroot/media/images/new.png"))).toBe(false);

    expect(box.calls().filter((c) => !c.startsWith("chown"))).toEqual(["list", "drop", "load mautic_acme"]);
    expect(box.stateFile("drops")).toBe(
      "SET FOREIGN_KEY_CHECKS=0; DROP TABLE IF EXISTS `leads`; DROP TABLE IF EXISTS `added_by_upgrade`; DROP VIEW IF EXISTS `lead_view`;\n",
    );
    expect(box.stateFile("loaded.sql")).toContain("INSERT INTO leads VALUES (42);");
    expect(box.calls().filter((c) => c.startsWith("chown"))).toEqual([
      `chown -R www-data:www-data ${box.mautic}/config`,
      `chown -R www-data:www-data ${box.mautic}/docroot/media/files`,
      `chown -R www-data:www-data ${box.mautic}/docroot/media/images`,
    ]);
    // The scratch directory is gone.
    expect(readdirSync(box.backups)).toEqual([`${backup.name}.tar`]);
  });

  it("refuses a file whose checksum is not the recorded one, before touching anything", async () => {
    const box = sandbox();
    const backup = await backedUp(box);
    const { status, stderr } = await box.run(RESTORE_SCRIPT, { PANEL_BACKUP_NAME: backup.name, PANEL_BACKUP_SHA256: "0".repeat(64) });
    expect(status).not.toBe(0);
    expect(stderr).toContain(`the backup's SHA-256 is ${backup.sha256}, not ${"0".repeat(64)}`);
    expect(box.calls()).toEqual([]);
  });

  it("stops without loading anything when the dump cannot be loaded, and says so", async () => {
    const box = sandbox();
    const backup = await backedUp(box);
    writeFileSync(join(box.state, "load-mode"), "fail");
    const { status, stderr } = await box.run(RESTORE_SCRIPT, { PANEL_BACKUP_NAME: backup.name, PANEL_BACKUP_SHA256: backup.sha256 });
    expect(status).not.toBe(0);
    expect(stderr).toContain("mautic-restore: ERROR: loading the dump into mautic_acme failed");
    expect(box.calls().some((c) => c.startsWith("chown"))).toBe(false);
  });

  it("fetches a backup from S3 when it is not on the node, and rewrites local.php for a clone", async () => {
    const source = sandbox();
    const backup = await backedUp(source, { S3: "1", PANEL_BACKUP_NAME: "acme-clone-source" });
    const clone = sandbox();
    const { status, stdout, stderr } = await clone.run(RESTORE_SCRIPT, {
      S3: "1",
      PANEL_BACKUP_NAME: backup.name,
      PANEL_BACKUP_SHA256: backup.sha256,
      PANEL_REWRITE_CONFIG: "1",
      PANEL_SITE_URL: "https://copy.example",
      MAUTIC_DB_DATABASE: "mautic_copy",
      MAUTIC_DB_USER: "copy",
    });
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(resultOf(stdout, "PANEL_RESTORE_RESULT").sha256).toBe(backup.sha256);
    expect(clone.calls()).toContain("load mautic_copy");
    expect(clone.stateFile("php-env")).toBe(
      [`MAUTIC_DB_DATABASE=mautic_copy`, `MAUTIC_DB_USER=copy`, `PANEL_DB_PASSWORD=${DB_PASSWORD}`, `PANEL_LOCAL_PHP=${clone.mautic}/config/local.php`, `PANEL_SITE_URL=https://copy.example`, ""].join("\n"),
    );
    expect(clone.stateFile("php-code")).toContain('$parameters["db_name"] = getenv("MAUTIC_DB_DATABASE")');
    expect(readdirSync(clone.backups)).toEqual([]);
  });

  it("says where the backup is missing from", async () => {
    const box = sandbox();
    const { status, stderr } = await box.run(RESTORE_SCRIPT, { PANEL_BACKUP_NAME: "nowhere", PANEL_BACKUP_SHA256: "a".repeat(64) });
    expect(status).not.toBe(0);
    expect(stderr).toContain("the backup nowhere.tar is not on this node's backup volume");
  });
});

describe("shellcheck", () => {
  it.each([BACKUP_SCRIPT, RESTORE_SCRIPT])("passes on %s", (script) => {
    const result = spawnSync("shellcheck", ["--severity=style", script], { encoding: "utf8" });
    if (result.error) throw new Error(`shellcheck is not installed: ${result.error.message}`);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

async function fetchObject(key: string): Promise<{ status: number; body: Buffer }> {
  // A signed GET through curl, like the scripts do.
  try {
    const { stdout } = await run(
      "curl",
      ["--silent", "--fail", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", `S3RVER:${S3_SECRET}`, "--header", `x-amz-content-sha256: ${sha256("")}`, `${s3Url}/backups/${key}`],
      { encoding: "buffer" },
    );
    return { status: 200, body: stdout };
  } catch (error) {
    return { status: (error as { code?: number }).code === 22 ? 404 : 500, body: Buffer.alloc(0) };
  }
}
