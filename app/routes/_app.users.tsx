import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import * as ui from "../components/ui.css";
import {
  Badge,
  Button,
  ConfirmForm,
  CONFIRM_FIELD,
  confirmationMatches,
  CopyField,
  Disclosure,
  EmptyState,
  FieldRow,
  formatDateTime,
  Notice,
  RoleBadge,
  SelectField,
  Table,
  Td,
  TextField,
  Th,
} from "../components/ui";
import { requireAdmin } from "../utils/auth.server";
import { withFlash } from "../utils/flash";
import { failureStatus, formErrors, formString, isSuccess } from "../utils/graphql.server";
import { isRole, ROLES } from "../utils/roles";
import { createPasswordResetLink, createUser, deleteUser, listUsers, setUserRole } from "../utils/users.server";

export const meta: MetaFunction = () => [{ title: "Users · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireAdmin(request, context);
  const url = new URL(request.url);
  const search = url.searchParams.get("search")?.trim() || null;
  const roleParam = url.searchParams.get("role");
  const role = isRole(roleParam) ? roleParam : null;
  const after = url.searchParams.get("after") || null;
  const before = after ? null : url.searchParams.get("before") || null;
  const users = await listUsers(context, { search, role, after, before });
  return { users, search, role, paged: Boolean(after || before), viewerId: viewer.id };
}

/** A set-password link to show once: for a new account, or a reset. */
interface ShownLink {
  email: string;
  role?: string;
  url: string;
  expiresAt: string;
}

interface ActionData {
  intent: string;
  /** The account a per-user action concerned. */
  userId?: string;
  email?: string;
  values?: { email: string; role: string };
  fieldErrors?: Record<string, string>;
  formError?: string | null;
  created?: ShownLink;
  resetLink?: ShownLink;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAdmin(request, context);
  const form = await request.formData();
  const intent = formString(form, "intent");
  const userId = formString(form, "id");
  const email = formString(form, "email");

  switch (intent) {
    case "create": {
      const role = formString(form, "role");
      const rawPassword = form.get("password");
      const password = typeof rawPassword === "string" && rawPassword !== "" ? rawPassword : null;
      const values = { email, role };
      if (!isRole(role)) return data<ActionData>({ intent, values, fieldErrors: { role: "Choose ADMIN or CLIENT" } }, { status: 400 });
      const result = await createUser(context, { email, role, password });
      if (!isSuccess(result)) return data<ActionData>({ intent, values, ...formErrors(result) }, { status: failureStatus(result) });
      const { user, setPasswordUrl, setPasswordExpiresAt } = result.data;
      if (!setPasswordUrl || !setPasswordExpiresAt) throw redirect(withFlash("/users", "user-created"));
      return data<ActionData>({ intent, created: { email: user.email, role: user.role, url: setPasswordUrl, expiresAt: setPasswordExpiresAt } });
    }
    case "make-admin":
    case "make-client": {
      const result = await setUserRole(context, userId, intent === "make-admin" ? "ADMIN" : "CLIENT");
      if (isSuccess(result)) throw redirect(withFlash("/users", "user-updated"));
      return data<ActionData>({ intent, userId, email, formError: result.message }, { status: failureStatus(result) });
    }
    case "reset": {
      const result = await createPasswordResetLink(context, userId);
      if (!isSuccess(result)) return data<ActionData>({ intent, userId, email, formError: result.message }, { status: failureStatus(result) });
      const link = result.data;
      return data<ActionData>({ intent, userId, resetLink: { email: link.user.email, url: link.url, expiresAt: link.expiresAt } });
    }
    case "delete": {
      if (!confirmationMatches(form.get(CONFIRM_FIELD), email)) {
        return data<ActionData>({ intent, userId, email, fieldErrors: { [CONFIRM_FIELD]: `Type ${email} exactly to delete this account` } }, { status: 400 });
      }
      const result = await deleteUser(context, userId);
      if (isSuccess(result)) throw redirect(withFlash("/users", "user-deleted"));
      return data<ActionData>({ intent, userId, email, formError: result.message }, { status: failureStatus(result) });
    }
    default:
      return data<ActionData>({ intent, formError: "Unknown action." }, { status: 400 });
  }
}

const ROLE_OPTIONS = [
  { value: "CLIENT", label: "CLIENT (customer)" },
  { value: "ADMIN", label: "ADMIN (provider staff)" },
];

function pageLink(params: Record<string, string | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : "/users";
}

export default function UsersPage() {
  const { users, search, role, paged, viewerId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const createErrors = result?.intent === "create" ? (result.fieldErrors ?? {}) : {};
  const createValues = result?.intent === "create" && !result.created ? result.values : undefined;
  const rowError = result && result.intent !== "create" && result.formError ? result : null;
  const { pageInfo } = users;

  return (
    <>
      <div className={page.titleRow}>
        <h1>Users</h1>
      </div>
      <p className={page.lead}>
        Everyone who signs in to the panel: provider staff (ADMIN) and clients (CLIENT), who see only the tenants they own. No e-mail is sent:
        new accounts and password resets get a one-time link that you hand over.
      </p>

      {result?.created ? <LinkNotice kind="created" link={result.created} /> : null}
      {result?.resetLink ? <LinkNotice kind="reset" link={result.resetLink} /> : null}
      {rowError ? (
        <Notice tone="error" title={rowError.email ? `Nothing changed for ${rowError.email}` : "Nothing changed"}>
          <p>{rowError.formError}</p>
        </Notice>
      ) : null}

      <section aria-labelledby="new-user-heading" className={`${ui.card} ${page.section}`}>
        <h2 id="new-user-heading" className={page.sectionTitle}>
          Add an account
        </h2>
        {result?.intent === "create" && result.formError ? <Notice tone="error">{result.formError}</Notice> : null}
        {/* A new key after each account made empties the form. */}
        <Form method="post" noValidate key={result?.created?.email ?? "new"}>
          <input type="hidden" name="intent" value="create" />
          <FieldRow>
            <TextField name="email" label="E-mail address" type="email" autoComplete="off" defaultValue={createValues?.email} error={createErrors.email} required />
            <SelectField
              name="role"
              label="Role"
              options={ROLE_OPTIONS}
              defaultValue={createValues?.role ?? "CLIENT"}
              error={createErrors.role}
              hint="A client sees only the tenants they own; staff manage everything."
            />
            <TextField
              name="password"
              label="Password (optional)"
              type="password"
              autoComplete="new-password"
              error={createErrors.password}
              hint="12 characters or more. Leave it empty to get a one-time link where the person chooses their own."
            />
          </FieldRow>
          <Button variant="primary" busy={busyIntent === "create"} busyLabel="Creating…">
            Create account
          </Button>
        </Form>
      </section>

      <section aria-labelledby="accounts-heading" className={page.section}>
        <h2 id="accounts-heading" className={page.sectionTitle}>
          Accounts
        </h2>
        <Form method="get" className={page.toolbar} role="search" aria-label="Filter accounts">
          <TextField name="search" label="E-mail contains" type="search" defaultValue={search ?? ""} />
          <SelectField
            name="role"
            id="filter-role"
            label="Role"
            defaultValue={role ?? ""}
            options={[{ value: "", label: "Any role" }, ...ROLES.map((r) => ({ value: r, label: r }))]}
          />
          <div data-shrink="">
            <Button type="submit" variant="secondary">
              Filter
            </Button>
          </div>
          {search || role ? (
            <div data-shrink="">
              <Link to="/users">Clear filters</Link>
            </div>
          ) : null}
        </Form>

        {users.edges.length === 0 ? (
          search || role || paged ? (
            <EmptyState title="No account matches">Try another part of the e-mail address, or any role.</EmptyState>
          ) : (
            <EmptyState title="No accounts yet">Add the first one above.</EmptyState>
          )
        ) : (
          <Table caption="Accounts" captionHidden data-testid="users-table">
            <thead>
              <tr>
                <Th>E-mail</Th>
                <Th>Role</Th>
                <Th>Password</Th>
                <Th>Tenants</Th>
                <Th>Created (UTC)</Th>
                <Th>Actions</Th>
              </tr>
            </thead>
            <tbody>
              {users.edges.map(({ node: user }) => {
                const self = user.id === viewerId;
                const concerned = result && result.intent !== "create" && result.userId === user.id;
                return (
                  <tr key={user.id}>
                    <Td>
                      {user.email}
                      {self ? <span className={page.muted}> (you)</span> : null}
                    </Td>
                    <Td>
                      <RoleBadge role={user.role} />
                    </Td>
                    <Td>
                      {user.hasPassword ? (
                        <span title={user.passwordChangedAt ? `Set ${formatDateTime(user.passwordChangedAt)}` : undefined}>Set</span>
                      ) : (
                        <Badge tone="warning">Not set yet</Badge>
                      )}
                    </Td>
                    <Td>{user.tenantCount > 0 ? <Link to={`/tenants?ownerId=${encodeURIComponent(user.id)}`}>{user.tenantCount}</Link> : "0"}</Td>
                    <Td nowrap>{formatDateTime(user.createdAt, { zone: false })}</Td>
                    <Td>
                      <Disclosure summary={<>Manage<span className="visually-hidden"> {user.email}</span></>} open={Boolean(concerned && !result?.resetLink)}>
                        <Form method="post">
                          <input type="hidden" name="id" value={user.id} />
                          <input type="hidden" name="email" value={user.email} />
                          {user.role === "CLIENT" ? (
                            <Button size="small" name="intent" value="make-admin">
                              Make ADMIN
                            </Button>
                          ) : (
                            <Button size="small" name="intent" value="make-client">
                              Make CLIENT
                            </Button>
                          )}
                        </Form>
                        <Form method="post">
                          <input type="hidden" name="id" value={user.id} />
                          <input type="hidden" name="email" value={user.email} />
                          <Button size="small" name="intent" value="reset">
                            {user.hasPassword ? "Make a password reset link" : "Make a new set-password link"}
                          </Button>
                        </Form>
                        {self ? (
                          <p className={page.muted}>You cannot delete your own account.</p>
                        ) : (
                          <ConfirmForm
                            id={`delete-${user.id}`}
                            intent="delete"
                            phrase={user.email}
                            fields={{ id: user.id, email: user.email }}
                            description="Deletes the account with its sessions, API tokens and links. An account that owns tenants cannot be deleted."
                            submitLabel="Delete account"
                            error={concerned ? result?.fieldErrors?.[CONFIRM_FIELD] : null}
                            busy={busyIntent === "delete" && navigation.formData?.get("id") === user.id}
                          />
                        )}
                      </Disclosure>
                    </Td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
        <nav className={page.pager} aria-label="Pages of accounts">
          {paged && pageInfo.hasPreviousPage && pageInfo.startCursor ? (
            <Link to={pageLink({ search, role, before: pageInfo.startCursor })}>← Previous page</Link>
          ) : null}
          {pageInfo.hasNextPage && pageInfo.endCursor ? <Link to={pageLink({ search, role, after: pageInfo.endCursor })}>Next page →</Link> : null}
        </nav>
      </section>
    </>
  );
}

function LinkNotice({ kind, link }: { kind: "created" | "reset"; link: ShownLink }) {
  return (
    <Notice
      tone="success"
      title={kind === "created" ? `Account created for ${link.email}${link.role ? ` (${link.role})` : ""}` : `New set-password link for ${link.email}`}
      data-testid="password-link-notice"
    >
      <p>
        {kind === "created"
          ? "It has no password yet. Hand this one-time link to its owner: they choose their password there."
          : "Hand this one-time link to the account's owner: they choose a new password there. Earlier links no longer work; a current password keeps working until then."}{" "}
        It works once and expires {formatDateTime(link.expiresAt)}.
      </p>
      <p>
        <strong>It is shown only now</strong>: the panel does not keep it. If it gets lost, make a new one from the account&apos;s Manage menu.
      </p>
      <CopyField id={`${kind}-link`} label="Set-password link" value={link.url} />
    </Notice>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
