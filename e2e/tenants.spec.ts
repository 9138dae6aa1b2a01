import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./fixtures";
import { expectFitsWidth, expectNoReload, markDocument, screenshot, tenantIdOf } from "./helpers";

const DOMAIN = "mautic.acme-e2e.example";

test("an admin creates a tenant, watches it provision live, then suspends, resumes and deletes it", async ({ page, context }) => {
  test.setTimeout(240_000);
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Tenants" }).click();
  await expect(page.getByRole("heading", { name: "Tenants", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New tenant" }).click();

  // A bad domain is refused with a message on its field, and nothing else is lost.
  await page.getByLabel("Name", { exact: true }).fill("Acme Marketing");
  await page.getByLabel("Domain (where Mautic will answer)").fill("not a domain");
  // Tenants belong to CLIENT accounts: a new e-mail creates one (with a set-password link).
  await page.getByLabel("Owner (e-mail of a client account)").fill("owner@acme-e2e.example");
  await page.getByRole("button", { name: "Create and provision" }).click();
  await expect(page.getByLabel("Domain (where Mautic will answer)")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Acme Marketing");

  await page.getByLabel("Domain (where Mautic will answer)").fill(DOMAIN);
  await page.getByRole("button", { name: "Create and provision" }).click();
  await expect(page.getByRole("heading", { name: "Acme Marketing" })).toBeVisible();
  const id = tenantIdOf(page);
  // From here on everything on this page happens without loading it again.
  await markDocument(page);

  // A second tab on the list: the tenant's row changes in place, without a reload.
  const list = await context.newPage();
  await list.goto("/tenants");
  await markDocument(list);
  await expect(list.getByTestId("tenants-live")).toHaveText("Status and health update live.");
  const row = list.getByRole("row", { name: /Acme Marketing/ });

  // The log fills in live (no reload), the steps follow, and the status.
  const log = page.getByTestId("event-log");
  const stepper = page.getByTestId("phase-stepper");
  await expect(log).toContainText("[PREFLIGHT] PREFLIGHT started.", { timeout: 20_000 });
  await expect(page.getByTestId("event-log-state")).toHaveText("(live)");
  await expect(stepper.locator('[data-phase="PREFLIGHT"]')).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  if ((await page.getByTestId("tenant-status").textContent()) === "PROVISIONING") {
    await screenshot(page, "tenant-provisioning");
  }
  await expect(log).toContainText("Mautic is live at https://mautic.acme-e2e.example.", { timeout: 60_000 });
  await expect(page.getByTestId("tenant-status")).toHaveText("ACTIVE", { timeout: 10_000 });
  await expect(stepper.locator('li[data-state="done"]')).toHaveCount(8);
  await expect(page.getByTestId("phase-summary")).toHaveText("All 8 steps are done.");
  await expect(page.getByRole("heading", { name: /^Health/ })).toBeVisible();
  await expectNoReload(page);

  await expect(row.getByTestId("row-status")).toHaveText("ACTIVE", { timeout: 10_000 });
  await expectNoReload(list);
  await screenshot(list, "tenants-list-live");
  await list.close();

  // Health per service, and the web service's recent lines (read again once ACTIVE).
  await expect(page.getByTestId("service-health")).toContainText("mautic_web", { timeout: 20_000 });
  await expect(page.getByTestId("service-logs")).toContainText("mautic-acme-marketing_mautic_web", { timeout: 20_000 });
  await screenshot(page, "tenant-active");

  // The credentials need a deliberate click; the answer is not cached and not in any page load.
  const credentials = page.getByTestId("credentials");
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(`/tenants/${id}`));
  await page.getByRole("button", { name: "Reveal credentials" }).click();
  expect((await answered).headers()["cache-control"]).toBe("no-store");
  const password = credentials.getByRole("textbox", { name: "Mautic admin password" });
  await expect(password).toHaveValue(/.{12,}/);
  await expect(credentials.getByRole("textbox", { name: "Mautic admin user" })).not.toHaveValue("");
  await expect(credentials.getByRole("textbox", { name: "Database user" })).not.toHaveValue("");
  await expect(credentials.getByRole("textbox", { name: "Database root password" })).not.toHaveValue("");
  await expect(credentials).toContainText("This tenant has no mailer DSN.");
  await expect(log).toContainText(`${E2E_ADMIN.email} revealed the Mautic admin login and the database credentials.`);
  await screenshot(page, "tenant-credentials");
  const secret = await password.inputValue();
  const reloaded = await page.request.get(`/tenants/${id}`);
  expect(await reloaded.text()).not.toContain(secret);
  await page.getByRole("button", { name: "Hide credentials" }).click();
  await expect(credentials.getByRole("textbox")).toHaveCount(0);

  // On a phone the page (settings and actions included) fits the screen.
  await page.setViewportSize({ width: 375, height: 800 });
  await expectFitsWidth(page, "the tenant page");
  await screenshot(page, "tenant-phone");
  await page.setViewportSize({ width: 1280, height: 720 });

  // Settings: the DSN is write-only; refusals are said on the field, a change is confirmed.
  const settings = page.getByRole("region", { name: "Settings" });
  await settings.getByLabel("New mailer DSN").fill("smtp://user:secret@mail.example:587");
  await settings.getByLabel("Remove the mailer DSN").check();
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(settings.locator("#field-mailerDsn-error")).toContainText("not both");
  await settings.getByLabel("Remove the mailer DSN").uncheck();
  await settings.getByLabel("New mailer DSN").fill("not a dsn");
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(settings.getByLabel("New mailer DSN")).toHaveAttribute("aria-invalid", "true");
  await settings.getByLabel("New mailer DSN").fill("");
  await settings.getByLabel("Name", { exact: true }).fill("Acme Marketing EU");
  await settings.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("toast")).toContainText("Tenant saved.");
  await expect(page.getByRole("heading", { name: "Acme Marketing EU", level: 1 })).toBeVisible();
  await expect(log).toContainText("Tenant updated: name “Acme Marketing” → “Acme Marketing EU”.");
  await expect(settings.locator("#field-mailerDsn-error")).toHaveCount(0);

  // Suspend: the stack stops, and its logs say why there are none.
  await page.getByRole("button", { name: "Suspend" }).click();
  await expect(page.getByTestId("toast")).toContainText("Suspend requested");
  await expect(page.getByTestId("tenant-status")).toHaveText("SUSPENDED", { timeout: 30_000 });
  await expect(page.getByTestId("logs-unavailable")).toContainText("suspended", { timeout: 15_000 });
  await expect(page.getByRole("button", { name: "Suspend" })).toHaveCount(0);
  await screenshot(page, "tenant-suspended");

  // Resume: live again.
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByTestId("toast")).toContainText("Resume requested");
  await expect(page.getByTestId("tenant-status")).toHaveText("ACTIVE", { timeout: 60_000 });
  await expect(log).toContainText("Mautic is live again at https://mautic.acme-e2e.example.");

  // Delete: the domain must be typed.
  const confirm = page.getByLabel(`Type ${DOMAIN} to confirm`);
  await confirm.fill("acme");
  await page.getByRole("button", { name: "Delete tenant" }).click();
  await expect(page.locator("#delete-tenant-confirm-error")).toContainText(DOMAIN);
  await confirm.fill(DOMAIN);
  await page.getByLabel(/Also delete all its data/).check();
  await page.getByRole("button", { name: "Delete tenant" }).click();
  await expect(page.getByTestId("toast")).toContainText("Deletion requested");
  await expect(page.getByTestId("tenant-status")).toHaveText("DELETED", { timeout: 60_000 });
  // With the data: a final backup first, then the removal.
  await expect(log).toContainText("Deletion requested: a final backup is taken first");
  await expect(log).toContainText(/Backup \S+-pre-delete-[0-9a-f]{4} done: /);
  await expect(page.getByRole("heading", { name: "Actions" })).toHaveCount(0);
  await expect(page.getByTestId("phase-stepper")).toHaveCount(0);
  await expect(page.getByTestId("recent-logs")).toContainText("The tenant is deleted");
  await expectNoReload(page);
  await screenshot(page, "tenant-deleted");

  // Deleted tenants leave the list unless asked for.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tenants" }).click();
  await expect(page.getByRole("link", { name: "Acme Marketing EU" })).toHaveCount(0);
  await page.getByLabel("Status").selectOption("DELETED");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("row", { name: /Acme Marketing EU/ })).toContainText("DELETED");
});
