import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import * as styles from "../components/page.css";
import { TextField } from "../components/text-field";
import * as t from "../components/tenant.css";
import * as ui from "../components/ui.css";
import { requireUser } from "../utils/auth.server";
import { createTenant, tenantFormOptions } from "../utils/tenants.server";

export const meta: MetaFunction = () => [{ title: "New tenant · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  if (user.role !== "ADMIN") throw data("Only administrators create tenants.", { status: 403 });
  return tenantFormOptions(context);
}

const FIELDS = ["name", "domain", "ownerEmail", "slug", "plan", "mauticImage", "mailerDsn"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const input: Record<string, string> = {};
  for (const key of FIELDS) {
    const value = form.get(key);
    if (typeof value === "string" && value.trim() !== "") input[key] = value;
  }
  input.name ??= "";
  input.domain ??= "";
  const result = await createTenant(context, input);
  if ("data" in result) throw redirect(`/tenants/${result.data.id}`);
  const fieldErrors: Record<string, string> = {};
  for (const e of result.fieldErrors ?? []) fieldErrors[e.field === "ownerId" ? "ownerEmail" : e.field] ??= e.message;
  const conflictField = (result as { field?: string }).field;
  if (conflictField) fieldErrors[conflictField] = result.message;
  return data({ values: input, fieldErrors, formError: Object.keys(fieldErrors).length ? null : result.message }, { status: result.__typename === "ConflictError" ? 409 : 400 });
}

export default function NewTenant() {
  const { plans, mauticImages } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const errors = result?.fieldErrors ?? {};
  const values = result?.values ?? {};
  return (
    <div className={styles.narrow} style={{ maxWidth: "36rem", padding: 0 }}>
      <h1 className={styles.title}>New tenant</h1>
      {result?.formError ? <div role="alert" className={ui.alert.error}>{result.formError}</div> : null}
      <Form method="post" noValidate className={ui.card}>
        <TextField name="name" label="Name" defaultValue={values.name} error={errors.name} required />
        <TextField name="domain" label="Domain (where Mautic will answer)" defaultValue={values.domain} error={errors.domain} required />
        <TextField name="ownerEmail" label="Owner (e-mail of a client account)" type="email" defaultValue={values.ownerEmail} error={errors.ownerEmail} required />
        <TextField name="slug" label="Slug (optional; derived from the name)" defaultValue={values.slug} error={errors.slug} />
        <div className={ui.field}>
          <label htmlFor="field-plan" className={ui.label}>Plan</label>
          <select id="field-plan" name="plan" className={t.select} defaultValue={values.plan ?? plans.find((p) => p.isDefault)?.name}>
            {plans.map((p) => (
              <option key={p.name} value={p.name}>{p.label}</option>
            ))}
          </select>
          {errors.plan ? <p className={ui.fieldError}>{errors.plan}</p> : null}
        </div>
        <div className={ui.field}>
          <label htmlFor="field-mauticImage" className={ui.label}>Mautic image</label>
          <select id="field-mauticImage" name="mauticImage" className={t.select} defaultValue={values.mauticImage ?? mauticImages[0]}>
            {mauticImages.map((image) => (
              <option key={image} value={image}>{image}</option>
            ))}
          </select>
          {errors.mauticImage ? <p className={ui.fieldError}>{errors.mauticImage}</p> : null}
        </div>
        <TextField name="mailerDsn" label="Mailer DSN (optional)" defaultValue={values.mailerDsn} error={errors.mailerDsn} />
        <button type="submit" className={ui.button.primary} disabled={submitting}>
          {submitting ? "Creating…" : "Create and provision"}
        </button>
      </Form>
    </div>
  );
}
