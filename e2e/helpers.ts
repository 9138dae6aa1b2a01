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

/** Creates an account on the Users page (with a password: it can sign in at once). */
export async function createAccount(page: Page, email: string, password: string, role: "ADMIN" | "CLIENT" = "CLIENT"): Promise<void> {
  await page.goto("/users");
  const form = page.getByRole("region", { name: "Add an account" });
  await form.getByLabel("E-mail address").fill(email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByLabel("Password (optional)").fill(password);
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("toast")).toContainText("Account created.");
}

/**
 * Creates a tenant on the New tenant page, owned by an existing client account (picked from the
 * list) or a new e-mail, and returns its id (from the tenant page's address).
 */
export async function createTenant(page: Page, tenant: { name: string; domain: string; owner: string; existingOwner?: boolean; mauticImage?: string }): Promise<string> {
  await page.goto("/tenants/new");
  await page.getByLabel("Name", { exact: true }).fill(tenant.name);
  await page.getByLabel("Domain (where Mautic will answer)").fill(tenant.domain);
  if (tenant.existingOwner) await page.getByLabel("Existing client account").selectOption({ label: tenant.owner });
  else await page.getByLabel("Owner (e-mail of a client account)").fill(tenant.owner);
  if (tenant.mauticImage) await page.getByLabel("Mautic image").selectOption(tenant.mauticImage);
  await page.getByRole("button", { name: "Create and provision" }).click();
  await expect(page.getByRole("heading", { name: tenant.name, level: 1 })).toBeVisible();
  return tenantIdOf(page);
}

/** The id of the tenant whose page is open. */
export function tenantIdOf(page: Page): string {
  const id = /\/tenants\/([^/?#]+)/.exec(page.url())?.[1];
  if (!id || id === "new") throw new Error(`not on a tenant page: ${page.url()}`);
  return id;
}

/** Marks the loaded document; `expectNoReload` fails if the page was loaded again since. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __e2eMark?: boolean }).__e2eMark = true;
  });
}

export async function expectNoReload(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true), "the page was reloaded").toBe(true);
}

/** The page does not scroll sideways (wide content scrolls inside its own box). */
export async function expectFitsWidth(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${what} is wider than the screen`).toBeLessThanOrEqual(0);
}
