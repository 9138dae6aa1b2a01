/**
 * Changing APP_SECRET (`npm run secrets:rotate`): every tenant secret is decrypted with the old key
 * and sealed with the new one, in one transaction, so a failure changes nothing. Sessions and
 * unused set-password links end, since cookies signed with the old secret stop verifying anyway
 * (API tokens are stored as SHA-256 hashes and do not depend on APP_SECRET). The panel must be
 * stopped, then started with the new APP_SECRET.
 */
import type { PrismaClient } from "../db/client";
import { OperatorError } from "../errors";
import { TenantSecretBox, type TenantSecretName } from "./tenant-secrets";

const FIELDS: readonly { name: TenantSecretName; column: "mysqlPasswordEnc" | "mysqlRootPasswordEnc" | "mauticAdminPasswordEnc" | "mailerDsnEnc" }[] = [
  { name: "mysqlPassword", column: "mysqlPasswordEnc" },
  { name: "mysqlRootPassword", column: "mysqlRootPasswordEnc" },
  { name: "mauticAdminPassword", column: "mauticAdminPasswordEnc" },
  { name: "mailerDsn", column: "mailerDsnEnc" },
];

export class SecretRotationError extends OperatorError {
  constructor(message: string) {
    super("SECRET_ROTATION", message);
  }
}

export interface RotationReport {
  tenants: number;
  secrets: number;
  sessionsEnded: number;
  linksRevoked: number;
}

export async function rotateAppSecret(prisma: PrismaClient, oldSecret: string, newSecret: string): Promise<RotationReport> {
  if (newSecret.length < 32) throw new SecretRotationError("The new APP_SECRET must be at least 32 characters.");
  if (newSecret === oldSecret) throw new SecretRotationError("The new APP_SECRET is the current one.");
  const before = new TenantSecretBox(oldSecret);
  const after = new TenantSecretBox(newSecret);
  return prisma.$transaction(async (tx) => {
    const tenants = await tx.tenant.findMany({ select: { id: true, slug: true, mysqlPasswordEnc: true, mysqlRootPasswordEnc: true, mauticAdminPasswordEnc: true, mailerDsnEnc: true } });
    let secrets = 0;
    for (const tenant of tenants) {
      const data: Partial<Record<(typeof FIELDS)[number]["column"], string>> = {};
      for (const { name, column } of FIELDS) {
        const sealed = tenant[column];
        if (sealed === null) continue;
        let value: string;
        try {
          value = before.open(tenant.id, name, sealed);
        } catch {
          throw new SecretRotationError(`The ${name} of tenant ${tenant.slug} does not decrypt with the current APP_SECRET: is it the secret the panel runs with? Nothing was changed.`);
        }
        data[column] = after.seal(tenant.id, name, value);
        secrets++;
      }
      await tx.tenant.update({ where: { id: tenant.id }, data });
    }
    const sessions = await tx.session.deleteMany({});
    const links = await tx.passwordLink.deleteMany({ where: { usedAt: null } });
    return { tenants: tenants.length, secrets, sessionsEnded: sessions.count, linksRevoked: links.count };
  });
}
