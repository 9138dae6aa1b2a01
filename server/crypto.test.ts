import { describe, expect, it } from "vitest";
import { decryptSecret, deriveKey, encryptSecret, generatePassword, SecretDecryptionError } from "./crypto";

describe("secrets at rest", () => {
  const key = deriveKey("x".repeat(40), "tenant-secrets");

  it("round-trips, never stores the plaintext, and uses a new nonce each time", () => {
    const a = encryptSecret(key, "my database password", "tenant-1");
    const b = encryptSecret(key, "my database password", "tenant-1");
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("password");
    expect(decryptSecret(key, a, "tenant-1")).toBe("my database password");
  });

  it("refuses another key, another row, or a tampered value", () => {
    const sealed = encryptSecret(key, "secret", "tenant-1");
    expect(() => decryptSecret(deriveKey("y".repeat(40), "tenant-secrets"), sealed, "tenant-1")).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, sealed, "tenant-2")).toThrow(SecretDecryptionError);
    const parts = sealed.split(".");
    parts[3] = (parts[3]![0] === "A" ? "B" : "A") + parts[3]!.slice(1);
    expect(() => decryptSecret(key, parts.join("."), "tenant-1")).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, "garbage", "tenant-1")).toThrow(SecretDecryptionError);
  });

  it("derives different keys for different purposes", () => {
    expect(deriveKey("x".repeat(40), "a").equals(deriveKey("x".repeat(40), "b"))).toBe(false);
  });
});

describe("generatePassword", () => {
  it("gives long alphanumeric passwords without repeats", () => {
    const passwords = new Set(Array.from({ length: 200 }, () => generatePassword()));
    expect(passwords.size).toBe(200);
    for (const p of passwords) expect(p).toMatch(/^[A-Za-z0-9]{32}$/);
    // Every character class shows up across a sample: no alphabet bug.
    const all = [...passwords].join("");
    expect(new Set(all).size).toBe(62);
  });
});
