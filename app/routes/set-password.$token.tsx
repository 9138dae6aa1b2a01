import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import * as ui from "../components/ui.css";
import { Button, formatDateTime, Notice, TextField } from "../components/ui";
import { withFlash } from "../utils/flash";
import { failureStatus, isSuccess } from "../utils/graphql.server";
import { peekPasswordLink, setPassword } from "../utils/users.server";

export const meta: MetaFunction = () => [
  { title: "Choose a password · Mautic tenant panel" },
  { name: "robots", content: "noindex" },
  // The URL holds the link's secret: send only the origin as a referrer, never the path.
  // NOTE: not "no-referrer": with it, the form's POST carries `Origin: null`, which the
  // cross-site request check (docs/decisions/004) refuses.
  { name: "referrer", content: "strict-origin" },
];

export const headers: HeadersFunction = () => ({ "Referrer-Policy": "strict-origin", "Cache-Control": "no-store" });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const link = await peekPasswordLink(context, params.token ?? "");
  // An unknown, used or expired link all look the same (the API does not tell them apart).
  if (!link) return data({ link: null }, { status: 404, headers: { "Cache-Control": "no-store" } });
  return data({ link }, { headers: { "Cache-Control": "no-store" } });
}

interface ActionData {
  fieldErrors: Record<string, string>;
  formError: string | null;
  /** The link turned out unusable (used meanwhile, expired, unknown). */
  invalid?: boolean;
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const field = (name: string) => (typeof form.get(name) === "string" ? String(form.get(name)) : "");
  const next = field("new");
  const confirm = field("confirm");
  if (next === "") return data<ActionData>({ fieldErrors: { new: "Choose a password" }, formError: null }, { status: 400 });
  if (confirm !== next) return data<ActionData>({ fieldErrors: { confirm: "The two passwords differ" }, formError: null }, { status: 400 });

  const result = await setPassword(context, params.token ?? "", next);
  if (isSuccess(result)) throw redirect(withFlash("/login", "password-set"));
  const fieldErrors: Record<string, string> = {};
  let formError: string | null = null;
  let invalid = false;
  for (const e of result.fieldErrors ?? []) {
    if (e.field === "token") {
      invalid = true;
      formError = e.message;
    } else fieldErrors[e.field] ??= e.message;
  }
  if (!invalid && Object.keys(fieldErrors).length === 0) formError = result.message;
  return data<ActionData>({ fieldErrors, formError, invalid }, { status: failureStatus(result) });
}

export default function SetPasswordPage() {
  const { link } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = formRef.current;
    if (!result || !form) return;
    for (const name of ["new", "confirm"]) {
      const input = form.elements.namedItem(name) as HTMLInputElement | null;
      if (input) input.value = "";
    }
    const first = ["new", "confirm"].find((name) => result.fieldErrors[name]);
    if (first) (form.elements.namedItem(first) as HTMLInputElement | null)?.focus();
  }, [result]);

  if (!link || result?.invalid) {
    return (
      <main className={page.narrow}>
        <div className={ui.card}>
          <h1 className={page.title}>This link cannot be used</h1>
          <Notice tone="error" live={Boolean(result?.invalid)}>
            <p>This set-password link is invalid or has expired, or it was used already. Each link works once.</p>
          </Notice>
          <p>Ask your administrator for a new link. If you already chose a password, sign in with it.</p>
          <p>
            <Link to="/login">Go to sign in</Link>
          </p>
        </div>
      </main>
    );
  }

  const errors = result?.fieldErrors ?? {};
  return (
    <main className={page.narrow}>
      <div className={ui.card}>
        <h1 className={page.title}>{link.purpose === "INVITE" ? "Welcome: choose your password" : "Choose a new password"}</h1>
        <p>
          For the account <strong data-testid="set-password-email">{link.email}</strong>. This link works once and expires {formatDateTime(link.expiresAt)}.
        </p>
        {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
        <Form method="post" noValidate ref={formRef}>
          {/* Lets password managers save the new password for this account. */}
          <input type="hidden" name="username" autoComplete="username" value={link.email} />
          <TextField
            name="new"
            label="New password"
            type="password"
            autoComplete="new-password"
            error={errors.new}
            hint="12 characters or more (at most 72 bytes). A passphrase of a few words is easy to remember."
            required
            autoFocus
          />
          <TextField name="confirm" label="New password again" type="password" autoComplete="new-password" error={errors.confirm} required />
          <Button variant="primary" busy={submitting} busyLabel="Saving…">
            Set password
          </Button>
        </Form>
      </div>
    </main>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
