import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import { Badge, Button, formatDateTime, Notice, Table, Td, Th } from "../components/ui";
import * as ui from "../components/ui.css";
import { requireAdmin } from "../utils/auth.server";
import { portainerStatus, type PortainerCheck, type PortainerCheckName } from "../utils/portainer.server";

export const meta: MetaFunction = () => [{ title: "Portainer · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context);
  // Every load checks anew: "Check again" is a plain reload.
  return { status: await portainerStatus(context) };
}

/** What each check means, in the order they run (each needs the ones before it). */
const CHECKS: Record<PortainerCheckName, string> = {
  URL: "Portainer answers at PORTAINER_URL",
  TOKEN: "Portainer accepts the API token",
  VERSION: "Portainer is 2.20 or newer",
  ENDPOINT: "The environment exists and is up",
  SWARM: "The environment is a Swarm manager",
  TRAEFIK_NETWORK: "Traefik's overlay network exists",
};

/** A check that could not run because one before it failed (it has no hint of its own). */
function notChecked(check: PortainerCheck): boolean {
  return !check.ok && check.hint === null && check.message.startsWith("Not checked");
}

export default function PortainerPage() {
  const { status } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const checking = navigation.state === "loading" && navigation.location.pathname === "/portainer";
  const skipped = status.checks.filter((c) => notChecked(c));
  const failed = status.checks.filter((c) => !c.ok && !notChecked(c));
  return (
    <>
      <div className={page.titleRow}>
        <h1>Portainer connection</h1>
        <Form method="get" action="/portainer" preventScrollReset>
          <Button type="submit" busy={checking} busyLabel="Checking…">
            Check again
          </Button>
        </Form>
      </div>
      <p className={page.lead}>
        The panel deploys every tenant through Portainer. These are the checks each provisioning starts with (PREFLIGHT), run now: when one
        fails, the ones after it cannot run.
      </p>
      {status.ok ? (
        <Notice tone="success" title="Every check passed" data-testid="portainer-summary">
          <p>Tenants can be deployed.</p>
        </Notice>
      ) : (
        <Notice
          tone="error"
          title={`${status.reachable ? `${failed.length} ${failed.length === 1 ? "check" : "checks"} failed` : "Portainer did not answer"}${skipped.length > 0 ? ` (${skipped.length} more not checked)` : ""}: new tenants cannot be deployed`}
          data-testid="portainer-summary"
        >
          <p>
            {status.reachable
              ? "Fix the first failed check below; its hint says how. Provisioning waits at PREFLIGHT until then."
              : "Portainer did not answer at all. Check PORTAINER_URL and that Portainer runs and is reachable from the panel."}
          </p>
        </Notice>
      )}
      <div className={`${page.grid} ${page.section}`}>
        <section className={ui.card} aria-labelledby="connection-heading">
          <h2 id="connection-heading" className={page.sectionTitle}>
            What the panel uses
          </h2>
          <dl className={page.facts} data-testid="portainer-facts">
            <dt>Portainer version</dt>
            <dd>{status.version ?? "unknown (no answer)"}</dd>
            <dt>Environment (endpoint) id</dt>
            <dd>{status.endpointId}</dd>
            <dt>Swarm id</dt>
            <dd>{status.swarmId ? <code>{status.swarmId}</code> : "unknown"}</dd>
            <dt>Traefik network</dt>
            <dd>
              <code>{status.traefikNetwork}</code>
            </dd>
            <dt>Checked</dt>
            <dd data-testid="portainer-checked-at">{formatDateTime(status.checkedAt, { seconds: true })}</dd>
          </dl>
        </section>
      </div>
      <section aria-labelledby="checks-heading" className={page.section}>
        <h2 id="checks-heading" className={page.sectionTitle}>
          Checks
        </h2>
        <Table caption="Checks, in the order they run" captionHidden data-testid="portainer-checks">
          <thead>
            <tr>
              <Th>Check</Th>
              <Th>Result</Th>
              <Th>What was found</Th>
              <Th>What to do</Th>
            </tr>
          </thead>
          <tbody>
            {status.checks.map((check) => (
              <tr key={check.name} data-check={check.name}>
                <Td>
                  <strong>{CHECKS[check.name] ?? check.name}</strong>
                  <div className={page.muted}>
                    <code>{check.name}</code>
                  </div>
                </Td>
                <Td nowrap>
                  {check.ok ? (
                    <Badge tone="success">OK</Badge>
                  ) : notChecked(check) ? (
                    <Badge tone="neutral">Not checked</Badge>
                  ) : (
                    <Badge tone="danger">Failed</Badge>
                  )}
                </Td>
                <Td>{check.message}</Td>
                <Td>{check.hint ?? (check.ok ? "—" : "Fix the checks before it first.")}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
