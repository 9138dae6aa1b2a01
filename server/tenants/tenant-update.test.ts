import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors";
import { BUILTIN_PLANS } from "../stacks/plans";
import { parseUpdateTenantInput } from "./tenant-input";

const plans = BUILTIN_PLANS;

function problems(input: Parameters<typeof parseUpdateTenantInput>[0]) {
  try {
    parseUpdateTenantInput(input, { plans });
  } catch (error) {
    if (error instanceof ValidationError) return error.fieldErrors;
    throw error;
  }
  return [];
}

describe("parseUpdateTenantInput", () => {
  it("keeps only the fields to change; null name or plan means unchanged", () => {
    expect(parseUpdateTenantInput({}, { plans })).toEqual({});
    expect(parseUpdateTenantInput({ name: null, plan: null }, { plans })).toEqual({});
    expect(parseUpdateTenantInput({ name: "  Acme  ", plan: "large" }, { plans })).toEqual({ name: "Acme", plan: "large" });
  });

  it("removes the DSN for null, an empty or a blank string, and keeps it when absent", () => {
    expect(parseUpdateTenantInput({ mailerDsn: null }, { plans })).toEqual({ mailerDsn: null });
    expect(parseUpdateTenantInput({ mailerDsn: "" }, { plans })).toEqual({ mailerDsn: null });
    expect(parseUpdateTenantInput({ mailerDsn: "  " }, { plans })).toEqual({ mailerDsn: null });
    expect(parseUpdateTenantInput({ mailerDsn: " smtp://u:p@h:25 " }, { plans })).toEqual({ mailerDsn: "smtp://u:p@h:25" });
    expect("mailerDsn" in parseUpdateTenantInput({ name: "x" }, { plans })).toBe(false);
  });

  it("names every bad field with the creation rules", () => {
    expect(problems({ name: "", plan: "huge", mailerDsn: "mail.example.com" })).toEqual([
      { field: "name", message: "Name is required" },
      { field: "plan", message: "Plan must be one of small, standard, large" },
      { field: "mailerDsn", message: "Mailer DSN must look like smtp://user:pass@host:port" },
    ]);
    expect(problems({ name: "a\u0007b" })).toEqual([{ field: "name", message: "Name must not contain control characters" }]);
  });
});
