import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import { Badge, Button, CheckboxField, Disclosure, EmptyState, formatDateTime, Pre, Table, Td, TextField, Th } from "../components/ui";
import { listAudit, type AuditFilter, type AuditRow } from "../utils/audit.server";
import { requireAdmin } from "../utils/auth.server";
import { listTenantChoices } from "../utils/tenants.server";

export const meta: MetaFunction = () => [{ title: "Audit log · Mautic tenant panel" }];

/** Mutations offered as suggestions in the action filter (any name may be typed). */
const KNOWN_ACTIONS = [
  "login",
  "logout",
  "changePassword",
  "setPassword",
  "createUser",
  "updateUser",
  "deleteUser",
  "createPasswordResetLink",
  "createApiToken",
  "revokeApiToken",
  "createTenant",
  "updateTenant",
  "deleteTenant",
  "suspendTenant",
  "resumeTenant",
  "retryTenant",
  "redeployTenant",
  "revealTenantCredentials",
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context);
  const url = new URL(request.url);
  const text = (name: string) => url.searchParams.get(name)?.trim().slice(0, 200) || null;
  const filter: AuditFilter = {
    action: text("action"),
    actorId: text("actorId"),
    tenantId: text("tenantId"),
    failedOnly: url.searchParams.get("failedOnly") === "1",
    after: text("after"),
  };
  const entries = await listAudit(context, filter);
  // Names for the tenant links (every tenant an ADMIN sees; older or deleted ones show their id).
  const { tenants } = await listTenantChoices(context);
  return { entries, filter, tenantNames: Object.fromEntries(tenants.map((t) => [t.id, t.name])) };
}

/**
 * A tenant's name by id. The ids come from audit entries, i.e. from what callers sent: an id such
 * as `__proto__` must find nothing, not Object.prototype (which React cannot render).
 */
function nameOf(names: Record<string, string>, id: string): string | undefined {
  return Object.hasOwn(names, id) ? names[id] : undefined;
}

/** The query string for the same filter with some parameters changed. */
function filterLink(filter: AuditFilter, change: Partial<Record<keyof AuditFilter, string | null>>): string {
  const params = new URLSearchParams();
  const merged: Record<string, string | boolean | null> = { ...filter, after: null, ...change };
  for (const [key, value] of Object.entries(merged)) {
    if (value === true) params.set(key, "1");
    else if (typeof value === "string" && value !== "") params.set(key, value);
  }
  const query = params.toString();
  return query ? `/audit?${query}` : "/audit";
}

function actorText(entry: AuditRow): string {
  if (entry.actorLabel) return entry.actorLabel;
  switch (entry.actorType) {
    case "SYSTEM":
      return "The panel";
    case "ANONYMOUS":
      return "Nobody signed in";
    default:
      return entry.actorId ?? "Unknown";
  }
}

function prettyDetail(detail: string): string {
  try {
    return JSON.stringify(JSON.parse(detail), null, 2);
  } catch {
    return detail;
  }
}

