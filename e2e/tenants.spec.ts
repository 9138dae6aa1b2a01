import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./fixtures";

test("an admin creates a tenant and watches it provision live, step by step", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Tenants" }).click();
  await expect(page.getByRole("heading", { name: "Tenants" })).toBeVisible();
  await page.getByRole("link", { name: "New tenant" }).click();

  // A bad domain is refused with a message on its field, and nothing else is lost.
  await page.getByLabel("Name", { exact: true }).fill("Acme Marketing");
  await page.getByLabel("Domain (where Mautic will answer)").fill("not a domain");
  // Tenants belong to CLIENT accounts: a new e-mail creates one (with a set-password link).
  await page.getByLabel("Owner (e-mail of a client account)").fill("owner@acme-e2e.example");
  await page.getByRole("button", { name: "Create and provision" }).click();
  await expect(page.getByLabel("Domain (where Mautic will answer)")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Acme Marketing");

  await page.getByLabel("Domain (where Mautic will answer)").fill("mautic.acme-e2e.example");
  await page.getByRole("button", { name: "Create and provision" }).click();
  await expect(page.getByRole("heading", { name: "Acme Marketing" })).toBeVisible();

  // The log fills in live (no reload) and the status follows.
  const log = page.getByTestId("event-log");
  await expect(log).toContainText("[PREFLIGHT] PREFLIGHT started.", { timeout: 20_000 });
  await expect(log).toContainText("Mautic is live at https://mautic.acme-e2e.example.", { timeout: 60_000 });
  await expect(page.getByTestId("tenant-status")).toHaveText("ACTIVE", { timeout: 10_000 });
  await expect(page.getByRole("heading", { name: /^Health/ })).toBeVisible();

  await page.getByRole("link", { name: "Tenants" }).click();
  await expect(page.getByRole("link", { name: "Acme Marketing" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Acme Marketing/ })).toContainText("ACTIVE");
});
