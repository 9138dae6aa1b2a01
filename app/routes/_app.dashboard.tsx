import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as styles from "../components/page.css";
import { HealthBadge, TenantStatusBadge } from "../components/tenant/status";
import { useLiveTenants } from "../components/tenant/use-live-tenants";
import { ButtonLink, EmptyState, Table, Td, Th } from "../components/ui";
import * as ui from "../components/ui.css";
import { listTenants } from "../utils/tenants.server";
import type { loader as shellLoader } from "./_app";

export const meta: MetaFunction = () => [{ title: "Overview · Mautic tenant panel" }];

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" });

/** How many tenants the overview lists (the newest; the Tenants page has them all). */
const SHOWN = 10;

export async function loader({ context }: LoaderFunctionArgs) {
  // The API decides whose: every tenant for an ADMIN, their own for a CLIENT.
  const page = await listTenants(context, { after: null, search: null, status: null, first: SHOWN });
  return { tenants: page.edges.map((e) => e.node), more: page.pageInfo.hasNextPage };
}

export default function Dashboard() {
  const shell = useRouteLoaderData<typeof shellLoader>("routes/_app");
  const loaded = useLoaderData<typeof loader>();
  const { tenants } = useLiveTenants(loaded.tenants);
  if (!shell) return null;
  const { user } = shell;
  const admin = user.role === "ADMIN";
  return (
    <>
      <h1 className={styles.title}>Overview</h1>
      <section aria-labelledby="tenants-heading" className={styles.section}>
        <div className={styles.titleRow}>
          <h2 id="tenants-heading" className={styles.sectionTitle}>
            {admin ? "Newest tenants" : "Your Mautic instances"}
          </h2>
          {admin ? (
            <ButtonLink to="/tenants/new" variant="primary" size="small">
              New tenant
            </ButtonLink>
          ) : null}
        </div>
        {tenants.length === 0 ? (
          admin ? (
            <EmptyState title="No tenants yet" action={<ButtonLink to="/tenants/new">Create the first one</ButtonLink>}>
              Each tenant is one client&apos;s dedicated Mautic, deployed and watched by the panel.
            </EmptyState>
          ) : (
            <EmptyState title="You have no Mautic instance yet">Your provider sets it up; it appears here as soon as it exists.</EmptyState>
          )
        ) : (
          <Table caption={admin ? "Newest tenants" : "Your Mautic instances"} captionHidden data-testid="dashboard-tenants">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Address</Th>
                <Th>Status</Th>
                <Th>Health</Th>
                {admin ? <Th>Owner</Th> : null}
              </tr>
            </thead>
            <tbody>
              {tenants.map((tenant) => (
                <tr key={tenant.id}>
                  <Td>
                    <Link to={`/tenants/${tenant.id}`}>{tenant.name}</Link>
                  </Td>
                  <Td>
                    <a href={tenant.url} target="_blank" rel="noreferrer">
                      {tenant.domain}
                    </a>
                  </Td>
                  <Td nowrap>
                    <TenantStatusBadge status={tenant.status} />
                    {tenant.phase ? <span className={styles.muted}> {tenant.phase}</span> : null}
                  </Td>
                  <Td>
                    <HealthBadge health={tenant.health?.overall} />
                  </Td>
                  {admin ? <Td>{tenant.owner.email}</Td> : null}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {loaded.more ? (
          <p>
            <Link to="/tenants">All tenants</Link>
          </p>
        ) : null}
      </section>
      <div className={styles.grid}>
        <section className={ui.card} aria-labelledby="account-heading">
          <h2 id="account-heading">Your account</h2>
          <dl className={styles.facts}>
            <dt>E-mail</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd>{admin ? "Administrator (provider staff)" : "Client"}</dd>
            <dt>Member since</dt>
            <dd>{dateFormat.format(new Date(user.createdAt))}</dd>
          </dl>
        </section>
        {admin ? (
          <section className={ui.card} aria-labelledby="portainer-heading">
            <h2 id="portainer-heading">Portainer</h2>
            <p>Every tenant is deployed through Portainer. Check the connection, the token, the Swarm and the Traefik network in one place.</p>
            <p>
              <Link to="/portainer">Check the Portainer connection</Link>
            </p>
          </section>
        ) : null}
        <section className={ui.card} aria-labelledby="api-heading">
          <h2 id="api-heading">GraphQL API</h2>
          <p>
            Everything this panel does is available to scripts and billing systems through one GraphQL API at <code>/graphql</code>, with live
            updates over WebSocket on the same address.
          </p>
          <p>
            <a href="/graphql">Open the API explorer</a>
          </p>
        </section>
      </div>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
