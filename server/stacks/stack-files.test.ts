import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_OBJECT_NAME_LENGTH, tenantSecretNames } from "./names";
import { DEFAULT_STACK_FILES_DIR, loadStackFiles, tenantConfigNames, tenantStackAssets } from "./stack-files";
import { parseDockerObjectName } from "./validators";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("loadStackFiles", () => {
  it("reads the three files from server/stacks/files with their hashes, once", () => {
    const files = loadStackFiles();
    for (const [key, fileName] of [
      ["crontab", "crontab"],
      ["installScript", "install-mautic.sh"],
      ["entrypoint", "mautic-entrypoint.sh"],
    ] as const) {
      const content = readFileSync(join(DEFAULT_STACK_FILES_DIR, fileName), "utf8");
      expect(files[key]).toStrictEqual({ fileName, content, sha256: sha(content) });
    }
    expect(loadStackFiles()).toBe(files);
  });

  it("ships a crontab with the broadcast job and the image's three default jobs", () => {
    const jobs = loadStackFiles()
      .crontab.content.split("\n")
      .filter((line) => /^[0-9*]/.test(line))
      .map((line) => line.split(" ").slice(0, 8).join(" "));
    expect(jobs).toStrictEqual([
      "0,15,30,45 * * * * php /var/www/html/bin/console mautic:segments:update",
      "5,20,35,50 * * * * php /var/www/html/bin/console mautic:campaigns:update",
      "10,25,40,55 * * * * php /var/www/html/bin/console mautic:campaigns:trigger",
      "1-59/5 * * * * php /var/www/html/bin/console mautic:broadcasts:send",
      "3,18,33,48 * * * * php /var/www/html/bin/console mautic:messages:send",
      "7 * * * * php /var/www/html/bin/console mautic:reports:scheduler",
      "2,17,32,47 * * * * php /var/www/html/bin/console mautic:webhooks:process",
      "4,19,34,49 * * * * php /var/www/html/bin/console mautic:import",
    ]);
    expect(loadStackFiles().crontab.content.endsWith("\n")).toBe(true);
  });
});

describe("names of configs and secrets", () => {
  const files = loadStackFiles();

  it("name configs after the slug and the content hash", () => {
    expect(tenantConfigNames("acme", files)).toStrictEqual({
      crontab: `mautic-acme-crontab-${files.crontab.sha256.slice(0, 12)}`,
      installScript: `mautic-acme-install-${files.installScript.sha256.slice(0, 12)}`,
      entrypoint: `mautic-acme-entrypoint-${files.entrypoint.sha256.slice(0, 12)}`,
    });
  });

  it("change a config's name when its content changes", () => {
    const changed = { ...files, crontab: { ...files.crontab, content: "x", sha256: sha("x") } };
    const before = tenantConfigNames("acme", files);
    const after = tenantConfigNames("acme", changed);
    expect(after.crontab).not.toBe(before.crontab);
    expect(after.installScript).toBe(before.installScript);
  });

  it("name versioned secrets, with the mailer secret only when needed", () => {
    expect(tenantSecretNames("acme", { mailerDsn: false })).toStrictEqual({
      dbPassword: "mautic-acme-db-password-v1",
      dbRootPassword: "mautic-acme-db-root-password-v1",
      adminPassword: "mautic-acme-admin-password-v1",
    });
    expect(tenantSecretNames("acme", { mailerDsn: true, version: 7 }).mailerDsn).toBe("mautic-acme-mailer-dsn-v7");
    expect(() => tenantSecretNames("acme", { mailerDsn: false, version: 0 })).toThrow(RangeError);
  });

  it("stay valid Docker names for the longest slug", () => {
    const slug = "a".repeat(31);
    const names = [
      ...Object.values(tenantConfigNames(slug, files)),
      ...Object.values(tenantSecretNames(slug, { mailerDsn: true, version: 9999 })),
    ];
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(MAX_OBJECT_NAME_LENGTH);
      expect(parseDockerObjectName(name)).toStrictEqual({ ok: true, value: name });
    }
  });

  it("bundle config contents and secret names for the provisioning engine", () => {
    const assets = tenantStackAssets("acme", files, { mailerDsn: true, secretVersion: 2 });
    expect(assets.configs.installScript).toStrictEqual({
      name: tenantConfigNames("acme", files).installScript,
      content: files.installScript.content,
    });
    expect(assets.secrets).toStrictEqual(tenantSecretNames("acme", { mailerDsn: true, version: 2 }));
  });
});
