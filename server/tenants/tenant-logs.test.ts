import { describe, expect, it } from "vitest";
import type { Tenant } from "../generated/prisma/client";
import { redact, tenantSecretNeedles } from "./tenant-logs";
import { TenantSecretBox } from "./tenant-secrets";

const box = new TenantSecretBox("test-app-secret-0123456789-abcdefghijklmnop");

function tenant(secrets: { db: string; root: string; admin: string; dsn?: string }): Tenant {
  const id = "t-1";
  return {
    id,
    mysqlPasswordEnc: box.seal(id, "mysqlPassword", secrets.db),
    mysqlRootPasswordEnc: box.seal(id, "mysqlRootPassword", secrets.root),
    mauticAdminPasswordEnc: box.seal(id, "mauticAdminPassword", secrets.admin),
    mailerDsnEnc: secrets.dsn ? box.seal(id, "mailerDsn", secrets.dsn) : null,
  } as Tenant;
}

describe("tenant log redaction", () => {
  it("replaces every password, the DSN, its password and their URL-encoded forms", () => {
    const t = tenant({ db: "db pass/1", root: "rootpass2", admin: "adminpass3", dsn: "smtp://u:m%40il-pass@smtp.example.com:587" });
    const needles = tenantSecretNeedles(t, box);
    const line = "a db pass/1 b db%20pass%2F1 c rootpass2 d adminpass3 e smtp://u:m%40il-pass@smtp.example.com:587 f m@il-pass g m%40il-pass";
    expect(redact(line, needles)).toBe("a [redacted] b [redacted] c [redacted] d [redacted] e [redacted] f [redacted] g [redacted]");
  });

  it("replaces a secret containing another one whole", () => {
    const t = tenant({ db: "abcd", root: "xxabcdxx", admin: "zzzzzzzz" });
    expect(redact("root=xxabcdxx db=abcd", tenantSecretNeedles(t, box))).toBe("root=[redacted] db=[redacted]");
  });

  it("ignores secrets too short to search for, and tenants without a DSN", () => {
    const t = tenant({ db: "abc", root: "rootpass2", admin: "adminpass3" });
    expect(redact("abc rootpass2", tenantSecretNeedles(t, box))).toBe("abc [redacted]");
  });
});
