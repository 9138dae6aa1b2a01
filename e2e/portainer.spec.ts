import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./fixtures";
import { createAccount, expectFitsWidth, screenshot, signIn } from "./helpers";

const CHECKS = ["URL", "TOKEN", "VERSION", "ENDPOINT", "SWARM", "TRAEFIK_NETWORK"];

test("an admin sees every Portainer check green against the emulator, and checks again", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Portainer" }).click();
  await expect(page.getByRole("heading", { name: "Portainer connection", level: 1 })).toBeVisible();
  await expect(page.getByTestId("portainer-summary")).toContainText("Every check passed");

  const table = page.getByTestId("portainer-checks");
  await expect(table.locator("tbody tr")).toHaveCount(CHECKS.length);
  for (const [index, name] of CHECKS.entries()) {
    const row = table.locator("tbody tr").nth(index);
    await expect(row).toHaveAttribute("data-check", name);
    await expect(row).toContainText("OK");
  }
  await expect(table).not.toContainText("Failed");
  const facts = page.getByTestId("portainer-facts");
  await expect(facts).toContainText(/Portainer version\s*2\.\d+/);
  await expect(facts).toContainText("traefik-public");
  await expect(facts).toContainText(/Swarm id\s*\w{6,}/);
  await screenshot(page, "portainer-status");

  // "Check again" runs the checks anew.
  const checkedAt = page.getByTestId("portainer-checked-at");
  const before = await checkedAt.textContent();
  await page.waitForTimeout(1_100);
  await page.getByRole("button", { name: "Check again" }).click();
  await expect(checkedAt).not.toHaveText(before ?? "");
  await expect(page.getByTestId("portainer-summary")).toContainText("Every check passed");

  await page.setViewportSize({ width: 375, height: 800 });
  await expectFitsWidth(page, "the Portainer page");
  await screenshot(page, "portainer-status-phone");
});

test("the Portainer page is for administrators only", async ({ page }) => {
  const ivy = { email: "ivy@client-e2e.example", password: "ivy's first password 9" };
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await createAccount(page, ivy.email, ivy.password);
  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, ivy.email, ivy.password);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Portainer" })).toHaveCount(0);
  const response = await page.goto("/portainer");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expect(page.getByText("Only administrators may open this page.")).toBeVisible();
});
