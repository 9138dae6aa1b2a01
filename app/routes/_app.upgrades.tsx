/**
 * Fleet upgrades (ADMIN): start one (image, which tenants, batch size, failure threshold), follow
 * it batch by batch while it runs (the page refreshes itself), stop it.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect } from "react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import { Badge, Button, Disclosure, EmptyState, FieldRow, formatDateTime, Notice, SelectField, Table, Td, TextField, Th, type BadgeTone } from "../components/ui";
import * as ui from "../components/ui.css";
import { useQuietRevalidate } from "../components/use-quiet-revalidate";
import { requireAdmin } from "../utils/auth.server";
import { withFlash } from "../utils/flash";
import { failureStatus, formErrors, formString, isSuccess } from "../utils/graphql.server";
import { listFleetUpgrades, startFleetUpgrade, stopFleetUpgrade, type FleetUpgradeView } from "../utils/upgrades.server";

export const meta: MetaFunction = () => [{ title: "Upgrades · Mautic tenant panel" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context);
  return listFleetUpgrades(context);
}

interface ActionData {
  error?: string | null;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAdmin(request, context);
  const form = await request.formData();
  const intent = formString(form, "intent");
  if (intent === "stop") {
    const result = await stopFleetUpgrade(context, formString(form, "id"));
    if (isSuccess(result)) throw redirect(withFlash("/upgrades", "fleet-upgrade-stopped"));
    return data<ActionData>({ error: result.message }, { status: failureStatus(result) });
  }
  const values = {
    mauticImage: formString(form, "mauticImage"),
    plan: formString(form, "plan"),
    fromImage: formString(form, "fromImage"),
    batchSize: formString(form, "batchSize"),
    maxFailurePercent: formString(form, "maxFailurePercent"),
  };
  const fieldErrors: Record<string, string> = {};
  const batchSize = Number(values.batchSize);
  const percent = Number(values.maxFailurePercent);
  if (!/^\d+$/.test(values.batchSize)) fieldErrors.batchSize = "Type a whole number of tenants, from 1 to 50";
  if (values.maxFailurePercent === "" || !Number.isFinite(percent) || percent < 0 || percent > 100) fieldErrors.maxFailurePercent = "Type a percentage from 0 to 100";
  if (Object.keys(fieldErrors).length > 0) return data<ActionData>({ fieldErrors, values }, { status: 400 });
  const result = await startFleetUpgrade(context, {
    mauticImage: values.mauticImage,
    batchSize,
    maxFailureRate: percent / 100,
    filter: { plan: values.plan || null, fromImage: values.fromImage || null },
  });
  if (isSuccess(result)) throw redirect(withFlash("/upgrades", "fleet-upgrade-started"));
  const errors = formErrors(result);
  // The API's maxFailureRate is a share; the form asks for a percentage.
  const mapped = Object.fromEntries(Object.entries(errors.fieldErrors).map(([field, message]) => [field === "maxFailureRate" ? "maxFailurePercent" : field, message]));
  return data<ActionData>({ fieldErrors: mapped, error: errors.formError ?? mapped.filter ?? null, values }, { status: failureStatus(result) });
}

const STATUS_TONE: Record<string, BadgeTone> = { RUNNING: "info", COMPLETED: "success", STOPPED: "warning", PENDING: "neutral", SUCCEEDED: "success", FAILED: "danger", SKIPPED: "neutral" };

/** How often a running fleet upgrade is read again. */
const REFRESH_MS = 3000;

