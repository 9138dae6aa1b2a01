import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from "@remix-run/react";
import * as styles from "./page.css";

const MESSAGES: Record<number, { title: string; text: string }> = {
  401: { title: "Please sign in", text: "Your session has ended. Sign in again to continue." },
  403: { title: "Not allowed", text: "Your account may not open this page." },
  404: { title: "Page not found", text: "This page does not exist, or it was removed." },
  429: { title: "Too many tries", text: "Wait a little, then try again." },
  503: {
    title: "The hosting platform is not answering",
    text: "The panel could not reach the hosting platform (Portainer) or the tenant's services, so nothing was changed. Try again in a minute. If it keeps happening, administrators can see what is wrong on the Portainer status page.",
  },
};

/**
 * One error page for every route: says what happened in words, and where to go next. Routes
 * inside the signed-in shell pass `inShell` so the shell's navigation stays and the page has one
 * <main> landmark.
 */
export function GeneralErrorBoundary({ inShell = false }: { inShell?: boolean }) {
  const error = useRouteError();
  // The shell's data is there when the error happened below it (a signed-in page).
  const shell = useRouteLoaderData<{ user?: { role?: string } }>("routes/_app");
  const admin = inShell && shell?.user?.role === "ADMIN";
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const known = MESSAGES[status];
  const title = known?.title ?? "Something went wrong";
  const text =
    known?.text ??
    "The panel could not complete this request. Try again; if it keeps happening, tell your administrator the time it happened.";
  // A short reason the server gave for a refusal (never for a 500, which may be internal; a 503's
  // reason is written for people, e.g. which service does not answer).
  const reason = isRouteErrorResponse(error) && (status < 500 || status === 503) && typeof error.data === "string" && error.data.length < 300 ? error.data : null;
  const body = (
    <>
      <h1>{title}</h1>
      <p>{text}</p>
      {reason && reason !== text ? <p>{reason}</p> : null}
      {admin && status === 503 ? (
        <p>
          <Link to="/portainer">Check the connection to Portainer</Link>
        </p>
      ) : null}
      <p>
        <Link to={inShell ? "/dashboard" : "/"}>{inShell ? "Go to the overview" : "Go to the start page"}</Link>
      </p>
      <p className={styles.muted}>Status {status}</p>
    </>
  );
  return inShell ? (
    <div className={styles.narrow} style={{ maxWidth: "40rem", margin: 0, padding: 0 }}>
      {body}
    </div>
  ) : (
    <main className={styles.narrow}>{body}</main>
  );
}
