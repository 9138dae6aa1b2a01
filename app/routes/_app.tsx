import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { disposeLiveClient } from "../components/live-client";
import * as styles from "../components/page.css";
import { FlashToast } from "../components/ui/toast";
import * as ui from "../components/ui.css";
import { requireUser } from "../utils/auth.server";

/** The signed-in shell: every page below requires a session. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return { user };
}

export default function AppShell() {
  const { user } = useLoaderData<typeof loader>();
  const admin = user.role === "ADMIN";
  // The live connection belongs to this session: it closes on sign-out or when someone else signs in.
  useEffect(() => () => disposeLiveClient(), [user.id]);
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className={styles.header}>
        <Link to="/dashboard" className={styles.brand}>
          Mautic tenant panel
        </Link>
        <nav aria-label="Main" className={styles.nav}>
          <NavLink to="/dashboard" className={styles.navLink}>
            Overview
          </NavLink>
          <NavLink to="/tenants" className={styles.navLink}>
            Tenants
          </NavLink>
          {admin ? (
            <NavLink to="/users" className={styles.navLink}>
              Users
            </NavLink>
          ) : null}
          <NavLink to="/tokens" className={styles.navLink}>
            API tokens
          </NavLink>
          {admin ? (
            <NavLink to="/upgrades" className={styles.navLink}>
              Upgrades
            </NavLink>
          ) : null}
          {admin ? (
            <NavLink to="/audit" className={styles.navLink}>
              Audit log
            </NavLink>
          ) : null}
          {admin ? (
            <NavLink to="/portainer" className={styles.navLink}>
              Portainer
            </NavLink>
          ) : null}
        </nav>
        <div className={styles.userBox}>
          <span data-testid="current-user" className={styles.userEmail}>
            {user.email}
          </span>
          <span className={ui.badge[user.role]} data-testid="current-role">
            {user.role}
          </span>
          <NavLink to="/account" className={styles.navLink}>
            Account
          </NavLink>
          <Form method="post" action="/logout">
            <button type="submit" className={ui.button.quiet}>
              Sign out
            </button>
          </Form>
        </div>
      </header>
      <main id="main" className={styles.main}>
        <FlashToast />
        <Outlet />
      </main>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
