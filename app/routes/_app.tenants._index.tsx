import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as styles from "../components/page.css";
import * as t from "../components/tenant.css";
import * as ui from "../components/ui.css";
import { listTenants } from "../utils/tenants.server";
import type { loader as shellLoader } from "./_app";

export const meta: MetaFunction = () => [{ title: "Tenants · Mautic tenant panel" }];

const STATUSES = ["PENDING", "PROVISIONING", "ACTIVE", "ERROR", "SUSPENDED", "DELETING", "DELETED"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const status = url.searchParams.get("status");
  const search = url.searchParams.get("search")?.trim() || null;
  const after = url.searchParams.get("after");
  const ownerId = url.searchParams.get("ownerId") || null;
  const page = await listTenants(context, { after, search, ownerId, status: status && (STATUSES as readonly string[]).includes(status) ? status : null });
  return { page, search, status, ownerId };
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}

export default function Tenants() {
  const { page, search, status, ownerId } = useLoaderData<typeof loader>();
  const shell = useRouteLoaderData<typeof shellLoader>("routes/_app");
  const admin = shell?.user.role === "ADMIN";
  return (
    <>
      <div className={t.inline}>
        <h1 className={styles.title}>Tenants</h1>
        {admin ? (
          <Link to="/tenants/new" className={ui.button.primary}>
            New tenant
          </Link>
        ) : null}
      </div>
      {ownerId ? (
        <p>
          Showing one owner&apos;s tenants{page.edges[0] ? ` (${page.edges[0].node.owner.email})` : ""}. <Link to="/tenants">Show all tenants</Link>
        </p>
      ) : null}
      <Form method="get" className={t.toolbar} role="search">
        {ownerId ? <input type="hidden" name="ownerId" value={ownerId} /> : null}
        <div className={ui.field}>
          <label htmlFor="search" className={ui.label}>Search</label>
          <input id="search" name="search" defaultValue={search ?? ""} className={ui.input} placeholder="name, slug or domain" />
        </div>
        <div className={ui.field}>
          <label htmlFor="status" className={ui.label}>Status</label>
          <select id="status" name="status" defaultValue={status ?? ""} className={t.select}>
            <option value="">All but deleted</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className={ui.field}>
          <button type="submit" className={ui.button.quiet}>Filter</button>
        </div>
      </Form>
      {page.edges.length === 0 ? (
        <p className={ui.card}>{search || status || ownerId ? "No tenant matches." : admin ? "No tenants yet. Create the first one." : "You have no Mautic instance yet."}</p>
      ) : (
        <table className={t.table}>
          <thead>
            <tr>
              <th className={t.cell} scope="col">Name</th>
              <th className={t.cell} scope="col">Domain</th>
              <th className={t.cell} scope="col">Status</th>
              <th className={t.cell} scope="col">Health</th>
              {admin ? <th className={t.cell} scope="col">Owner</th> : null}
              <th className={t.cell} scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {page.edges.map(({ node }) => (
              <tr key={node.id}>
                <td className={t.cell}><Link to={`/tenants/${node.id}`}>{node.name}</Link></td>
                <td className={t.cell}><a href={node.url} rel="noreferrer" target="_blank">{node.domain}</a></td>
                <td className={t.cell}>
                  <span className={t.status[node.status as keyof typeof t.status] ?? t.status.PENDING}>{node.status}</span>
                  {node.phase ? ` ${node.phase}` : ""}
                </td>
                <td className={t.cell}>{node.health?.overall ?? "—"}</td>
                {admin ? <td className={t.cell}>{node.owner.email}</td> : null}
                <td className={t.cell}>{new Date(node.createdAt).toISOString().slice(0, 16).replace("T", " ")} UTC</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.pageInfo.hasNextPage && page.pageInfo.endCursor ? (
        <p>
          <Link to={`?${new URLSearchParams({ ...(search ? { search } : {}), ...(status ? { status } : {}), ...(ownerId ? { ownerId } : {}), after: page.pageInfo.endCursor })}`}>Next page</Link>
        </p>
      ) : null}
    </>
  );
}
