import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import * as ui from "../components/ui.css";
import { Button, formatDateTime, Notice, RoleBadge, TextField } from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { withFlash } from "../utils/flash";
import { failureStatus, formErrors, isSuccess } from "../utils/graphql.server";
import { changePassword, getAccount } from "../utils/users.server";

export const meta: MetaFunction = () => [{ title: "Your account · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  const account = await getAccount(context);
  if (!account) throw redirect("/login");
  return { account };
}

interface ActionData {
  fieldErrors: Record<string, string>;
  formError: string | null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(request, context);
  const form = await request.formData();
  // Passwords are taken as typed: spaces count.
  const field = (name: string) => (typeof form.get(name) === "string" ? String(form.get(name)) : "");
  const current = field("current");
  const next = field("new");
  const confirm = field("confirm");
  const fieldErrors: Record<string, string> = {};
  if (current === "") fieldErrors.current = "Enter your current password";
  if (next === "") fieldErrors.new = "Choose a new password";
  else if (confirm !== next) fieldErrors.confirm = "The two new passwords differ";
  if (Object.keys(fieldErrors).length > 0) return data<ActionData>({ fieldErrors, formError: null }, { status: 400 });

  const result = await changePassword(context, current, next);
  if (isSuccess(result)) throw redirect(withFlash("/account", "password-changed"));
  return data<ActionData>(formErrors(result), { status: failureStatus(result) });
}

export default function AccountPage() {
  const { account } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const errors = result?.fieldErrors ?? {};
  const formRef = useRef<HTMLFormElement>(null);
  // After a refusal the passwords are not sent back; clear what is left and focus the first problem.
  useEffect(() => {
    const form = formRef.current;
    if (!result || !form) return;
    for (const name of ["current", "new", "confirm"]) {
      const input = form.elements.namedItem(name) as HTMLInputElement | null;
      if (input) input.value = "";
    }
    const first = ["current", "new", "confirm"].find((name) => result.fieldErrors[name]);
    if (first) (form.elements.namedItem(first) as HTMLInputElement | null)?.focus();
  }, [result]);

  return (
    <>
      <h1 className={page.title}>Your account</h1>
      <div className={page.grid}>
        <section className={ui.card} aria-labelledby="account-facts">
          <h2 id="account-facts" className={page.sectionTitle}>
            Sign-in
          </h2>
          <dl className={page.facts}>
            <dt>E-mail</dt>
            <dd data-testid="account-email">{account.email}</dd>
            <dt>Role</dt>
            <dd>
              <RoleBadge role={account.role} /> {account.role === "ADMIN" ? "Provider staff: manages every tenant and user" : "Client: sees your own tenants"}
            </dd>
            {account.role === "CLIENT" ? (
              <>
                <dt>Tenants</dt>
                <dd>{account.tenantCount}</dd>
              </>
            ) : null}
            <dt>Member since</dt>
            <dd>{formatDateTime(account.createdAt)}</dd>
            <dt>Password changed</dt>
            <dd>{formatDateTime(account.passwordChangedAt)}</dd>
          </dl>
          <p className={page.muted}>To change your e-mail address, ask an administrator.</p>
        </section>
        <section className={ui.card} aria-labelledby="change-password">
          <h2 id="change-password" className={page.sectionTitle}>
            Change your password
          </h2>
          {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
          <Form method="post" noValidate ref={formRef}>
            {/* Lets password managers tie the new password to this account. */}
            <input type="hidden" name="username" autoComplete="username" value={account.email} />
            <TextField name="current" label="Current password" type="password" autoComplete="current-password" error={errors.current} required />
            <TextField
              name="new"
              label="New password"
              type="password"
              autoComplete="new-password"
              error={errors.new}
              hint="12 characters or more (at most 72 bytes). A passphrase of a few words is easy to remember."
              required
            />
            <TextField name="confirm" label="New password again" type="password" autoComplete="new-password" error={errors.confirm} required />
            <p className={page.muted}>Your other sessions (other browsers and devices) are signed out; this one stays.</p>
            <Button variant="primary" busy={submitting} busyLabel="Changing…">
              Change password
            </Button>
          </Form>
        </section>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
