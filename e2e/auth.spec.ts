import { expect, test } from "@playwright/test";
import { E2E_ADMIN } from "./fixtures";

test.describe("signing in and out", () => {
  test("a signed-out visit to a protected page leads to sign-in, and back after signing in", async ({ page, context }) => {
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

    await page.getByLabel("E-mail address").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();

    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.getByTestId("current-user")).toHaveText(E2E_ADMIN.email);
    await expect(page.getByTestId("current-role")).toHaveText("ADMIN");
    await expect(page.getByText("Administrator (provider staff)")).toBeVisible();

    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "panel_session", httpOnly: true, sameSite: "Lax" });
    // The session token never reaches the page's script.
    expect(await page.evaluate(() => document.cookie)).toBe("");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdashboard$/);
  });

  test("a wrong password shows one clear error and keeps the e-mail", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("E-mail address").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill("not the right password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("The e-mail address or password is incorrect.");
    await expect(page.getByLabel("E-mail address")).toHaveValue(E2E_ADMIN.email);
    await expect(page.getByLabel("Password")).toHaveValue("");
    await expect(page).toHaveURL(/\/login$/);
  });

  test("empty fields get field errors that are tied to their inputs", async ({ page }) => {
    await page.goto("/login");
    await page.getByRole("button", { name: "Sign in" }).click();
    const email = page.getByLabel("E-mail address");
    await expect(email).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#field-email-error")).toHaveText("E-mail is required");
    await expect(page.locator("#field-password-error")).toHaveText("Password is required");
    await expect(email).toHaveAttribute("aria-describedby", "field-email-error");
  });

  test("the keyboard alone signs in, with a visible focus ring", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByLabel("E-mail address")).toBeFocused();
    await page.keyboard.type(E2E_ADMIN.email);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Password")).toBeFocused();
    await page.keyboard.type(E2E_ADMIN.password);
    await page.keyboard.press("Tab");
    const button = page.getByRole("button", { name: "Sign in" });
    await expect(button).toBeFocused();
    const outline = await button.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe("solid");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/dashboard$/);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the sign-in and sign-out forms still work", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("E-mail address").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByTestId("current-user")).toHaveText(E2E_ADMIN.email);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
  });
});
