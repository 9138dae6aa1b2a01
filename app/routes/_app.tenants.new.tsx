import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as styles from "../components/page.css";
import { Button, Fieldset, Notice, SelectField, TextField } from "../components/ui";
import * as ui from "../components/ui.css";
import { requireAdmin } from "../utils/auth.server";
import { withFlash } from "../utils/flash";
import { failureStatus, formErrors, isSuccess } from "../utils/graphql.server";
import { holdOwnerInvite } from "../utils/owner-invites.server";
import { createTenant, tenantFormOptions } from "../utils/tenants.server";
import { listClientChoices } from "../utils/users.server";

export const meta: MetaFunction = () => [{ title: "New tenant · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context);
  const [options, clients] = [await tenantFormOptions(context), await listClientChoices(context)];
  return { ...options, clients: clients.clients, moreClients: clients.more };
}

const FIELDS = ["name", "domain", "ownerId", "ownerEmail", "slug", "plan", "mauticImage", "mailerDsn"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireAdmin(request, context);
  const form = await request.formData();
  const values: Record<string, string> = {};
  for (const key of FIELDS) {
    const value = form.get(key);
    if (typeof value === "string" && value.trim() !== "") values[key] = value;
  }
  // An account picked from the list wins over a typed e-mail (the API would do the same).
  const { ownerId, ownerEmail, ...rest } = values;
  const input: Record<string, string> = { ...rest, ...(ownerId ? { ownerId } : ownerEmail ? { ownerEmail } : {}) };
  input.name ??= "";
  input.domain ??= "";
  const result = await createTenant(context, input);
  if (isSuccess(result)) {
    const tenant = result.data;
    if (result.ownerSetPasswordUrl && result.ownerSetPasswordExpiresAt) {
      // A new CLIENT account came with the tenant: its one-time link is shown on the tenant page.
      const handle = holdOwnerInvite(viewer.id, { tenantId: tenant.id, email: tenant.owner.email, url: result.ownerSetPasswordUrl, expiresAt: result.ownerSetPasswordExpiresAt });
      throw redirect(`/tenants/${tenant.id}?${new URLSearchParams({ invite: handle })}`);
    }
    throw redirect(withFlash(`/tenants/${tenant.id}`, "tenant-created"));
  }
  // Without a picked account, "no owner" is answered on ownerId: show it at the e-mail field.
  const { fieldErrors, formError } = formErrors(result, ownerId ? {} : { ownerId: "ownerEmail" });
  return data({ values, fieldErrors, formError }, { status: failureStatus(result) });
}

export default function NewTenant() {
  const { plans, mauticImages, clients, moreClients } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const errors = result?.fieldErrors ?? {};
  const values = result?.values ?? {};
  return (
    <div className={styles.formWidth}>
      <h1 className={styles.title}>New tenant</h1>
      {result?.formError ? <Notice tone="error">{result.formError}</Notice> : null}
      <Form method="post" noValidate className={ui.card}>
        <TextField name="name" label="Name" defaultValue={values.name} error={errors.name} required />
        <TextField name="domain" label="Domain (where Mautic will answer)" defaultValue={values.domain} error={errors.domain} required />
        <Fieldset
          id="owner"
          legend="Owner"
          hint="Tenants belong to client accounts. Pick an existing one, or type an e-mail: an e-mail nobody has yet creates a client account with a one-time set-password link, shown after creating."
        >
          <SelectField
            name="ownerId"
            label="Existing client account"
            defaultValue={values.ownerId ?? ""}
            error={errors.ownerId}
            options={[{ value: "", label: clients.length ? "None: use the e-mail below" : "No client accounts yet: type an e-mail below" }, ...clients.map((c) => ({ value: c.id, label: c.email }))]}
            hint={moreClients ? `Only the first ${clients.length} client accounts are listed; type the e-mail of any other.` : undefined}
          />
          <TextField
            name="ownerEmail"
            label="Owner (e-mail of a client account)"
            type="email"
            autoComplete="off"
            defaultValue={values.ownerEmail}
            error={errors.ownerEmail}
            hint="Used when no account is picked above."
          />
        </Fieldset>
        <TextField name="slug" label="Slug (optional; derived from the name)" defaultValue={values.slug} error={errors.slug} />
        <SelectField
          name="plan"
          label="Plan"
          defaultValue={values.plan ?? plans.find((p) => p.isDefault)?.name}
          error={errors.plan}
          options={plans.map((p) => ({ value: p.name, label: p.label }))}
        />
        <SelectField
          name="mauticImage"
          label="Mautic image"
          defaultValue={values.mauticImage ?? mauticImages[0]}
          error={errors.mauticImage}
          options={mauticImages.map((image) => ({ value: image, label: image }))}
        />
        <TextField name="mailerDsn" label="Mailer DSN (optional)" autoComplete="off" defaultValue={values.mailerDsn} error={errors.mailerDsn} />
        <Button variant="primary" busy={submitting} busyLabel="Creating…">
          Create and provision
        </Button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
