/**
 * Every GraphQL document the UI runs is valid against the schema. A broken document only fails
 * when its page is opened (executeOperation refuses it with a 500), so this checks them all at
 * once: each exported helper runs against a stand-in executor that validates what it receives.
 */
import { parse, validate } from "graphql";
import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the test needs the schema itself
import { schema } from "../../graphql/schema";
import * as audit from "./audit.server";
import * as auth from "./auth.server";
import * as backups from "./backups.server";
import * as portainer from "./portainer.server";
import * as tenants from "./tenants.server";
import * as tokens from "./tokens.server";
import * as upgrades from "./upgrades.server";
import * as users from "./users.server";

const seen: string[] = [];

const context = {
  requestId: "test",
  graphql: {
    execute: async (operation: { source: string }) => {
      seen.push(operation.source);
      const problems = validate(schema, parse(operation.source)).map((e) => e.message);
      if (problems.length > 0) throw new Error(`invalid operation:\n${operation.source}\n${problems.join("\n")}`);
      // Stop the helper here: the document was all we wanted.
      throw new StopHere();
    },
  },
} as unknown as AppLoadContext;

class StopHere extends Error {}

async function check(call: () => Promise<unknown>): Promise<void> {
  const before = seen.length;
  await expect(call()).rejects.toBeInstanceOf(StopHere);
  expect(seen.length).toBe(before + 1);
}

describe("the UI's GraphQL operations", () => {
  const calls: Record<string, () => Promise<unknown>> = {
    "auth.getUser": () => auth.getUser(context),
    "auth.login": () => auth.login(context, { email: "a@b.c", password: "x" }),
    "auth.logout": () => auth.logout(context),
    "tenants.listTenants": () => tenants.listTenants(context, { after: null, search: null, status: null }),
    "tenants.listTenantChoices": () => tenants.listTenantChoices(context),
    "tenants.getTenant": () => tenants.getTenant(context, "t"),
    "tenants.tenantFormOptions": () => tenants.tenantFormOptions(context),
    "tenants.createTenant": () => tenants.createTenant(context, { name: "n", domain: "d" }),
    "tenants.retry": () => tenants.tenantAction(context, "retry", "t"),
    "tenants.deleteTenant": () => tenants.deleteTenant(context, "t", { deleteData: true, finalBackup: false }, "d"),
    "tenants.revealCredentials": () => tenants.revealCredentials(context, "t"),
    "tenants.tenantLogs": () => tenants.tenantLogs(context, "t", "MAUTIC_WEB", 100),
    "tenants.updateTenant": () => tenants.updateTenant(context, "t", { name: "n", mailerDsn: "", clientMayRestore: true }),
    "backups.listBackups": () => backups.listBackups(context, "t", "standard"),
    "backups.createBackup": () => backups.createBackup(context, "t"),
    "backups.restoreBackup": () => backups.restoreBackup(context, "b"),
    "backups.cloneTenant": () => backups.cloneTenant(context, "b", { name: "n", domain: "d" }),
    "upgrades.upgradeTenant": () => upgrades.upgradeTenant(context, "t", "i"),
    "upgrades.listFleetUpgrades": () => upgrades.listFleetUpgrades(context),
    "upgrades.startFleetUpgrade": () => upgrades.startFleetUpgrade(context, { mauticImage: "i", batchSize: 5, maxFailureRate: 0.2, filter: { plan: null, fromImage: null } }),
    "upgrades.stopFleetUpgrade": () => upgrades.stopFleetUpgrade(context, "f"),
    "portainer.portainerStatus": () => portainer.portainerStatus(context),
    "users.listUsers": () => users.listUsers(context, { search: null, role: null, after: null, before: null }),
    "users.listClientChoices": () => users.listClientChoices(context),
    "users.createUser": () => users.createUser(context, { email: "a@b.c", role: "CLIENT", password: null }),
    "users.setUserRole": () => users.setUserRole(context, "u", "ADMIN"),
    "users.createPasswordResetLink": () => users.createPasswordResetLink(context, "u"),
    "users.deleteUser": () => users.deleteUser(context, "u"),
    "users.getAccount": () => users.getAccount(context),
    "users.changePassword": () => users.changePassword(context, "a", "b"),
    "users.peekPasswordLink": () => users.peekPasswordLink(context, "t"),
    "users.setPassword": () => users.setPassword(context, "t", "p"),
    "tokens.listTokens": () => tokens.listTokens(context, { after: null, includeRevoked: true }),
    "tokens.createToken": () => tokens.createToken(context, { name: "n", expiresAt: null, role: null, tenantIds: null }),
    "tokens.revokeToken": () => tokens.revokeToken(context, "t"),
    "audit.listAudit": () => audit.listAudit(context, { action: null, actorId: null, tenantId: null, failedOnly: false, after: null }),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(`${name} is valid`, () => check(call));
  }
});