export default function AuditPage() {
  const { entries, filter, tenantNames } = useLoaderData<typeof loader>();
  const filtered = Boolean(filter.action || filter.actorId || filter.tenantId || filter.failedOnly);
  return (
    <>
      <div className={page.titleRow}>
        <h1>Audit log</h1>
      </div>
      <p className={page.lead}>
        Every change made through the panel, the API or a token, and every credential reveal: who, what, from where, and whether it worked
        (refused and failed attempts included). Newest first. Arguments are shown without secrets.
      </p>

      <Form method="get" className={page.toolbar} role="search" aria-label="Filter the audit log">
        <TextField name="action" label="Action" defaultValue={filter.action ?? ""} list="audit-actions" placeholder="e.g. deleteTenant" autoComplete="off" />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <TextField name="actorId" label="Actor id" defaultValue={filter.actorId ?? ""} autoComplete="off" />
        <TextField name="tenantId" label="Tenant id" defaultValue={filter.tenantId ?? ""} autoComplete="off" />
        <div data-shrink="">
          <CheckboxField name="failedOnly" value="1" label="Failed or refused only" defaultChecked={filter.failedOnly} />
        </div>
        <div data-shrink="">
          <Button type="submit">Filter</Button>
        </div>
        {filtered ? (
          <div data-shrink="">
            <Link to="/audit">Clear filters</Link>
          </div>
        ) : null}
      </Form>

      {entries.edges.length === 0 ? (
        <EmptyState title={filtered || filter.after ? "No entries match" : "Nothing recorded yet"}>
          {filtered ? <Link to="/audit">Show every entry</Link> : filter.after ? <Link to="/audit">Back to the newest</Link> : "Entries appear as soon as anyone changes something."}
        </EmptyState>
      ) : (
        <Table caption="Audit entries" captionHidden data-testid="audit-table">
          <thead>
            <tr>
              <Th>Time (UTC)</Th>
              <Th>Actor</Th>
              <Th>Action</Th>
              <Th>Target</Th>
              <Th>Tenant</Th>
              <Th>IP</Th>
              <Th>Result</Th>
              <Th>Details</Th>
            </tr>
          </thead>
          <tbody>
            {entries.edges.map(({ node: entry }) => (
              <tr key={entry.id}>
                <Td>
                  <span className={page.nowrapText}>{formatDateTime(entry.createdAt, { zone: false }).slice(0, 10)}</span>{" "}
                  <span className={page.nowrapText}>{formatDateTime(entry.createdAt, { seconds: true, zone: false }).slice(11)}</span>
                </Td>
                <Td>
                  {entry.actorId ? (
                    <Link to={filterLink(filter, { actorId: entry.actorId })} title="Only this actor's entries">
                      {actorText(entry)}
                    </Link>
                  ) : (
                    actorText(entry)
                  )}
                  {entry.actorType === "TOKEN" ? <div className={page.muted}>with an API token</div> : null}
                </Td>
                <Td>
                  <Link to={filterLink(filter, { action: entry.action })} title="Only this action">
                    <code>{entry.action}</code>
                  </Link>
                </Td>
                <Td>
                  {entry.targetType ? (
                    <>
                      {entry.targetType}
                      {entry.targetId ? (
                        <div className={page.shortId} title={entry.targetId}>
                          {entry.targetId}
                        </div>
                      ) : null}
                    </>
                  ) : (
                    "—"
                  )}
                </Td>
                <Td>
                  {entry.tenantId ? (
                    <>
                      <Link to={`/tenants/${entry.tenantId}`} className={nameOf(tenantNames, entry.tenantId) ? undefined : page.mono}>
                        {nameOf(tenantNames, entry.tenantId) ?? entry.tenantId}
                      </Link>
                      <div className={page.nowrapText}>
                        <Link to={filterLink(filter, { tenantId: entry.tenantId })} className={page.muted}>
                          only this tenant
                        </Link>
                      </div>
                    </>
                  ) : (
                    "—"
                  )}
                </Td>
                <Td nowrap>{entry.ip ?? "—"}</Td>
                <Td nowrap>{entry.ok ? <Badge tone="success">OK</Badge> : <Badge tone="danger">{entry.result}</Badge>}</Td>
                <Td>
                  {entry.detail ? (
                    <Disclosure summary={<>Show<span className="visually-hidden"> details of entry {entry.id}</span></>}>
                      <Pre>
                        {entry.targetId ? `Target: ${entry.targetType ?? ""} ${entry.targetId}\n` : ""}
                        {entry.tokenId ? `Token: ${entry.tokenId}\n` : ""}
                        {entry.actorId ? `Actor: ${entry.actorId}\n` : ""}
                        {prettyDetail(entry.detail)}
                      </Pre>
                    </Disclosure>
                  ) : (
                    "—"
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <nav className={page.pager} aria-label="Pages of the audit log">
        {filter.after ? <Link to={filterLink(filter, {})}>← Newest</Link> : null}
        {entries.pageInfo.hasNextPage && entries.pageInfo.endCursor ? <Link to={filterLink(filter, { after: entries.pageInfo.endCursor })}>Older entries →</Link> : null}
      </nav>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
