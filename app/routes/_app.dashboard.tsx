import type { MetaFunction } from "@remix-run/node";
import { useRouteLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as styles from "../components/page.css";
import * as ui from "../components/ui.css";
import type { loader as shellLoader } from "./_app";

export const meta: MetaFunction = () => [{ title: "Overview · Mautic tenant panel" }];

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "UTC" });

export default function Dashboard() {
  const shell = useRouteLoaderData<typeof shellLoader>("routes/_app");
  if (!shell) return null;
  const { user } = shell;
  const admin = user.role === "ADMIN";
  return (
    <>
      <h1 className={styles.title}>Overview</h1>
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
        <section className={ui.card} aria-labelledby="api-heading">
          <h2 id="api-heading">GraphQL API</h2>
          <p>
            Everything this panel does is available to scripts and billing systems through one GraphQL API at{" "}
            <code>/graphql</code>, with live updates over WebSocket on the same address.
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
