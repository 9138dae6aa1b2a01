import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import { HealthBadge, TenantStatusBadge } from "../components/tenant/status";
import { useLiveTenants } from "../components/tenant/use-live-tenants";
import { Button, ButtonLink, EmptyState, formatDateTime, SelectField, Table, Td, TextField, Th, useHydrated } from "../components/ui";
import { isTenantStatus, TENANT_STATUSES } from "../utils/tenant-model";
import { listTenants } from "../utils/tenants.server";
import type { loader as shellLoader } from "./_app";

export const meta: MetaFunction = () => [{ title: "Tenants · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const statusParam = url.searchParams.get("status");
  const status = isTenantStatus(statusParam) ? statusParam : null;
  const search = url.searchParams.get("search")?.trim() || null;
  const after = url.searchParams.get("after") || null;
  const ownerId = url.searchParams.get("ownerId") || null;
  const page = await listTenants(context, { after, search, ownerId, status });
  return { page, search, status, ownerId, after };
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}

function listLink(params: Record<string, string | null>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `/tenants?${text}` : "/tenants";
}

export default function Tenants() {
  const { page: result, search, status, ownerId, after } = useLoaderData<typeof loader>();
  const shell = useRouteLoaderData<typeof shellLoader>("routes/_app");
  const admin = shell?.user.role === "ADMIN";
  const hydrated = useHydrated();
  // Status, phase and health change in place while the page is open.
  const { tenants, connected } = useLiveTenants(result.edges.map((e) => e.node));
  const filtered = Boolean(search || status || ownerId);
  return (
    <>
      <div className={page.titleRow}>
        <h1>Tenants</h1>
        {admin ? (
          <ButtonLink to="/tenants/new" variant="primary">
            New tenant
          </ButtonLink>
        ) : null}
      </div>
      {ownerId ? (
        <p>
          Showing one owner&apos;s tenants{tenants[0] ? ` (${tenants[0].owner.email})` : ""}. <Link to="/tenants">Show all tenants</Link>
        </p>
      ) : null}
      <Form method="get" className={page.toolbar} role="search" aria-label="Filter tenants">
        {ownerId ? <input type="hidden" name="ownerId" value={ownerId} /> : null}
        <TextField name="search" id="search" label="Search" type="search" defaultValue={search ?? ""} placeholder="name, slug or domain" />
        <SelectField
          name="status"
          id="status"
          label="Status"
          defaultValue={status ?? ""}
          options={[{ value: "", label: "All but deleted" }, ...TENANT_STATUSES.map((s) => ({ value: s, label: s }))]}
        />
        <div data-shrink="">
          <Button type="submit">Filter</Button>
        </div>
        {filtered ? (
          <div data-shrink="">
            <Link to="/tenants">Clear filters</Link>
          </div>
        ) : null}
      </Form>
      {tenants.length === 0 ? (
        filtered || after ? (
          <EmptyState title="No tenant matches">Try another part of the name or domain, or any status.</EmptyState>
        ) : admin ? (
          <EmptyState title="No tenants yet" action={<ButtonLink to="/tenants/new">Create the first one</ButtonLink>}>
            Each tenant is one client&apos;s dedicated Mautic.
          </EmptyState>
        ) : (
          <EmptyState title="You have no Mautic instance yet">Your provider sets it up; it appears here as soon as it exists.</EmptyState>
        )
      ) : (
        <>
          <Table caption="Tenants" captionHidden data-testid="tenants-table">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Domain</Th>
                <Th>Status</Th>
                <Th>Health</Th>
                {admin ? <Th>Owner</Th> : null}
                <Th>Created (UTC)</Th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((node) => (
                <tr key={node.id} data-tenant-id={node.id}>
                  <Td>
                    <Link to={`/tenants/${node.id}`}>{node.name}</Link>
                  </Td>
                  <Td>
                    <a href={node.url} rel="noreferrer" target="_blank">
                      {node.domain}
                    </a>
                  </Td>
                  <Td nowrap>
                    <TenantStatusBadge status={node.status} data-testid="row-status" />
                    {node.phase ? <span className={page.muted}> {node.phase}</span> : null}
                  </Td>
                  <Td>
                    <HealthBadge health={node.health?.overall} data-testid="row-health" />
                  </Td>
                  {admin ? <Td>{node.owner.email}</Td> : null}
                  <Td nowrap>{formatDateTime(node.createdAt, { zone: false })}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
          <p className={page.muted} data-testid="tenants-live">
            {connected ? "Status and health update live." : hydrated ? "Connecting for live updates…" : "Reload the page to see changes."}
          </p>
        </>
      )}
      <nav className={page.pager} aria-label="Pages of tenants">
        {after ? <Link to={listLink({ search, status, ownerId })}>← First page</Link> : null}
        {result.pageInfo.hasNextPage && result.pageInfo.endCursor ? (
          <Link to={listLink({ search, status, ownerId, after: result.pageInfo.endCursor })}>Next page →</Link>
        ) : null}
      </nav>
    </>
  );
}
