/**
 * "Recent logs" of the tenant page: the last lines one service of the stack wrote. A child of the
 * tenant page so that its loader (a call to Portainer) runs when someone asks for logs (a
 * different service or size, "Show logs", the tenant's status or phase changing), not each time live
 * events refresh the page's facts.
 */
import { data, type LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  type ShouldRevalidateFunction,
  useLoaderData,
  useNavigation,
  useRouteError,
  useRouteLoaderData,
  useSearchParams,
} from "@remix-run/react";
import { useEffect, useRef } from "react";
import * as page from "../components/page.css";
import * as t from "../components/tenant.css";
import { useQuietRevalidate } from "../components/use-quiet-revalidate";
import { Button, formatDateTime, Notice, SelectField, useHydrated } from "../components/ui";
import { isSuccess } from "../utils/graphql.server";
import { isStackService, LOG_TAILS, logTail, SERVICE_TEXT, STACK_SERVICES } from "../utils/tenant-model";
import { TENANT_NOT_FOUND, tenantLogs } from "../utils/tenants.server";
import type { loader as tenantLoader } from "./_app.tenants.$id";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const requested = url.searchParams.get("service");
  const service = isStackService(requested) ? requested : "MAUTIC_WEB";
  const tail = logTail(url.searchParams.get("tail"));
  const result = await tenantLogs(context, params.id!, service, tail);
  if (result.__typename === "NotFoundError") throw data(TENANT_NOT_FOUND, { status: 404 });
  return {
    service,
    tail,
    lines: isSuccess(result) ? result.data : null,
    // UnavailableError (not deployed yet, suspended, Portainer not answering) or a refused tail.
    unavailable: isSuccess(result) ? null : result.message,
    readAt: new Date().toISOString(),
  };
}

/** Set just before the logs are asked for again with the same service and size. */
let refreshWanted = false;

function wantRefresh(): void {
  refreshWanted = true;
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, defaultShouldRevalidate }) => {
  if (refreshWanted) {
    refreshWanted = false;
    return true;
  }
  const asked = (url: URL) => `${url.pathname} ${url.searchParams.get("service")} ${url.searchParams.get("tail")}`;
  if (asked(currentUrl) !== asked(nextUrl)) return defaultShouldRevalidate;
  // Live events and actions refresh the tenant's facts; the lines shown stay until asked for.
  return false;
};

const SERVICE_OPTIONS = STACK_SERVICES.map((s) => ({ value: s, label: SERVICE_TEXT[s] }));
const TAIL_OPTIONS = LOG_TAILS.map((n) => ({ value: String(n), label: `Last ${n} lines` }));

function time(iso: string | null): string {
  return iso ? iso.slice(11, 19) : "--:--:--";
}

export default function RecentLogs() {
  const { service, tail, lines, unavailable, readAt } = useLoaderData<typeof loader>();
  const tenant = useRouteLoaderData<typeof tenantLoader>("routes/_app.tenants.$id")?.tenant;
  const [params] = useSearchParams();
  const invite = params.get("invite");
  const hydrated = useHydrated();
  const navigation = useNavigation();
  const refresh = useQuietRevalidate();
  const here = tenant ? `/tenants/${tenant.id}` : ".";
  const loading = navigation.state === "loading" && navigation.location.pathname === here && navigation.location.search.includes("service=");

  // When the tenant moves on (a new phase, ACTIVE, suspended…), read the lines again.
  const stage = tenant ? `${tenant.status} ${tenant.phase ?? ""}` : "";
  const seenStage = useRef(stage);
  useEffect(() => {
    if (seenStage.current === stage) return;
    seenStage.current = stage;
    wantRefresh();
    refresh();
  }, [stage, refresh]);

  const serviceLabel = SERVICE_TEXT[service];
  if (tenant?.status === "DELETED") {
    return (
      <section aria-labelledby="recent-logs-heading" id="recent-logs" className={page.section} data-testid="recent-logs">
        <h2 id="recent-logs-heading" className={page.sectionTitle}>
          Recent logs
        </h2>
        <p className={page.muted}>The tenant is deleted: its services and their logs are gone.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="recent-logs-heading" id="recent-logs" className={page.section} data-testid="recent-logs">
      <h2 id="recent-logs-heading" className={page.sectionTitle}>
        Recent logs
      </h2>
      {/* Without JavaScript the page reloads at this section. */}
      <Form method="get" action={hydrated ? here : `${here}#recent-logs`} className={page.toolbar} preventScrollReset replace onSubmit={wantRefresh}>
        {invite ? <input type="hidden" name="invite" value={invite} /> : null}
        <SelectField name="service" id="logs-service" label="Service" defaultValue={service} options={SERVICE_OPTIONS} />
        <SelectField name="tail" id="logs-tail" label="How many lines" defaultValue={String(tail)} options={TAIL_OPTIONS} />
        <div data-shrink="">
          <Button type="submit" busy={loading} busyLabel="Loading…">
            Show logs
          </Button>
        </div>
      </Form>
      {unavailable !== null ? (
        <Notice tone="info" title={`No logs from ${serviceLabel} right now`} live={false} data-testid="logs-unavailable">
          <p>{unavailable}</p>
        </Notice>
      ) : lines && lines.length > 0 ? (
        <ol className={t.log} aria-label={`Last lines of ${serviceLabel}, oldest first`} tabIndex={0} data-testid="service-logs">
          {lines.map((line, index) => (
            <li key={index} className={line.stream === "STDERR" ? `${t.logLine} ${t.logStderr}` : t.logLine}>
              <span className={t.logTime}>{time(line.timestamp)}</span> {line.stream === "STDERR" ? "err " : ""}
              {line.message}
            </li>
          ))}
        </ol>
      ) : (
        <p data-testid="service-logs-empty">{serviceLabel} has not written anything yet.</p>
      )}
      <p className={page.muted}>
        Read {formatDateTime(readAt, { seconds: true })}; times in UTC. Passwords and the mailer DSN appear as [redacted].
      </p>
    </section>
  );
}

/** Only this section fails: the rest of the tenant page stays usable. */
export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const reason = isRouteErrorResponse(error) && typeof error.data === "string" && status !== 500 ? error.data : null;
  return (
    <section aria-labelledby="recent-logs-heading" className={page.section}>
      <h2 id="recent-logs-heading" className={page.sectionTitle}>
        Recent logs
      </h2>
      <Notice tone="error" title="The logs could not be read">
        <p>{reason ?? "Something went wrong while reading them. Reload the page to try again."}</p>
      </Notice>
    </section>
  );
}
