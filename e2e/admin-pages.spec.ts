import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN } from "./fixtures";
import { screenshot, signIn } from "./helpers";

// One story, in order: the audit test reads what the earlier ones did.
test.describe.configure({ mode: "serial" });

const CLIENT = { email: "dana@client-e2e.example", password: "dana's first password 1" };
const OTHER_OWNER = "erik@other-e2e.example";
const TOKEN_NAME = "billing-e2e";

async function createUserWithoutPassword(page: Page, email: string, role: "ADMIN" | "CLIENT" = "CLIENT"): Promise<string> {
  await page.goto("/users");
  const form = page.getByRole("region", { name: "Add an account" });
  await form.getByLabel("E-mail address").fill(email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Create account" }).click();
  const notice = page.getByTestId("password-link-notice");
  await expect(notice).toContainText(`Account created for ${email} (${role})`);
  await expect(notice).toContainText("It is shown only now");
  const url = await notice.getByRole("textbox", { name: "Set-password link" }).inputValue();
  expect(url).toMatch(/\/set-password\/[A-Za-z0-9_-]{20,}$/);
  return url;
}

test("an admin invites a client, who chooses a password and sees only their own tenants", async ({ page, browser, context, baseURL }) => {
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();

  // A bad e-mail is refused on its field, and the form keeps what was typed.
  const form = page.getByRole("region", { name: "Add an account" });
  await form.getByLabel("E-mail address").fill("not an e-mail");
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(form.getByLabel("E-mail address")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("E-mail address")).toHaveValue("not an e-mail");

  // Without a password the account gets a one-time link, shown once, with a Copy button.
  const link = await createUserWithoutPassword(page, CLIENT.email);
  await expect(page.getByTestId("password-link-notice")).toContainText(/expires \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  await page.getByRole("button", { name: "Copy: Set-password link" }).click();
  await expect(page.getByRole("button", { name: "Copied: Set-password link" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await expect(page.getByRole("row", { name: new RegExp(CLIENT.email) })).toContainText("Not set yet");
  await screenshot(page, "users");

  // The same e-mail again is a conflict, said on the field.
  await form.getByLabel("E-mail address").fill(CLIENT.email.toUpperCase());
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-email-error")).toContainText("already exists");

  // The list filters by role and e-mail.
  await page.getByLabel("E-mail contains").fill("dana@");
  await page.locator("#filter-role").selectOption("CLIENT");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/search=dana%40&role=CLIENT/);
  await expect(page.getByTestId("users-table").getByRole("row")).toHaveCount(2);

  // The new client owns one tenant, picked from the list of client accounts…
  await page.goto("/tenants/new");
  await page.getByLabel("Name", { exact: true }).fill("Dana Shop");
  await page.getByLabel("Domain (where Mautic will answer)").fill("mautic.dana-e2e.example");
  await page.getByLabel("Existing client account").selectOption({ label: CLIENT.email });
  await screenshot(page, "tenant-new");
  await page.getByRole("button", { name: "Create and provision" }).click();
  await expect(page.getByRole("heading", { name: "Dana Shop" })).toBeVisible();
  await expect(page.getByTestId("toast")).toHaveText(/Tenant created; provisioning has started\./);
  await expect(page.getByTestId("owner-invite")).toHaveCount(0);

  // …and a new e-mail as the owner creates that client, whose link the tenant page shows.
  await page.goto("/tenants/new");
  await page.getByLabel("Name", { exact: true }).fill("Erik Media");
  await page.getByLabel("Domain (where Mautic will answer)").fill("mautic.erik-e2e.example");
  await page.getByLabel("Owner (e-mail of a client account)").fill(OTHER_OWNER);
  await page.getByRole("button", { name: "Create and provision" }).click();
  await expect(page.getByRole("heading", { name: "Erik Media" })).toBeVisible();
  const invite = page.getByTestId("owner-invite");
  await expect(invite).toContainText(`Hand the set-password link to ${OTHER_OWNER}`);
  await expect(invite.getByRole("textbox", { name: "Set-password link" })).toHaveValue(/\/set-password\/[A-Za-z0-9_-]{20,}$/);
  await screenshot(page, "tenant-owner-invite");
  // It survives the live page's refreshes, and goes when the admin hides it.
  await page.reload();
  await expect(page.getByTestId("owner-invite")).toBeVisible();
  await page.getByRole("button", { name: "I have handed it over: hide it" }).click();
  await expect(page.getByTestId("owner-invite")).toHaveCount(0);
  await expect(page.getByTestId("toast")).toContainText("The set-password link was hidden");

  // A client that owns tenants cannot become ADMIN: the reason is shown.
  await page.goto(`/users?search=${encodeURIComponent(CLIENT.email)}`);
  const row = page.getByRole("row", { name: new RegExp(CLIENT.email) });
  await row.getByText("Manage").click();
  await row.getByRole("button", { name: "Make ADMIN" }).click();
  await expect(page.getByRole("alert")).toContainText("Nothing changed for " + CLIENT.email);

  // The client, in a browser where nobody is signed in, opens the link and chooses a password.
  const clientContext = await browser.newContext();
  const client = await clientContext.newPage();
  await client.goto(link);
  await expect(client.getByRole("heading", { name: "Welcome: choose your password" })).toBeVisible();
  await expect(client.getByTestId("set-password-email")).toHaveText(CLIENT.email);
  await screenshot(client, "set-password");
  await client.getByLabel("New password", { exact: true }).fill(CLIENT.password);
  await client.getByLabel("New password again").fill("something else entirely");
  await client.getByRole("button", { name: "Set password" }).click();
  await expect(client.locator("#field-confirm-error")).toHaveText("The two passwords differ");
  await client.getByLabel("New password", { exact: true }).fill("short");
  await client.getByLabel("New password again").fill("short");
  await client.getByRole("button", { name: "Set password" }).click();
  await expect(client.locator("#field-new-error")).toContainText("at least 12 characters");
  await client.getByLabel("New password", { exact: true }).fill(CLIENT.password);
  await client.getByLabel("New password again").fill(CLIENT.password);
  await client.getByRole("button", { name: "Set password" }).click();
  await expect(client).toHaveURL(/\/login\?done=password-set$/);
  await expect(client.getByTestId("toast")).toContainText("Password set; sign in.");

  // The link worked once.
  await client.goto(link);
  await expect(client.getByRole("heading", { name: "This link cannot be used" })).toBeVisible();
  await screenshot(client, "set-password-invalid");

  // Signed in, the client sees their tenant and not the other client's, and no admin pages.
  await signIn(client, CLIENT.email, CLIENT.password);
  await expect(client.getByTestId("current-role")).toHaveText("CLIENT");
  const nav = client.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await nav.getByRole("link", { name: "Tenants" }).click();
  await expect(client.getByRole("link", { name: "Dana Shop" })).toBeVisible();
  await expect(client.getByRole("link", { name: "Erik Media" })).toHaveCount(0);
  await expect(client.getByRole("link", { name: "Acme Marketing" })).toHaveCount(0);
  const response = await client.goto("/users");
  expect(response?.status()).toBe(403);
  await expect(client.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await clientContext.close();
});

test("an admin creates an API token, sees it once, and revokes it", async ({ page, request }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens", level: 1 })).toBeVisible();

  // A CLIENT token made by an ADMIN must list its tenants: refused on the tenants group.
  await page.getByLabel("Name", { exact: true }).fill(TOKEN_NAME);
  await page.getByLabel("Role").selectOption("CLIENT");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.locator("#field-tenantIds-error")).toContainText("must list the tenants");
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(TOKEN_NAME);

  await page.getByLabel("Role").selectOption("ADMIN");
  await page.getByRole("button", { name: "Create token" }).click();
  const notice = page.getByTestId("new-token-notice");
  await expect(notice).toContainText(`Copy the token “${TOKEN_NAME}” now`);
  await expect(notice).toContainText("This is the only time it is shown");
  const token = await notice.getByRole("textbox", { name: "API token" }).inputValue();
  expect(token).toMatch(/^mtp_/);
  const row = page.getByRole("row", { name: new RegExp(TOKEN_NAME) });
  await expect(row).toContainText("Active");
  await expect(row).toContainText(token.slice(0, 8));
  await screenshot(page, "tokens");

  // It works for the API…
  const me = await request.post("/graphql", { headers: { Authorization: `Bearer ${token}` }, data: { query: "{ me { email } }" } });
  expect((await me.json()).data.me.email).toBe(E2E_ADMIN.email);

  // …and is never shown again.
  await page.reload();
  await expect(page.getByTestId("new-token-notice")).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  // The table says when and from where it was last used.
  await expect(row).toContainText("from 127.0.0.1");

  // Revoking asks for the name to be typed.
  await row.getByText("Revoke…").click();
  await row.getByLabel(`Type ${TOKEN_NAME} to confirm`).fill("something else");
  await row.getByRole("button", { name: "Revoke token" }).click();
  await expect(page.locator(`[id$="-confirm-error"]`)).toContainText(`Type ${TOKEN_NAME} exactly`);
  await page.getByRole("row", { name: new RegExp(TOKEN_NAME) }).getByLabel(`Type ${TOKEN_NAME} to confirm`).fill(TOKEN_NAME);
  await page.getByRole("row", { name: new RegExp(TOKEN_NAME) }).getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByTestId("toast")).toContainText("API token revoked");
  await expect(page.getByRole("row", { name: new RegExp(TOKEN_NAME) })).toContainText("Revoked");

  // A revoked token acts for nobody, and a protected query says why.
  const refused = await request.post("/graphql", { headers: { Authorization: `Bearer ${token}` }, data: { query: "{ tenants(first: 1) { edges { cursor } } }" } });
  expect(JSON.stringify(await refused.json())).toContain("revoked");
});

test("the audit log lists those actions, with filters and details", async ({ page }) => {
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  const table = page.getByTestId("audit-table");
  for (const action of ["createUser", "setPassword", "createTenant", "createApiToken", "revokeApiToken"]) {
    await expect(table.getByRole("link", { name: action, exact: true }).first()).toBeVisible();
  }
  await screenshot(page, "audit");

  // Only one action.
  await page.getByLabel("Action").fill("revokeApiToken");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=revokeApiToken/);
  const rows = table.getByRole("row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText(E2E_ADMIN.email);
  await expect(rows.nth(1)).toContainText("OK");
  await rows.nth(1).getByText("Show").click();
  await expect(rows.nth(1).locator("pre")).toContainText('"id"');

  // Only failures: the duplicate account and the refused CLIENT token are there, with their codes.
  await page.goto("/audit?failedOnly=1");
  await expect(page.getByLabel("Failed or refused only")).toBeChecked();
  await expect(table.getByRole("row", { name: /createUser/ }).first()).toContainText("CONFLICT");
  await expect(table.getByRole("row", { name: /createApiToken/ }).first()).toContainText("VALIDATION_FAILED");
  await expect(table.getByText("OK", { exact: true })).toHaveCount(0);

  // The set-password link was used by nobody signed in.
  await page.goto("/audit?action=setPassword");
  await expect(table.getByRole("row").filter({ hasText: "OK" }).first()).toContainText("Nobody signed in");
});

test("a client changes their own password", async ({ page }) => {
  const carol = { email: "carol@client-e2e.example", password: "carol's first password", next: "carol's second password" };
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  await page.goto("/users");
  const form = page.getByRole("region", { name: "Add an account" });
  await form.getByLabel("E-mail address").fill(carol.email);
  await form.getByLabel("Password (optional)").fill(carol.password);
  await form.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("toast")).toContainText("Account created.");
  await expect(page.getByTestId("password-link-notice")).toHaveCount(0);
  await page.getByRole("button", { name: "Sign out" }).click();

  await signIn(page, carol.email, carol.password);
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByTestId("account-email")).toHaveText(carol.email);
  await expect(page.getByText("Client: sees your own tenants")).toBeVisible();

  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password", { exact: true }).fill(carol.next);
  await page.getByLabel("New password again").fill(carol.next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#field-current-error")).toHaveText("The current password is incorrect");
  await expect(page.getByLabel("Current password")).toBeFocused();

  await page.getByLabel("Current password").fill(carol.password);
  await page.getByLabel("New password", { exact: true }).fill(carol.next);
  await page.getByLabel("New password again").fill(carol.next + "!");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#field-confirm-error")).toHaveText("The two new passwords differ");

  await page.getByLabel("Current password").fill(carol.password);
  await page.getByLabel("New password", { exact: true }).fill(carol.next);
  await page.getByLabel("New password again").fill(carol.next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("toast")).toContainText("Your password was changed.");
  await screenshot(page, "account");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("E-mail address").fill(carol.email);
  await page.getByLabel("Password").fill(carol.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("The e-mail address or password is incorrect.");
  await signIn(page, carol.email, carol.next);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("an admin invites, resets and deletes accounts; a link sets a password", async ({ page, browser }) => {
    const frank = "frank@nojs-e2e.example";
    await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
    const link = await createUserWithoutPassword(page, frank);
    // No script, no Copy button: the value is there to select.
    await expect(page.getByRole("button", { name: /^Copy/ })).toHaveCount(0);

    // A new link replaces the invitation (still an invitation: the account has no password yet).
    await page.goto(`/users?search=${encodeURIComponent(frank)}`);
    const row = page.getByRole("row", { name: new RegExp(frank) });
    await row.getByText("Manage").click();
    await row.getByRole("button", { name: "Make a new set-password link" }).click();
    const notice = page.getByTestId("password-link-notice");
    await expect(notice).toContainText(`New set-password link for ${frank}`);
    const reset = await notice.getByRole("textbox", { name: "Set-password link" }).inputValue();
    expect(reset).not.toBe(link);

    const other = await browser.newContext({ javaScriptEnabled: false });
    const anonymous = await other.newPage();
    await anonymous.goto(link);
    await expect(anonymous.getByRole("heading", { name: "This link cannot be used" })).toBeVisible();
    await anonymous.goto(reset);
    await expect(anonymous.getByRole("heading", { name: "Welcome: choose your password" })).toBeVisible();
    await anonymous.getByLabel("New password", { exact: true }).fill("frank's own password");
    await anonymous.getByLabel("New password again").fill("frank's own password");
    await anonymous.getByRole("button", { name: "Set password" }).click();
    await expect(anonymous.getByTestId("toast")).toContainText("Password set; sign in.");
    await other.close();

    // Deleting needs the e-mail typed; an owner of tenants cannot be deleted.
    await page.goto(`/users?search=${encodeURIComponent(CLIENT.email)}`);
    const dana = page.getByRole("row", { name: new RegExp(CLIENT.email) });
    await dana.getByText("Manage").click();
    await dana.getByLabel(`Type ${CLIENT.email} to confirm`).fill(CLIENT.email);
    await dana.getByRole("button", { name: "Delete account" }).click();
    await expect(page.getByRole("alert")).toContainText("owns 1 tenant(s); delete them first.");

    await page.goto(`/users?search=${encodeURIComponent(frank)}`);
    await page.getByRole("row", { name: new RegExp(frank) }).getByText("Manage").click();
    await page.getByLabel(`Type ${frank} to confirm`).fill("frank");
    await page.getByRole("button", { name: "Delete account" }).click();
    await expect(page.locator('[id$="-confirm-error"]')).toContainText(`Type ${frank} exactly`);
    await page.getByLabel(`Type ${frank} to confirm`).fill(frank);
    await page.getByRole("button", { name: "Delete account" }).click();
    await expect(page.getByTestId("toast")).toContainText("Account deleted.");
    await expect(page.getByRole("row", { name: new RegExp(frank) })).toHaveCount(0);
  });

  test("a client creates a token limited to one tenant", async ({ page }) => {
    await signIn(page, CLIENT.email, CLIENT.password);
    await page.goto("/tokens");
    await expect(page.getByLabel("Role")).toHaveCount(0);
    await page.getByLabel("Name", { exact: true }).fill("dana-script");
    await page.getByLabel("Expires (optional)").fill("2099-12-31");
    await page.getByLabel(/Dana Shop/).check();
    await page.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByTestId("new-token-notice").getByRole("textbox", { name: "API token" })).toHaveValue(/^mtp_/);
    const row = page.getByRole("row", { name: /dana-script/ });
    await expect(row).toContainText("Dana Shop");
    await expect(row).toContainText("2099-12-31 23:59");
    await expect(row).toContainText("CLIENT");
  });
});

test("the new pages fit a phone's width", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await signIn(page, E2E_ADMIN.email, E2E_ADMIN.password);
  for (const [path, name] of [
    ["/users", "users-phone"],
    ["/tokens", "tokens-phone"],
    ["/audit", "audit-phone"],
    ["/account", "account-phone"],
  ] as const) {
    await page.goto(path);
    // Wide tables scroll inside their box; the page itself does not scroll sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
    await screenshot(page, name);
  }
});
