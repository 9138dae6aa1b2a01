/**
 * A tenant's generated secrets, encrypted at rest with a key derived from APP_SECRET. Each
 * value is bound to its tenant and its name, so a value copied to another row or column does
 * not decrypt there.
 */
import { decryptSecret, deriveKey, encryptSecret } from "../crypto";

export type TenantSecretName = "mysqlPassword" | "mysqlRootPassword" | "mauticAdminPassword" | "mailerDsn";

export class TenantSecretBox {
  private readonly key: Buffer;

  constructor(appSecret: string) {
    this.key = deriveKey(appSecret, "tenant-secrets");
  }

  seal(tenantId: string, name: TenantSecretName, value: string): string {
    return encryptSecret(this.key, value, `${tenantId}:${name}`);
  }

  open(tenantId: string, name: TenantSecretName, sealed: string): string {
    return decryptSecret(this.key, sealed, `${tenantId}:${name}`);
  }
}
