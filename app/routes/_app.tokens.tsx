import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import * as ui from "../components/ui.css";
import {
  Badge,
  Button,
  CheckboxField,
  ConfirmForm,
  CONFIRM_FIELD,
  confirmationMatches,
  CopyField,
  Disclosure,
  EmptyState,
  FieldRow,
  Fieldset,
  formatDateTime,
  Notice,
  RoleBadge,
  SelectField,
  Table,
  Td,
  TextField,
  Th,
} from "../components/ui";
import { requireUser } from "../utils/auth.server";
import { withFlash } from "../utils/flash";
import { failureStatus, formErrors, formString, isSuccess } from "../utils/graphql.server";
import { listTenantChoices } from "../utils/tenants.server";
import { createToken, listTokens, revokeToken, type TokenRow } from "../utils/tokens.server";
import { isRole } from "../utils/roles";

export const meta: MetaFunction = () => [{ title: "API tokens · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireUser(request, context);
  const url = new URL(request.url);
  const hideRevoked = url.searchParams.get("hideRevoked") === "1";
  const after = url.searchParams.get("after") || null;
  const tokens = await listTokens(context, { after, includeRevoked: !hideRevoked });
  const choices = await listTenantChoices(context);
  return {
    tokens,
    tenants: choices.tenants,
    moreTenants: choices.more,
    admin: viewer.role === "ADMIN",
    hideRevoked,
    paged: Boolean(after),
    // The earliest expiry date the form offers (UTC; a token expires at the end of that day).
    today: new Date().toISOString().slice(0, 10),
  };
}

interface ActionData {
  intent: string;
  values?: { name: string; expires: string; role: string; tenantIds: string[] };
  fieldErrors?: Record<string, string>;
  formError?: string | null;
  created?: { token: string; name: string };
  tokenId?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The end (UTC) of a YYYY-MM-DD day, or null when it is not a real date. */
function endOfDay(date: string): string | null {
  if (!DATE.test(date)) return null;
  const end = new Date(`${date}T23:59:59.999Z`);
  return Number.isNaN(end.getTime()) || end.toISOString().slice(0, 10) !== date ? null : end.toISOString();
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireUser(request, context);
  const form = await request.formData();
  const intent = formString(form, "intent");

  if (intent === "create") {
    const name = formString(form, "name");
    const expires = formString(form, "expires");
    const role = viewer.role === "ADMIN" ? formString(form, "role") : "";
    const tenantIds = form.getAll("tenantIds").filter((v): v is string => typeof v === "string" && v !== "");
    const values = { name, expires, role, tenantIds };
    const fieldErrors: Record<string, string> = {};
    const expiresAt = expires ? endOfDay(expires) : null;
    if (expires && !expiresAt) fieldErrors.expiresAt = "Enter a date such as 2030-01-31";
    if (viewer.role === "ADMIN" && !isRole(role)) fieldErrors.role = "Choose ADMIN or CLIENT";
    if (Object.keys(fieldErrors).length > 0) return data<ActionData>({ intent, values, fieldErrors }, { status: 400 });

    const result = await createToken(context, {
      name,
      expiresAt,
      role: viewer.role === "ADMIN" && isRole(role) ? role : null,
      tenantIds: tenantIds.length > 0 ? tenantIds : null,
    });
    if (!isSuccess(result)) return data<ActionData>({ intent, values, ...formErrors(result) }, { status: failureStatus(result) });
    return data<ActionData>({ intent, created: { token: result.data.token, name: result.data.apiToken.name } });
  }

  if (intent === "revoke") {
    const tokenId = formString(form, "id");
    const name = formString(form, "name");
    if (!confirmationMatches(form.get(CONFIRM_FIELD), name)) {
      return data<ActionData>({ intent, tokenId, fieldErrors: { [CONFIRM_FIELD]: `Type ${name} exactly to revoke this token` } }, { status: 400 });
    }
    const result = await revokeToken(context, tokenId);
    if (isSuccess(result)) throw redirect(withFlash("/tokens", "token-revoked"));
    return data<ActionData>({ intent, tokenId, formError: result.message }, { status: failureStatus(result) });
  }

  return data<ActionData>({ intent, formError: "Unknown action." }, { status: 400 });
}

function TokenStatus({ token }: { token: TokenRow }) {
  if (token.revokedAt) return <Badge tone="danger" title={`Revoked ${formatDateTime(token.revokedAt)}`}>Revoked</Badge>;
  if (!token.active) return <Badge tone="neutral">Expired</Badge>;
  return <Badge tone="success">Active</Badge>;
}

export default function TokensPage() {
  const { tokens, tenants, moreTenants, admin, hideRevoked, paged, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const createErrors = result?.intent === "create" ? (result.fieldErrors ?? {}) : {};
  const values = result?.intent === "create" && !result.created ? result.values : undefined;
  const tenantNames = new Map(tenants.map((t) => [t.id, t.name]));

  return (
    <>
      <div className={page.titleRow}>
        <h1>API tokens</h1>
      </div>
      <p className={page.lead}>
        Tokens let scripts and billing systems use the panel&apos;s GraphQL API at <code>/graphql</code> as{" "}
        {admin ? "an account" : "you"}: send one as <code>Authorization: Bearer &lt;token&gt;</code>. A token is never wider than the account that
        made it, and can be limited to some tenants.
      </p>

      {result?.created ? (
        <Notice tone="warning" title={`Copy the token “${result.created.name}” now`} data-testid="new-token-notice">
          <p>
            This is the only time it is shown: the panel keeps only a fingerprint of it. Store it where your integration keeps secrets. If it gets
            lost, revoke it and make a new one.
          </p>
          <CopyField id="new-token" label="API token" value={result.created.token} />
        </Notice>
      ) : null}
      {result?.intent === "revoke" && result.formError ? <Notice tone="error">{result.formError}</Notice> : null}

      <section aria-labelledby="new-token-heading" className={`${ui.card} ${page.section}`}>
        <h2 id="new-token-heading" className={page.sectionTitle}>
          Create a token
        </h2>
        {result?.intent === "create" && result.formError ? <Notice tone="error">{result.formError}</Notice> : null}
        <Form method="post" noValidate key={result?.created?.token ?? "new"}>
          <input type="hidden" name="intent" value="create" />
          <FieldRow>
            <TextField name="name" label="Name" defaultValue={values?.name} error={createErrors.name} hint="What it is for, e.g. billing." maxLength={100} required />
            <TextField
              name="expires"
              id="field-expiresAt"
              label="Expires (optional)"
              type="date"
              min={today}
              defaultValue={values?.expires}
              error={createErrors.expiresAt}
              hint="At the end of that day (UTC). Empty: never."
            />
            {admin ? (
              <SelectField
                name="role"
                label="Role"
                defaultValue={values?.role || "ADMIN"}
                error={createErrors.role}
                options={[
                  { value: "ADMIN", label: "ADMIN (every tenant)" },
                  { value: "CLIENT", label: "CLIENT (checked tenants)" },
                ]}
              />
            ) : null}
          </FieldRow>
          <Fieldset
            id="field-tenantIds"
            legend="Tenants"
            error={createErrors.tenantIds}
            hint={
              admin
                ? "For a CLIENT token, check the tenants it may see (at least one). An ADMIN token sees every tenant: leave these unchecked."
                : "Check some tenants to limit the token to them; leave all unchecked to let it see all your tenants, including future ones."
            }
          >
            {tenants.length === 0 ? <p className={page.muted}>{admin ? "No tenants yet." : "You have no tenants yet."}</p> : null}
            {tenants.map((t) => (
              <CheckboxField
                key={t.id}
                id={`tenant-${t.id}`}
                name="tenantIds"
                value={t.id}
                defaultChecked={values?.tenantIds.includes(t.id)}
                label={
                  <>
                    {t.name} <span className={page.muted}>({t.domain})</span>
                  </>
                }
              />
            ))}
            {moreTenants ? <p className={page.muted}>Only the newest {tenants.length} tenants are listed.</p> : null}
          </Fieldset>
          <Button variant="primary" busy={busyIntent === "create"} busyLabel="Creating…">
            Create token
          </Button>
        </Form>
      </section>

      <section aria-labelledby="tokens-heading" className={page.section}>
        <h2 id="tokens-heading" className={page.sectionTitle}>
          {admin ? "All tokens" : "Your tokens"}
        </h2>
        <p>
          {hideRevoked ? <Link to="/tokens">Show revoked tokens too</Link> : <Link to="/tokens?hideRevoked=1">Hide revoked tokens</Link>}
        </p>
        {tokens.edges.length === 0 ? (
          <EmptyState title={paged ? "No more tokens" : "No tokens yet"}>{paged ? <Link to="/tokens">Back to the newest</Link> : "Create one above when an integration needs the API."}</EmptyState>
        ) : (
          <Table caption={admin ? "All tokens" : "Your tokens"} captionHidden data-testid="tokens-table">
            <thead>
              <tr>
                <Th>Name and prefix</Th>
                <Th>Status</Th>
                {admin ? <Th>Owner</Th> : null}
                <Th>Scope</Th>
                <Th>Created (UTC)</Th>
                <Th>Expires (UTC)</Th>
                <Th>Last used (UTC)</Th>
                <Th>Actions</Th>
              </tr>
            </thead>
            <tbody>
              {tokens.edges.map(({ node: token }) => {
                const concerned = result?.intent === "revoke" && result.tokenId === token.id;
                return (
                  <tr key={token.id}>
                    <Td>
                      {token.name}
                      <div className={page.mono}>{token.prefix}…</div>
                    </Td>
                    <Td>
                      <TokenStatus token={token} />
                    </Td>
                    {admin ? <Td>{token.owner.email}</Td> : null}
                    <Td>
                      <RoleBadge role={token.role} />
                      {token.tenantIds
                        ? token.tenantIds.map((id) => (
                            <div key={id}>
                              <Link to={`/tenants/${id}`}>{tenantNames.get(id) ?? id}</Link>
                            </div>
                          ))
                        : <div>{token.role === "ADMIN" ? "Every tenant" : "All the owner's tenants"}</div>}
                    </Td>
                    <Td nowrap>{formatDateTime(token.createdAt, { zone: false })}</Td>
                    <Td nowrap>{token.expiresAt ? formatDateTime(token.expiresAt, { zone: false }) : "Never"}</Td>
                    <Td>
                      {token.lastUsedAt ? (
                        <>
                          <span className={page.nowrapText}>{formatDateTime(token.lastUsedAt, { zone: false })}</span>
                          {token.lastUsedIp ? <div className={page.muted}>from {token.lastUsedIp}</div> : null}
                        </>
                      ) : (
                        "Never"
                      )}
                    </Td>
                    <Td>
                      {token.revokedAt ? (
                        <span className={page.muted}>—</span>
                      ) : (
                        <Disclosure summary={<>Revoke…<span className="visually-hidden"> {token.name}</span></>} open={concerned}>
                          <ConfirmForm
                            id={`revoke-${token.id}`}
                            intent="revoke"
                            phrase={token.name}
                            fields={{ id: token.id, name: token.name }}
                            description="Integrations using it stop working at once. This cannot be undone."
                            submitLabel="Revoke token"
                            error={concerned ? result?.fieldErrors?.[CONFIRM_FIELD] : null}
                            busy={busyIntent === "revoke" && navigation.formData?.get("id") === token.id}
                          />
                        </Disclosure>
                      )}
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
        <nav className={page.pager} aria-label="Pages of tokens">
          {paged ? <Link to={hideRevoked ? "/tokens?hideRevoked=1" : "/tokens"}>← Newest</Link> : null}
          {tokens.pageInfo.hasNextPage && tokens.pageInfo.endCursor ? (
            <Link to={`?${new URLSearchParams({ ...(hideRevoked ? { hideRevoked: "1" } : {}), after: tokens.pageInfo.endCursor })}`}>Older tokens →</Link>
          ) : null}
        </nav>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
