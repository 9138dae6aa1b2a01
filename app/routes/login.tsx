import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { TextField } from "../components/text-field";
import { FlashToast } from "../components/ui/toast";
import * as ui from "../components/ui.css";
import * as styles from "../components/page.css";
import { getUser, login, safeRedirect } from "../utils/auth.server";

export const meta: MetaFunction = () => [{ title: "Sign in · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(context)) {
    throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  }
  return null;
}

interface ActionData {
  email: string;
  formError?: string;
  fieldErrors?: Record<string, string>;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = typeof form.get("email") === "string" ? String(form.get("email")) : "";
  const password = typeof form.get("password") === "string" ? String(form.get("password")) : "";
  const { result, headers } = await login(context, { email, password });
  switch (result.__typename) {
    case "MutationLoginSuccess":
      throw redirect(safeRedirect(form.get("redirectTo")), { headers });
    case "ValidationError": {
      const fieldErrors: Record<string, string> = {};
      for (const e of result.fieldErrors) fieldErrors[e.field] ??= e.message;
      return data<ActionData>({ email, fieldErrors }, { status: 400 });
    }
    case "TooManyAttemptsError":
      return data<ActionData>(
        { email, formError: result.message },
        { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
      );
    case "InvalidCredentialsError":
      return data<ActionData>({ email, formError: result.message }, { status: 401 });
  }
}

export default function LoginPage() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formAction === "/login";
  const formRef = useRef<HTMLFormElement>(null);
  // After a failed attempt, clear the password and put the cursor where the fix is needed.
  useEffect(() => {
    const form = formRef.current;
    if (!actionData || !form) return;
    const password = form.elements.namedItem("password") as HTMLInputElement | null;
    if (password) password.value = "";
    const target = actionData.fieldErrors?.email ? "email" : "password";
    (form.elements.namedItem(target) as HTMLInputElement | null)?.focus();
  }, [actionData]);
  return (
    <main className={styles.narrow}>
      <div className={ui.card}>
        <h1 className={styles.title}>Sign in</h1>
        <p className={styles.muted}>Mautic tenant panel</p>
        <FlashToast />
        {actionData?.formError ? (
          <div role="alert" className={ui.alert.error}>
            {actionData.formError}
          </div>
        ) : null}
        <Form method="post" noValidate ref={formRef}>
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
          <TextField
            name="email"
            label="E-mail address"
            type="email"
            autoComplete="username"
            defaultValue={actionData?.email}
            error={actionData?.fieldErrors?.email}
            required
            autoFocus
          />
          <TextField
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            error={actionData?.fieldErrors?.password}
            required
          />
          <button type="submit" className={ui.button.primary} disabled={submitting}>
            {submitting ? "Signing in…" : "Sign in"}
          </button>
        </Form>
      </div>
    </main>
  );
}
