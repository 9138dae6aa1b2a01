import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "./fixtures";
import { createAccount, createTenant, expectFitsWidth, expectNoReload, markDocument, screenshot, signIn } from "./helpers";

// One story, in order: the later tests use the client and tenants the first one made.
test.describe.configure({ mode: "serial" });

const GINA = { email: "gina@client-e2e.example", password: "gina's own password 7" };
const HUGO = "hugo@other-e2e.example";
const tenants = { gina: "", hugo: "" };

/** Waits for the answer to the next POST to a tenant page (a form's, with or without JavaScript). */
function nextPost(page: Page, tenantId: string) {
  return page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(`/tenants/${tenantId}`));
}

test("a client sees only their own tenant, its live log, recent logs and the Mautic login", async ({ page, browser }) => {
  test.setTimeout(150_000);
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await createAccount(page, GINA.email, GINA.password);
  tenants.gina = await createTenant(page, { name: "Gina Studio", domain: "mautic.gina-e2e.example", owner: GINA.email, existingOwner: true });
  tenants.hugo = await createTenant(page, { name: "Hugo Labs", domain: "mautic.hugo-e2e.example", owner: HUGO });

  const clientContext = await browser.newContext();
  const client = await clientContext.newPage();
  await signIn(client, GINA.email, GINA.password);
  await expect(client.getByTestId("current-role")).toHaveText("CLIENT");

  // The overview and the list show her tenant only.
  const overview = client.getByTestId("dashboard-tenants");
  await expect(client.getByRole("heading", { name: "Your Mautic instances" })).toBeVisible();
  await expect(overview.getByRole("link", { name: "Gina Studio" })).toBeVisible();
  await expect(overview.getByRole("row")).toHaveCount(2);
  await expect(client.getByRole("link", { name: "Hugo Labs" })).toHaveCount(0);
  await screenshot(client, "client-overview");
  await client.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tenants" }).click();
  await expect(client.getByRole("heading", { name: "Tenants", level: 1 })).toBeVisible();
  await expect(client.getByTestId("tenants-table").getByRole("row")).toHaveCount(2);
  await expect(client.getByRole("link", { name: "Gina Studio" })).toBeVisible();
  await expect(client.getByRole("link", { name: "Hugo Labs" })).toHaveCount(0);
  await expect(client.getByRole("link", { name: "New tenant" })).toHaveCount(0);

  // Another client's tenant, even by its address, does not exist for her.
  const refused = await client.goto(`/tenants/${tenants.hugo}`);
  expect(refused?.status()).toBe(404);
  await expect(client.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(client.getByText("There is no tenant at this address, or it is not yours to see.")).toBeVisible();
  await expect(client.getByText("Hugo Labs")).toHaveCount(0);
  await screenshot(client, "client-other-tenant-404");

  // Her tenant: address, status, health, the live log; no admin controls.
  await client.goto(`/tenants/${tenants.gina}`);
  await markDocument(client);
  await expect(client.getByRole("heading", { name: "Gina Studio", level: 1 })).toBeVisible();
  await expect(client.getByTestId("tenant-url")).toHaveText("https://mautic.gina-e2e.example");
  await expect(client.getByTestId("event-log-state")).toHaveText("(live)");
  for (const name of ["Settings", "Actions"]) await expect(client.getByRole("heading", { name })).toHaveCount(0);
  for (const name of ["Suspend", "Redeploy", "Delete tenant", "Save changes", "Reveal credentials"]) {
    await expect(client.getByRole("button", { name })).toHaveCount(0);
  }
  const log = client.getByTestId("event-log");
  await expect(log).toContainText("Mautic is live at https://mautic.gina-e2e.example.", { timeout: 60_000 });
  await expect(client.getByTestId("tenant-status")).toHaveText("ACTIVE", { timeout: 10_000 });
  await expect(client.getByTestId("tenant-health")).not.toHaveText("not checked", { timeout: 20_000 });

  // What an admin does shows up in her log, live, and the page's facts follow.
  await page.goto(`/tenants/${tenants.gina}`);
  await page.getByRole("region", { name: "Settings" }).getByLabel("Name", { exact: true }).fill("Gina Studio Pro");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("toast")).toContainText("Tenant saved.");
  await expect(log).toContainText("Tenant updated: name “Gina Studio” → “Gina Studio Pro”.");
  await expect(client.getByRole("heading", { name: "Gina Studio Pro", level: 1 })).toBeVisible();

  // Recent logs: the web service's by default, any other service on request.
  const recent = client.getByTestId("recent-logs");
  await expect(recent.getByTestId("service-logs")).toContainText("mautic-gina-studio_mautic_web.1 started", { timeout: 20_000 });
  await recent.getByLabel("Service").selectOption("DB");
  await recent.getByLabel("How many lines").selectOption("50");
  await recent.getByRole("button", { name: "Show logs" }).click();
  await expect(recent.getByTestId("service-logs")).toContainText("mautic-gina-studio_db.1 started");
  await expect(client).toHaveURL(/service=DB&tail=50/);

  // The Mautic login, and only that, after a deliberate click; the answer is not cached.
  const credentials = client.getByTestId("credentials");
  await expect(credentials.getByRole("heading", { name: "Mautic login" })).toBeVisible();
  const answered = nextPost(client, tenants.gina);
  await credentials.getByRole("button", { name: "Reveal Mautic login" }).click();
  expect((await answered).headers()["cache-control"]).toBe("no-store");
  await expect(credentials.getByRole("textbox", { name: "Mautic admin user" })).not.toHaveValue("");
  await expect(credentials.getByRole("textbox", { name: "Mautic admin password" })).toHaveValue(/.{12,}/);
  await expect(credentials.getByRole("textbox", { name: "Mautic sign-in page" })).toHaveValue("https://mautic.gina-e2e.example/s/login");
  await expect(credentials.getByRole("textbox", { name: /Database/ })).toHaveCount(0);
  await expect(credentials.getByRole("heading", { name: "Mailer" })).toHaveCount(0);
  await expect(log).toContainText(`${GINA.email} revealed the Mautic admin login.`);
  await expectNoReload(client);
  await screenshot(client, "client-tenant");

  // A backup of her own tenant, followed live to the end.
  const backups = client.getByTestId("backups");
  await expect(backups).toContainText("This plan backs up every day and keeps the 14 newest scheduled backups.");
  await expect(backups.getByTestId("backups-empty")).toBeVisible();
  await backups.getByRole("button", { name: "Back up now" }).click();
  await expect(client.getByTestId("toast")).toContainText("Backup requested");
  await expect(log).toContainText(/Backup gina-studio-\d{8}-\d{6}-manual-[0-9a-f]{4} requested \(manual\)\./);
  const backupRow = backups.getByTestId("backup-row").first();
  await expect(backupRow).toContainText("SUCCEEDED", { timeout: 30_000 });
  await expect(backupRow).toContainText("volume:gina-studio-");
  await expect(backupRow).toContainText(/\d\.\d MiB/);
  await expect(backupRow).toContainText(/sha256 [0-9a-f]{16}…/);
  await expect(log).toContainText(/Backup gina-studio-\S+ done: \d\.\d MiB/);
  await screenshot(client, "client-backups");

  // On a phone: nothing wider than the screen.
  await client.setViewportSize({ width: 375, height: 800 });
  await expectFitsWidth(client, "the tenant page");
  await screenshot(client, "client-tenant-phone");
  await clientContext.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a client reveals the Mautic login and picks a service's logs", async ({ page }) => {
    await signIn(page, GINA.email, GINA.password);
    await page.goto(`/tenants/${tenants.gina}`);
    await expect(page.getByTestId("event-log-state")).toHaveText("(reload the page for new events)");
    const answered = nextPost(page, tenants.gina);
    await page.getByRole("button", { name: "Reveal Mautic login" }).click();
    const response = await answered;
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    const credentials = page.getByTestId("credentials");
    await expect(credentials.getByRole("textbox", { name: "Mautic admin password" })).toHaveValue(/.{12,}/);
    await expect(page.getByRole("button", { name: /^Copy/ })).toHaveCount(0);
    await credentials.getByRole("link", { name: "Hide the login" }).click();
    await expect(credentials.getByRole("textbox")).toHaveCount(0);

    const recent = page.getByTestId("recent-logs");
    await recent.getByLabel("Service").selectOption("MAUTIC_CRON");
    await recent.getByRole("button", { name: "Show logs" }).click();
    await expect(page).toHaveURL(/service=MAUTIC_CRON&tail=100#recent-logs$/);
    await expect(page.getByTestId("service-logs")).toContainText("mautic-gina-studio_mautic_cron.1 started");
  });

  test("an admin saves a tenant's settings", async ({ page }) => {
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    await page.goto(`/tenants/${tenants.hugo}`);
    const settings = page.getByRole("region", { name: "Settings" });
    await settings.getByLabel("New mailer DSN").fill("smtp://hugo:secret@mail.example:587");
    await settings.getByLabel("Remove the mailer DSN").check();
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(page.locator("#field-mailerDsn-error")).toContainText("not both");
    // The DSN typed is never sent back to the page.
    expect(await page.content()).not.toContain("hugo:secret");
    await page.getByLabel("Name", { exact: true }).fill("Hugo Labs GmbH");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("toast")).toContainText("Tenant saved.");
    await expect(page.getByRole("heading", { name: "Hugo Labs GmbH", level: 1 })).toBeVisible();

    // Without live updates, a reload shows where provisioning is; then the lifecycle buttons work.
    await expect(async () => {
      await page.goto(`/tenants/${tenants.hugo}`);
      await expect(page.getByTestId("tenant-status")).toHaveText("ACTIVE", { timeout: 500 });
    }).toPass({ timeout: 60_000 });
    await page.getByRole("button", { name: "Redeploy" }).click();
    await expect(page.getByTestId("toast")).toContainText("Redeploy requested");
    await expect(page.getByTestId("event-log")).toContainText("Redeploy requested.");
  });
});
