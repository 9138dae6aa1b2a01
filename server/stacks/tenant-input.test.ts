import { describe, expect, it } from "vitest";
import { ValidationError, type FieldError } from "../errors";
import { BUILTIN_PLANS } from "./plans";
import { acmeInput, VALIDATION_OPTIONS } from "./stack-test-fixtures";
import { parseTenantStackInput, type TenantStackInput } from "./tenant-input";

function fieldErrors(input: TenantStackInput): FieldError[] {
  try {
    parseTenantStackInput(input, VALIDATION_OPTIONS);
  } catch (error) {
    if (error instanceof ValidationError) return error.fieldErrors;
    throw error;
  }
  return [];
}

describe("parseTenantStackInput", () => {
  it("returns the normalized tenant with its plan and stack name", () => {
    const tenant = parseTenantStackInput(
      acmeInput({ domain: "Mautic.Bücher.Example", adminEmail: "Owner@Bücher.Example", adminLastName: "Lovelace" }),
      VALIDATION_OPTIONS,
    );
    expect(tenant).toStrictEqual({
      id: "cm3tenantacme0001",
      slug: "acme",
      stackName: "mautic-acme",
      domain: "mautic.xn--bcher-kva.example",
      mauticImage: "mautic/mautic:7.2.0-apache",
      plan: BUILTIN_PLANS.plans["standard"],
      nodeHostname: "swarm-node-1",
      adminEmail: "Owner@xn--bcher-kva.example",
      adminUsername: "acme-admin",
      adminFirstName: "Ada",
      adminLastName: "Lovelace",
      mysqlDatabase: "mautic",
      mysqlUser: "mautic",
      secrets: {
        dbPassword: "mautic-acme-db-password-v1",
        dbRootPassword: "mautic-acme-db-root-password-v1",
        adminPassword: "mautic-acme-admin-password-v1",
      },
      configs: {
        crontab: "mautic-acme-crontab-0123456789ab",
        installScript: "mautic-acme-install-0123456789ab",
        entrypoint: "mautic-acme-entrypoint-0123456789ab",
      },
      exposure: "live",
    });
  });

  it("fills in the installer's own defaults for the admin account and MySQL names", () => {
    const { adminUsername, adminFirstName, adminLastName, ...rest } = acmeInput();
    void adminUsername;
    void adminFirstName;
    void adminLastName;
    const tenant = parseTenantStackInput({ ...rest, nodeHostname: undefined }, VALIDATION_OPTIONS);
    expect([tenant.adminUsername, tenant.adminFirstName, tenant.adminLastName]).toStrictEqual(["admin", "Admin", "Mautic"]);
    expect([tenant.mysqlDatabase, tenant.mysqlUser, tenant.nodeHostname]).toStrictEqual(["mautic", "mautic", null]);
  });

  it("reports one error per bad field, all at once", () => {
    const errors = fieldErrors({
      ...acmeInput(),
      id: "",
      slug: "ACME",
      domain: "*.acme.example",
      mauticImage: "mautic/mautic:latest",
      plan: "platinum",
      nodeHostname: "node 1",
      adminEmail: "not-an-email",
      adminUsername: "a b",
      adminFirstName: "R2D2",
      adminLastName: "",
      mysqlDatabase: "Mautic",
      mysqlUser: "root",
      exposure: "public" as "live",
    });
    expect(errors.map((e) => e.field)).toStrictEqual([
      "id",
      "slug",
      "domain",
      "mauticImage",
      "plan",
      "nodeHostname",
      "adminEmail",
      "adminUsername",
      "adminFirstName",
      "adminLastName",
      "mysqlDatabase",
      "mysqlUser",
      "exposure",
    ]);
    expect(errors.find((e) => e.field === "plan")?.message).toBe("Choose one of the plans: small, standard, large.");
    expect(errors.find((e) => e.field === "mysqlUser")?.message).toBe("The MySQL user cannot be root.");
  });

  it("rejects an image that is not in the allowed list", () => {
    expect(fieldErrors(acmeInput({ mauticImage: "mautic/mautic:5.2.10-apache" }))).toStrictEqual([
      { field: "mauticImage", message: "This image is not one of the allowed Mautic images." },
    ]);
  });

  it("keeps the mailer flag and the mailer secret consistent", () => {
    expect(fieldErrors(acmeInput({ hasMailerDsn: true }))).toStrictEqual([
      { field: "secrets.mailerDsn", message: "Enter a Docker object name." },
    ]);
    expect(
      fieldErrors(acmeInput({ hasMailerDsn: false, secrets: { ...acmeInput().secrets, mailerDsn: "mautic-acme-mailer-dsn-v1" } })),
    ).toStrictEqual([{ field: "secrets.mailerDsn", message: "Leave this empty when the tenant has no mailer DSN." }]);
    expect(fieldErrors({ ...acmeInput(), hasMailerDsn: "yes" as unknown as boolean })).toStrictEqual([
      { field: "hasMailerDsn", message: "Say whether the tenant has a mailer DSN." },
    ]);
  });

  it("requires distinct secret and config names", () => {
    const secrets = { ...acmeInput().secrets, adminPassword: "mautic-acme-db-password-v1" };
    expect(fieldErrors(acmeInput({ secrets }))).toStrictEqual([
      { field: "secrets.adminPassword", message: "Must differ from secrets.dbPassword." },
    ]);
    const configs = { ...acmeInput().configs, entrypoint: "mautic-acme-crontab-0123456789ab" };
    expect(fieldErrors(acmeInput({ configs }))).toStrictEqual([
      { field: "configs.entrypoint", message: "Must differ from configs.crontab." },
    ]);
  });

  it("reports missing nested objects field by field", () => {
    const input = { ...acmeInput(), secrets: undefined, configs: "x" } as unknown as TenantStackInput;
    expect(fieldErrors(input).map((e) => e.field)).toStrictEqual([
      "secrets.dbPassword",
      "secrets.dbRootPassword",
      "secrets.adminPassword",
      "configs.crontab",
      "configs.installScript",
      "configs.entrypoint",
    ]);
  });

  it("does not accept a plan name inherited from Object.prototype", () => {
    expect(fieldErrors(acmeInput({ plan: "constructor" })).map((e) => e.field)).toStrictEqual(["plan"]);
    expect(fieldErrors(acmeInput({ plan: "__proto__" })).map((e) => e.field)).toStrictEqual(["plan"]);
  });

  it("survives input that is not an object at all", () => {
    const errors = fieldErrors(null as unknown as TenantStackInput);
    expect(errors.length).toBeGreaterThan(10);
    expect(errors[0]).toStrictEqual({ field: "id", message: "Enter a tenant id." });
  });
});
