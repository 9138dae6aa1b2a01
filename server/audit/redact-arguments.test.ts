import { describe, expect, it } from "vitest";
import { redactArguments } from "./audit-log";

describe("redactArguments (what the audit log keeps of a mutation's arguments)", () => {
  it("removes passwords, current/new passwords and tokens of the account mutations", () => {
    expect(redactArguments({ input: { email: "a@example.com", password: "hunter2 hunter2", role: "CLIENT" } })).toEqual({
      input: { email: "a@example.com", password: "[redacted]", role: "CLIENT" },
    });
    expect(redactArguments({ current: "old password 1", new: "new password 12" })).toEqual({ current: "[redacted]", new: "[redacted]" });
    expect(redactArguments({ token: "AbCdEf0123456789", new: "new password 12" })).toEqual({ token: "[redacted]", new: "[redacted]" });
    expect(redactArguments({ email: "a@example.com", password: "pw" })).toEqual({ email: "a@example.com", password: "[redacted]" });
  });

  it("keeps what is not secret, and says when a secret was absent", () => {
    expect(redactArguments({ id: "u1", input: { email: "b@example.com", role: null } })).toEqual({ id: "u1", input: { email: "b@example.com", role: null } });
    expect(redactArguments({ input: { email: "c@example.com", password: null } })).toEqual({ input: { email: "c@example.com", password: null } });
    expect(redactArguments({ userId: "u2" })).toEqual({ userId: "u2" });
  });

  it("matches secret names in any letter case and nested in lists", () => {
    const out = JSON.stringify(redactArguments({ items: [{ Password: "x1" }, { apiToken: "x2" }, { mailerDsn: "smtp://u:p@h" }], NEW: "x3" }));
    for (const secret of ["x1", "x2", "x3", "smtp://"]) expect(out).not.toContain(secret);
  });
});