export default function UpgradesPage() {
  const { upgrades, mauticImages, plans } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const refresh = useQuietRevalidate();
  const running = upgrades.some((u) => u.status === "RUNNING");
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [running, refresh]);
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "start";
  const errors = answer?.fieldErrors ?? {};
  const values = answer?.values ?? {};
  return (
    <>
      <h1 className={page.title}>Upgrades</h1>
      <p className={page.lead}>
        Move many tenants to another Mautic image, a batch at a time. Each tenant is backed up first; one whose new version does not come up is
        restored on its current version. After each batch the upgrade stops if too many of the finished upgrades failed.
      </p>
      <section className={`${ui.card} ${page.section}`} aria-labelledby="start-heading">
        <h2 id="start-heading" className={page.sectionTitle}>
          Start a fleet upgrade
        </h2>
        {answer?.error ? <Notice tone="error">{answer.error}</Notice> : null}
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="start" />
          <FieldRow>
            <SelectField name="mauticImage" label="Upgrade to" defaultValue={values.mauticImage} error={errors.mauticImage} options={mauticImages.map((i) => ({ value: i, label: i }))} />
            <SelectField
              name="fromImage"
              label="Tenants running"
              defaultValue={values.fromImage ?? ""}
              options={[{ value: "", label: "Any other image" }, ...mauticImages.map((i) => ({ value: i, label: i }))]}
            />
            <SelectField name="plan" label="On plan" defaultValue={values.plan ?? ""} options={[{ value: "", label: "Any plan" }, ...plans.map((p) => ({ value: p.name, label: p.label }))]} />
          </FieldRow>
          <FieldRow>
            <TextField name="batchSize" label="Tenants per batch" inputMode="numeric" defaultValue={values.batchSize ?? "5"} error={errors.batchSize} hint="1 to 50." />
            <TextField
              name="maxFailurePercent"
              label="Stop above this failure rate (%)"
              inputMode="decimal"
              defaultValue={values.maxFailurePercent ?? "20"}
              error={errors.maxFailurePercent}
              hint="Share of the finished upgrades that failed, checked after each batch. 0 stops at the first failure."
            />
          </FieldRow>
          <Button variant="primary" busy={busy} busyLabel="Starting…">
            Start the upgrade
          </Button>
        </Form>
      </section>

      <section className={page.section} aria-labelledby="history-heading">
        <h2 id="history-heading" className={page.sectionTitle}>
          Fleet upgrades
        </h2>
        {upgrades.length === 0 ? (
          <EmptyState title="No fleet upgrade yet">
            <p>Single tenants are upgraded from their own page.</p>
          </EmptyState>
        ) : (
          upgrades.map((u) => <FleetUpgradeCard key={u.id} upgrade={u} />)
        )}
      </section>
    </>
  );
}

function FleetUpgradeCard({ upgrade }: { upgrade: FleetUpgradeView }) {
  const { counts } = upgrade;
  const finished = counts.succeeded + counts.failed + counts.skipped;
  return (
    <article className={`${ui.card} ${page.section}`} data-testid="fleet-upgrade" aria-label={`Fleet upgrade to ${upgrade.mauticImage}`}>
      <h3 className={page.sectionTitle}>
        To <code>{upgrade.mauticImage}</code> <Badge tone={STATUS_TONE[upgrade.status] ?? "neutral"}>{upgrade.status}</Badge>
      </h3>
      <p>
        Started {formatDateTime(upgrade.createdAt)}
        {upgrade.finishedAt ? `, ended ${formatDateTime(upgrade.finishedAt)}` : ""}. Batches of {upgrade.batchSize}; stops above{" "}
        {Math.round(upgrade.maxFailureRate * 100)} % failures.
      </p>
      <p data-testid="fleet-upgrade-counts">
        <progress max={counts.total} value={finished} aria-label="Tenants done" /> {finished} of {counts.total} done: {counts.succeeded} upgraded,{" "}
        {counts.failed} failed and rolled back, {counts.skipped} skipped{counts.running > 0 ? `, ${counts.running} under way` : ""}.
      </p>
      {upgrade.status === "STOPPED" && upgrade.statusReason ? <Notice tone="warning">{upgrade.statusReason}</Notice> : null}
      {upgrade.status === "RUNNING" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="stop" />
          <input type="hidden" name="id" value={upgrade.id} />
          <Button size="small">Stop after the upgrades under way</Button>
        </Form>
      ) : null}
      <Disclosure summary={`The ${counts.total} tenants`} open={upgrade.status === "RUNNING"}>
        <Table caption={`Tenants of the fleet upgrade to ${upgrade.mauticImage}`} captionHidden>
          <thead>
            <tr>
              <Th>Batch</Th>
              <Th>Tenant</Th>
              <Th>From</Th>
              <Th>State</Th>
            </tr>
          </thead>
          <tbody>
            {upgrade.items.map((item) => (
              <tr key={item.id} data-testid="fleet-upgrade-item">
                <Td nowrap>{item.batch + 1}</Td>
                <Td>
                  <Link to={`/tenants/${item.tenant.id}`}>{item.tenant.name}</Link>
                  <div className={page.muted}>{item.tenant.domain}</div>
                </Td>
                <Td mono>{item.fromImage}</Td>
                <Td>
                  <Badge tone={STATUS_TONE[item.status] ?? "neutral"}>{item.status}</Badge>
                  {item.detail ? <div className={page.muted}>{item.detail}</div> : null}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Disclosure>
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
