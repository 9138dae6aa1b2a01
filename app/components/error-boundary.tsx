import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import * as styles from "./page.css";

const MESSAGES: Record<number, { title: string; text: string }> = {
  401: { title: "Please sign in", text: "Your session has ended. Sign in again to continue." },
  403: { title: "Not allowed", text: "Your account may not open this page." },
  404: { title: "Page not found", text: "This page does not exist, or it was removed." },
};

/** One error page for every route: says what happened in words, and where to go next. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const known = MESSAGES[status];
  const title = known?.title ?? "Something went wrong";
  const text =
    known?.text ??
    "The panel could not complete this request. Try again; if it keeps happening, tell your administrator the time it happened.";
  return (
    <main className={styles.narrow}>
      <h1>{title}</h1>
      <p>{text}</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
      <p className={styles.muted}>Status {status}</p>
    </main>
  );
}
