import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./fixtures";
import { createTenant, screenshot, signIn } from "./helpers";

const OLD = "mautic/mautic:6.0.9-apache";
const NEW = "mautic/mautic:7.2.0-apache";

test("an admin backs up, restores and upgrades a tenant, then upgrades the fleet in batches", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  const echo = await createTenant(page, { name: "Echo Works", domain: "mautic.echo-e2e.example", owner: "echo@upgrade-e2e.example", mauticImage: OLD });
  const delta = await createTenant(page, { name: "Delta Foods", domain: "mautic.delta-e2e.example", owner: "delta@upgrade-e2e.example", mauticImage: OLD });
  const log = page.getByTestId("event-log");
  await expect(log).toContainText("Mautic is live at https://mautic.delta-e2e.example.", { timeout: 60_000 });

  // A backup, then a restore of it (typing the domain to confirm).
  const backups = page.getByTestId("backups");
  await backups.getByRole("button", { name: "Back up now" }).click();
  await expect(backups.getByTestId("backup-row").first()).toContainText("SUCCEEDED", { timeout: 30_000 });
  await backups.getByLabel("Type mautic.delta-e2e.example to confirm").fill("mautic.delta-e2e.example");
  await backups.getByRole("button", { name: "Restore this backup" }).click();
  await expect(page.getByTestId("toast")).toContainText("Restore requested");
  await expect(log).toContainText("Stopping Mautic (web, cron, worker) while the database keeps running", { timeout: 30_000 });
  await expect(log).toContainText("Restored from delta-foods-", { timeout: 60_000 });
  await expect(page.getByTestId("tenant-status")).toHaveText("ACTIVE");

  // An upgrade: backup first, then the new image.
  const upgrade = page.getByTestId("upgrade-form");
  await expect(upgrade.getByLabel("Upgrade to")).toHaveValue(NEW);
  await upgrade.getByRole("button", { name: "Upgrade" }).click();
  await expect(page.getByTestId("toast")).toContainText("Upgrade requested");
  await expect(log).toContainText(`Upgraded to ${NEW}`, { timeout: 60_000 });
  await expect(page.getByTestId("tenant-status")).toHaveText("ACTIVE");
  await expect(page.getByText(NEW, { exact: true }).first()).toBeVisible();
  await expect(page.getByTestId("upgrade-form")).toHaveCount(0);
  await expect(backups.getByTestId("backup-row").first()).toContainText("before an upgrade");
  await screenshot(page, "tenant-upgraded");

  // The fleet: every tenant still on the old image (Echo), in batches.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Upgrades" }).click();
  await expect(page.getByRole("heading", { name: "Upgrades", level: 1 })).toBeVisible();
  await page.getByLabel("Upgrade to").selectOption(NEW);
  await page.getByLabel("Tenants running").selectOption(OLD);
  await page.getByLabel("Tenants per batch").fill("0");
  await page.getByRole("button", { name: "Start the upgrade" }).click();
  await expect(page.locator("#field-batchSize-error")).toContainText("from 1 to 50");
  await page.getByLabel("Tenants per batch").fill("5");
  await page.getByRole("button", { name: "Start the upgrade" }).click();
  await expect(page.getByTestId("toast")).toContainText("Fleet upgrade started");
  const card = page.getByTestId("fleet-upgrade").first();
  await expect(card).toContainText("COMPLETED", { timeout: 60_000 });
  await expect(card.getByTestId("fleet-upgrade-counts")).toContainText("1 of 1 done: 1 upgraded, 0 failed and rolled back, 0 skipped.");
  await card.getByText("The 1 tenants").click();
  await expect(card.getByTestId("fleet-upgrade-item")).toContainText("Echo Works");
  await screenshot(page, "fleet-upgrades");

  await page.goto(`/tenants/${echo}`);
  await expect(page.getByTestId("event-log")).toContainText(`Upgraded to ${NEW}`);

  // A restore drill: Delta's pre-upgrade backup copied into a new tenant.
  await page.goto(`/tenants/${delta}`);
  const clone = page.getByTestId("clone-form");
  await clone.getByLabel("Backup").selectOption({ label: (await clone.getByLabel("Backup").locator("option", { hasText: "before an upgrade" }).first().textContent())! });
  await clone.getByLabel("New tenant's name").fill("Delta Drill");
  await clone.getByLabel("New tenant's domain").fill("mautic.delta-drill-e2e.example");
  await clone.getByRole("button", { name: "Create the copy" }).click();
  await expect(page.getByRole("heading", { name: "Delta Drill", level: 1 })).toBeVisible();
  await expect(page.getByTestId("toast")).toContainText("Tenant created from the backup");
  await expect(page.getByTestId("event-log")).toContainText("Mautic is live at https://mautic.delta-drill-e2e.example with the data of backup delta-foods-", { timeout: 90_000 });
  await expect(page.getByTestId("tenant-status")).toHaveText("ACTIVE");
  await expect(page.getByText(OLD, { exact: true }).first()).toBeVisible();
  await screenshot(page, "tenant-cloned");
});
