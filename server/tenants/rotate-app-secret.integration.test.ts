import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN, seedUsers, signIn, startTestApp, TEST_APP_SECRET, type TestApp } from "../../test/app";
import { createPrisma } from "../db/client";
import { SYSTEM } from "../events/tenant-events";
import { rotateAppSecret, SecretRotationError } from "./rotate-app-secret";
import { TenantSecretBox, type TenantSecretName } from "./tenant-secrets";

const run = promisify(execFile);
const NEW_SECRET = "a-brand-new-app-secret-0123456789-abcdefgh";
const NAMES: [TenantSecretName, "mysqlPasswordEnc" | "mysqlRootPasswordEnc" | "mauticAdminPasswordEnc" | "mailerDsnEnc"][] = [
  ["mysqlPassword", "mysqlPasswordEnc"],
  ["mysqlRootPassword", "mysqlRootPasswordEnc"],
  ["mauticAdminPassword", "mauticAdminPasswordEnc"],
  ["mailerDsn", "mailerDsnEnc"],
];

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

/** A stopped panel's database with two tenants (one with a DSN), a session and an unused set-password link. */
async function stoppedPanel() {
  t = await startTestApp({}, { worker: false });
  await seedUsers(t.app);
  await signIn(t.url, ADMIN);
  const invited = await t.app.services.users.create({ email: "invited@example.com", role: "CLIENT" });
  const a = await t.app.services.tenants.create({ name: "alpha", slug: "alpha", domain: "alpha.example.com", ownerId: invited.id, mailerDsn: "smtp://u:Secret-Mail-Pass@smtp.example.com:587" }, SYSTEM);
  const b = await t.app.services.tenants.create({ name: "bravo", slug: "bravo", domain: "bravo.example.com", ownerId: invited.id }, SYSTEM);
  const old = new TenantSecretBox(TEST_APP_SECRET);
  const rows = await t.app.services.prisma.tenant.findMany({ orderBy: { slug: "asc" } });
  const plain = rows.map((row) => Object.fromEntries(NAMES.filter(([, c]) => row[c] !== null).map(([n, c]) => [n, old.open(row.id, n, row[c]!)])));
  const { databasePath, emulator } = t;
  await t.app.stop();
  await emulator.close();
  t = null;
  return { databasePath, ids: [a.id, b.id], plain };
}

describe("rotating APP_SECRET", () => {
  it("re-encrypts every tenant secret so that it opens with the new key and none with the old, and ends sessions and links", async () => {
    const { databasePath, plain } = await stoppedPanel();
    const prisma = await createPrisma(databasePath);
    const report = await rotateAppSecret(prisma, TEST_APP_SECRET, NEW_SECRET);
    expect(report).toEqual({ tenants: 2, secrets: 7, sessionsEnded: 1, linksRevoked: 1 });
    const [old, next] = [new TenantSecretBox(TEST_APP_SECRET), new TenantSecretBox(NEW_SECRET)];
    const rows = await prisma.tenant.findMany({ orderBy: { slug: "asc" } });
    rows.forEach((row, i) => {
      for (const [name, column] of NAMES) {
        const sealed = row[column];
        if (sealed === null) continue;
        expect(next.open(row.id, name, sealed)).toBe(plain[i]![name]);
        expect(() => old.open(row.id, name, sealed)).toThrow();
      }
    });
    expect(await prisma.session.count()).toBe(0);
    expect(await prisma.passwordLink.count({ where: { usedAt: null } })).toBe(0);
    await prisma.$disconnect();

    // The panel starts with the new secret and reads its tenants' secrets.
    t = await startTestApp({ APP_SECRET: NEW_SECRET }, { databasePath, worker: false });
    const row = await t.app.services.prisma.tenant.findFirstOrThrow({ where: { slug: "alpha" } });
    expect(t.app.services.tenants.secrets.open(row.id, "mailerDsn", row.mailerDsnEnc!)).toBe("smtp://u:Secret-Mail-Pass@smtp.example.com:587");
  });

  it("changes nothing when the current secret is not the one the data was sealed with", async () => {
    const { databasePath } = await stoppedPanel();
    const prisma = await createPrisma(databasePath);
    const before = await prisma.tenant.findMany({ orderBy: { slug: "asc" } });
    await expect(rotateAppSecret(prisma, "not-the-secret-the-panel-runs-with-0123456789", NEW_SECRET)).rejects.toThrow(SecretRotationError);
    await expect(rotateAppSecret(prisma, TEST_APP_SECRET, "short")).rejects.toThrow("The new APP_SECRET must be at least 32 characters.");
    expect(await prisma.tenant.findMany({ orderBy: { slug: "asc" } })).toEqual(before);
    expect(await prisma.session.count()).toBe(1);
    await prisma.$disconnect();
  });

  it("works from the command line, and refuses while the panel runs", async () => {
    const { databasePath } = await stoppedPanel();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotate-"));
    const secretFile = path.join(dir, "new_secret");
    fs.writeFileSync(secretFile, `${NEW_SECRET}\n`);
    const env = { ...process.env, NODE_ENV: "production", DATABASE_URL: `file:${databasePath}`, APP_SECRET: TEST_APP_SECRET } as NodeJS.ProcessEnv;
    const tsx = path.resolve("node_modules/.bin/tsx");

    t = await startTestApp({}, { databasePath, worker: false });
    const refused = await run(tsx, ["scripts/secrets-rotate.ts", "--new-secret-file", secretFile], { env }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1, stderr: `The database ${databasePath} is in use: stop the panel first, then rotate.\n` });
    await t.close();
    t = null;

    const done = await run(tsx, ["scripts/secrets-rotate.ts", "--new-secret-file", secretFile], { env });
    expect(done.stdout).toMatch(/^Re-encrypted 7 secrets of 2 tenants; ended 1 sessions and 1 unused set-password links\./);
    expect(done.stdout + done.stderr).not.toContain(NEW_SECRET);
    // Again with the old secret: it no longer opens the data, and says so.
    const again = await run(tsx, ["scripts/secrets-rotate.ts", "--new-secret-file", secretFile], { env }).catch((error: { code: number; stderr: string }) => error);
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toContain("does not decrypt with the current APP_SECRET");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
