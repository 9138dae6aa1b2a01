/**
 * The install script and the entrypoint wrapper, run with real bash against stub `su`, `php`, `chown`,
 * `mysqladmin` and `sleep` commands on a PATH built in a temp dir, plus shellcheck on both scripts
 * (shellcheck must be installed: these tests fail, they do not skip, when it is missing).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_STACK_FILES_DIR } from "./stack-files";

const INSTALL_SCRIPT = join(DEFAULT_STACK_FILES_DIR, "install-mautic.sh");
const ENTRYPOINT_SCRIPT = join(DEFAULT_STACK_FILES_DIR, "mautic-entrypoint.sh");

// Passwords the panel generates are alphanumeric, but the script must not care.
const DB_PASSWORD = `db pa$$word 'with' "quotes"`;
const ADMIN_PASSWORD = `Adm1n $(touch /tmp/pwned) \`id\` 'q' "dq" $HOME`;

const STUBS: Record<string, string> = {
  // su -s /bin/bash USER -c COMMAND: record, check the form, run COMMAND with bash like su would.
  su: `#!/bin/bash
printf 'su %s\\n' "$3" >>"$STUB_STATE/calls"
if [[ "$1" != "-s" || "$2" != "/bin/bash" || "$4" != "-c" || $# -ne 5 ]]; then
  echo "stub su: unexpected arguments: $*" >&2; exit 97
fi
exec /bin/bash -c "$5"
`,
  php: `#!/bin/bash
if [[ "$1" == "-r" ]]; then
  # The "installed?" check: include local.php, require db_driver and site_url.
  echo "php-check" >>"$STUB_STATE/calls"
  [[ "$2" == *'include getenv("PANEL_LOCAL_PHP")'* && "$2" == *'site_url'* && "$2" == *'db_driver'* ]] || exit 96
  grep -q "'db_driver' => 'pdo_mysql'" "$PANEL_LOCAL_PHP" && grep -q "'site_url' => 'https://" "$PANEL_LOCAL_PHP"
  exit $?
fi
if [[ "$2" == "mautic:install" ]]; then
  echo "php-install" >>"$STUB_STATE/calls"
  printf '%s\\n' "$@" >"$STUB_STATE/install-args"
  [[ -t 0 ]] && { echo "stub php: stdin must not be a terminal" >&2; exit 95; }
  case "$(cat "$STUB_STATE/install-mode")" in
    ok) printf "\\$parameters['site_url'] = '%s';\\n" "\${!#}" | sed "s/^.*= '\\(.*\\)';/'site_url' => '\\1',/" >>"$MAUTIC_VOLUME_CONFIG/local.php"
        echo "Install complete"; exit 0 ;;
    cancel) echo "Missing requirements. Install canceled"; exit 0 ;;
    fail) echo "Schema step failed"; exit 3 ;;
  esac
fi
echo "stub php: unexpected arguments: $*" >&2
exit 98
`,
  chown: `#!/bin/bash
printf 'chown %s\\n' "$*" >>"$STUB_STATE/calls"
`,
  mysqladmin: `#!/bin/bash
printf '%s\\n' "$@" >"$STUB_STATE/mysqladmin-args"
count=$(( $(cat "$STUB_STATE/db-attempts" 2>/dev/null || echo 0) + 1 ))
echo "$count" >"$STUB_STATE/db-attempts"
if (( count >= $(cat "$STUB_STATE/db-ready-after") )); then echo "mysqld is alive"; else echo "mysqladmin: connect to server at 'db' failed" >&2; exit 1; fi
`,
  sleep: `#!/bin/bash
printf 'sleep %s\\n' "$*" >>"$STUB_STATE/calls"
`,
};

const TEMPLATE_LOCAL_PHP = `<?php
$parameters = array(
\t'db_driver' => 'pdo_mysql',
\t'db_host' => getenv('MAUTIC_DB_HOST'),
);
`;

const sandboxes: string[] = [];
afterEach(() => {
  for (const dir of sandboxes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Sandbox {
  root: string;
  config: string;
  state: string;
  env: Record<string, string>;
  run(extraEnv?: Record<string, string>): { status: number | null; stdout: string; stderr: string };
  calls(): string[];
}

function sandbox(options: { dbReadyAfter?: number; installMode?: "ok" | "cancel" | "fail"; localPhp?: boolean } = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "mautic-install-"));
  sandboxes.push(root);
  const bin = join(root, "bin");
  const config = join(root, "config");
  const state = join(root, "state");
  const secrets = join(root, "secrets");
  for (const dir of [bin, config, state, secrets]) mkdirSync(dir);
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), body);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(state, "db-ready-after"), String(options.dbReadyAfter ?? 1));
  writeFileSync(join(state, "install-mode"), options.installMode ?? "ok");
  writeFileSync(join(state, "calls"), "");
  if (options.localPhp ?? true) writeFileSync(join(config, "local.php"), TEMPLATE_LOCAL_PHP);
  writeFileSync(join(secrets, "db_password"), `${DB_PASSWORD}\n`);
  writeFileSync(join(secrets, "admin_password"), ADMIN_PASSWORD);
  const env: Record<string, string> = {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: root,
    STUB_STATE: state,
    MAUTIC_VOLUME_CONFIG: config,
    MAUTIC_DB_HOST: "mautic-acme_db",
    MAUTIC_DB_PORT: "3306",
    MAUTIC_DB_DATABASE: "mautic",
    MAUTIC_DB_USER: "mautic",
    PANEL_DB_PASSWORD_FILE: join(secrets, "db_password"),
    PANEL_SITE_URL: "https://mautic.acme.example",
    PANEL_ADMIN_EMAIL: "owner@acme.example",
    PANEL_ADMIN_USERNAME: "acme-admin",
    PANEL_ADMIN_FIRSTNAME: "Ada",
    PANEL_ADMIN_LASTNAME: "O'Brien",
    PANEL_ADMIN_PASSWORD_FILE: join(secrets, "admin_password"),
    PANEL_TRUSTED_PROXIES: "10.200.0.0/16,fd00::/8",
    PANEL_WAIT_ATTEMPTS: "5",
  };
  return {
    root,
    config,
    state,
    env,
    run(extraEnv = {}) {
      const result = spawnSync("/bin/bash", [INSTALL_SCRIPT], {
        env: { ...env, ...extraEnv } as NodeJS.ProcessEnv,
        encoding: "utf8",
        timeout: 30_000,
      });
      if (result.error) throw result.error;
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    calls() {
      return readFileSync(join(state, "calls"), "utf8").split("\n").filter(Boolean);
    },
  };
}

const EXPECTED_PARAMETERS_LOCAL = `<?php
// Managed by the Mautic tenant panel. The panel rewrites this file; delete this line to keep your own.
$parameters = [
    'trusted_proxies' => ['10.200.0.0/16', 'fd00::/8'],
];
`;

describe("install-mautic.sh", () => {
  it("waits for the database, writes parameters_local.php and installs as www-data", () => {
    const box = sandbox({ dbReadyAfter: 3 });
    const result = box.run();
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("mautic-install: Mautic is installed");

    // Three mysqladmin attempts with the tenant's credentials, two sleeps in between.
    expect(readFileSync(join(box.state, "db-attempts"), "utf8").trim()).toBe("3");
    expect(readFileSync(join(box.state, "mysqladmin-args"), "utf8").split("\n").filter(Boolean)).toStrictEqual([
      "--host=mautic-acme_db",
      "--port=3306",
      "--user=mautic",
      `--password=${DB_PASSWORD}`,
      "ping",
    ]);
    expect(readFileSync(join(box.config, "parameters_local.php"), "utf8")).toBe(EXPECTED_PARAMETERS_LOCAL);
    const calls = box.calls();
    expect(calls.filter((c) => c.startsWith("sleep"))).toStrictEqual(["sleep 5", "sleep 5"]);
    expect(calls.filter((c) => c.startsWith("chown"))).toHaveLength(1);
    expect(calls.find((c) => c.startsWith("chown"))).toMatch(/^chown www-data:www-data .*\/config\/\.parameters_local\.[A-Za-z0-9]{6}$/);
    // Checked, installed, checked again; every PHP call as www-data.
    expect(calls.filter((c) => !c.startsWith("sleep") && !c.startsWith("chown"))).toStrictEqual([
      "su www-data",
      "php-check",
      "su www-data",
      "php-install",
      "su www-data",
      "php-check",
    ]);
    expect(readFileSync(join(box.state, "install-args"), "utf8").split("\n").slice(0, -1)).toStrictEqual([
      "/var/www/html/bin/console",
      "mautic:install",
      "--force",
      "--admin_username=acme-admin",
      "--admin_email=owner@acme.example",
      "--admin_firstname=Ada",
      "--admin_lastname=O'Brien",
      `--admin_password=${ADMIN_PASSWORD}`,
      "https://mautic.acme.example",
    ]);
    expect(existsSync("/tmp/pwned")).toBe(false);
    // The password never reaches the log.
    expect(result.stdout).not.toContain("Adm1n");
  });

  it("is idempotent: a second run changes nothing and does not call the installer", () => {
    const box = sandbox();
    expect(box.run().status).toBe(0);
    const localPhp = readFileSync(join(box.config, "local.php"), "utf8");
    writeFileSync(join(box.state, "calls"), "");
    const second = box.run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("trusted proxies already set");
    expect(second.stdout).toContain("Mautic is already installed; nothing to do");
    expect(box.calls()).toStrictEqual(["su www-data", "php-check"]);
    expect(readFileSync(join(box.config, "local.php"), "utf8")).toBe(localPhp);
    expect(readFileSync(join(box.config, "parameters_local.php"), "utf8")).toBe(EXPECTED_PARAMETERS_LOCAL);
  });

  it("fails when the installer exits 0 without writing site_url", () => {
    const box = sandbox({ installMode: "cancel" });
    const result = box.run();
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("Install canceled");
    expect(result.stderr).toMatch(/mautic:install exited 0 but .*local\.php has no site_url/);
  });

  it("fails when the installer fails", () => {
    const result = sandbox({ installMode: "fail" }).run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("mautic:install exited with status 3");
  });

  it("gives up when the database never answers, before touching anything", () => {
    const box = sandbox({ dbReadyAfter: 99 });
    const result = box.run();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("gave up waiting for the database at mautic-acme_db:3306 after 5 attempts");
    expect(box.calls().filter((c) => c.startsWith("sleep"))).toHaveLength(4);
    expect(existsSync(join(box.config, "parameters_local.php"))).toBe(false);
    expect(box.calls().some((c) => c.startsWith("php") || c.startsWith("su"))).toBe(false);
  });

  it("waits for mautic_web to create local.php", () => {
    const box = sandbox({ localPhp: false });
    const result = box.run({ PANEL_WAIT_ATTEMPTS: "2" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/gave up waiting for .*config\/local\.php \(created by mautic_web\) after 2 attempts/);
  });

  it("leaves a parameters_local.php it did not write alone, and updates its own", () => {
    const box = sandbox();
    const own = "<?php\n$parameters = ['trusted_proxies' => ['REMOTE_ADDR']];\n";
    writeFileSync(join(box.config, "parameters_local.php"), own);
    const first = box.run();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("it was not written by the panel");
    expect(readFileSync(join(box.config, "parameters_local.php"), "utf8")).toBe(own);

    const other = sandbox();
    expect(other.run().status).toBe(0);
    expect(other.run({ PANEL_TRUSTED_PROXIES: "10.0.9.0/24" }).status).toBe(0);
    expect(readFileSync(join(other.config, "parameters_local.php"), "utf8")).toBe(
      EXPECTED_PARAMETERS_LOCAL.replace("'10.200.0.0/16', 'fd00::/8'", "'10.0.9.0/24'"),
    );
  });

  it.each([
    "10.0.0.0/8'];system('id');//",
    "10.0.0.0/8\n];",
    "$(id)",
    "REMOTE_ADDR",
    "10.0.0.0/8,,",
  ])("refuses the trusted proxy list %j and writes nothing", (proxies) => {
    const box = sandbox();
    const result = box.run({ PANEL_TRUSTED_PROXIES: proxies });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/not an IP address or CIDR block|PANEL_TRUSTED_PROXIES is empty/);
    expect(existsSync(join(box.config, "parameters_local.php"))).toBe(false);
    expect(box.calls().some((c) => c === "php-install")).toBe(false);
  });

  it.each(["MAUTIC_DB_HOST", "PANEL_SITE_URL", "PANEL_ADMIN_EMAIL", "PANEL_ADMIN_PASSWORD_FILE", "PANEL_TRUSTED_PROXIES"])(
    "fails when %s is missing",
    (name) => {
      const result = sandbox().run({ [name]: "" });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`mautic-install: ERROR: ${name} is not set\n`);
    },
  );

  it("refuses a site URL that is not https", () => {
    const result = sandbox().run({ PANEL_SITE_URL: "http://mautic.acme.example" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("PANEL_SITE_URL must be an https:// URL");
  });

  it("fails when a secret file cannot be read", () => {
    const box = sandbox();
    const result = box.run({ PANEL_ADMIN_PASSWORD_FILE: join(box.root, "nope") });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("cannot read the secret file");
    expect(box.calls().some((c) => c === "php-install")).toBe(false);
  });
});

describe("mautic-entrypoint.sh", () => {
  function runEntrypoint(env: Record<string, string>, args: string[]) {
    const root = mkdtempSync(join(tmpdir(), "mautic-entrypoint-"));
    sandboxes.push(root);
    const target = join(root, "entrypoint.sh");
    writeFileSync(
      target,
      '#!/bin/bash\nprintf "args=%s\\n" "$*"\nprintf "db=[%s] mailer=[%s] dbfile=[%s] mailerfile=[%s]\\n" "${MAUTIC_DB_PASSWORD-unset}" "${MAUTIC_MAILER_DSN-unset}" "${PANEL_DB_PASSWORD_FILE-unset}" "${PANEL_MAILER_DSN_FILE-unset}"\n',
    );
    chmodSync(target, 0o755);
    writeFileSync(join(root, "db"), `${DB_PASSWORD}\n`);
    writeFileSync(join(root, "mailer"), "smtp://user:p%40ss@mail.example:587");
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace("ROOT", root)]));
    return spawnSync("/bin/bash", [ENTRYPOINT_SCRIPT, ...args], {
      // NODE_ENV only because Remix's global typings make it a required key of ProcessEnv.
      env: { NODE_ENV: "test", PATH: "/usr/bin:/bin", PANEL_IMAGE_ENTRYPOINT: target, ...resolved },
      encoding: "utf8",
    });
  }

  it("exports the secrets into the image's variables and hands over its arguments", () => {
    const result = runEntrypoint(
      { PANEL_DB_PASSWORD_FILE: "ROOT/db", PANEL_MAILER_DSN_FILE: "ROOT/mailer" },
      ["apache2-foreground", "two words"],
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `args=apache2-foreground two words\ndb=[${DB_PASSWORD}] mailer=[smtp://user:p%40ss@mail.example:587] dbfile=[unset] mailerfile=[unset]\n`,
    );
  });

  it("leaves a variable unset when its file variable is not set", () => {
    const result = runEntrypoint({ PANEL_DB_PASSWORD_FILE: "ROOT/db" }, []);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("mailer=[unset]");
  });

  it("stops when a secret file is missing", () => {
    const result = runEntrypoint({ PANEL_DB_PASSWORD_FILE: "ROOT/missing" }, []);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/cannot read .*missing \(from PANEL_DB_PASSWORD_FILE\)/);
    expect(result.stdout).toBe("");
  });
});

describe("shellcheck", () => {
  it.each([INSTALL_SCRIPT, ENTRYPOINT_SCRIPT])("passes on %s", (script) => {
    const result = spawnSync("shellcheck", ["--shell=bash", "--severity=style", script], { encoding: "utf8" });
    expect(result.error, "shellcheck must be installed (apt-get install -y shellcheck)").toBeUndefined();
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
