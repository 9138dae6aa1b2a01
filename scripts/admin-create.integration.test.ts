import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import bcrypt from "bcrypt";
import Database from "better-sqlite3";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "admin-create-"));
const dbFile = path.join(dir, "fresh.db");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/admin-create.ts", ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", DATABASE_URL: `file:${dbFile}` },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

function userRow(email: string): { email: string; role: string; passwordHash: string } | undefined {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare("SELECT email, role, passwordHash FROM User WHERE email = ?").get(email) as never;
  } finally {
    db.close();
  }
}

describe("npm run admin:create", () => {
  it("migrates a fresh database and creates an ADMIN with the password from stdin (never argv)", async () => {
    const result = await run(["--email", "Boss@Example.com"], "a long enough password\na long enough password\n");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Created ADMIN boss@example\.com \(id \w+\)\.\n$/);
    const row = userRow("boss@example.com");
    expect(row?.role).toBe("ADMIN");
    expect(await bcrypt.compare("a long enough password", row!.passwordHash)).toBe(true);
    expect(row!.passwordHash).toMatch(/^\$2b\$10\$/);
  }, 60_000);

  it("refuses a second line that does not repeat the password, a weak password and a duplicate", async () => {
    const mismatch = await run(["--email", "x@example.com", "--role", "CLIENT"], "a long enough password\nsomething else\n");
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain("does not repeat the password");
    const weak = await run(["--email", "y@example.com"], "short\n");
    expect(weak.code).toBe(1);
    expect(weak.stderr).toBe("password: Password must be at least 12 characters\n");
    const duplicate = await run(["--email", "BOSS@example.com"], "another long password\n");
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toBe("An account with the e-mail boss@example.com already exists.\n");
    expect(userRow("x@example.com")).toBeUndefined();
    expect(userRow("y@example.com")).toBeUndefined();
  }, 60_000);

  it("sets a new password on an existing account with --update-password", async () => {
    const result = await run(["--email", "boss@example.com", "--update-password"], "the new long password\n");
    expect(result.code).toBe(0);
    expect(await bcrypt.compare("the new long password", userRow("boss@example.com")!.passwordHash)).toBe(true);
  }, 60_000);

  it("explains its usage for bad arguments", async () => {
    const result = await run(["--role", "ADMIN"], "");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--email is required.");
  });
});
