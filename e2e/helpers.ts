import path from "node:path";
import { expect, test, type Page } from "@playwright/test";

/** Signs in through the form and waits for the overview. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/**
 * A full-page screenshot of the current page, kept under Playwright's output directory
 * (test-results/screenshots/<name>.png) and attached to the test's report.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const info = test.info();
  const file = path.join(info.project.outputDir, "screenshots", `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await info.attach(name, { path: file, contentType: "image/png" });
}
