import { data, redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, Outlet, useActionData, useFetcher, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as page from "../components/page.css";
import { BackupsSection } from "../components/tenant/backups-section";
import { PhaseStepper } from "../components/tenant/phase-stepper";
import { HealthBadge, TenantStatusBadge } from "../components/tenant/status";
import * as t from "../components/tenant.css";
import {
  Button,
  ButtonRow,
  CheckboxField,
  CONFIRM_FIELD,
  ConfirmForm,
  confirmationMatches,
  CopyField,
  FieldRow,
  formatDateTime,
  Notice,
  SelectField,
  Table,
  Td,
  TextField,
  Th,
  useHydrated,
} from "../components/ui";
import * as ui from "../components/ui.css";
import { useFetcherAnswer } from "../components/use-fetcher-answer";
import { useLiveEvents } from "../components/use-live-events";
import { useQuietRevalidate } from "../components/use-quiet-revalidate";
import { getUser, requireUser } from "../utils/auth.server";
import { cloneTenant, createBackup, listBackups, restoreBackup } from "../utils/backups.server";
import { upgradeTenant } from "../utils/upgrades.server";
import { withFlash, type FlashKey } from "../utils/flash";
import { failureStatus, formErrors, formString, isSuccess } from "../utils/graphql.server";
import { dropOwnerInvite, peekOwnerInvite } from "../utils/owner-invites.server";
import { phaseSteps } from "../utils/tenant-model";
import {
  deleteTenant,
  getTenant,
  revealCredentials,
  TENANT_ACTIONS,
  TENANT_NOT_FOUND,
  tenantAction,
  tenantFormOptions,
  updateTenant,
  type TenantAction,
  type TenantChanges,
  type TenantCredentials,
} from "../utils/tenants.server";
import type { loader as shellLoader } from "./_app";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `${loaded?.tenant.name ?? "Tenant"} · Mautic tenant panel` }];

/** Answers that carry a secret (revealed credentials, a set-password link) are never cached. */
const NO_STORE = { "Cache-Control": "no-store" };

export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const cacheControl = actionHeaders.get("Cache-Control") ?? loaderHeaders.get("Cache-Control");
  return cacheControl ? { "Cache-Control": cacheControl } : new Headers();
};

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const viewer = await requireUser(request, context);
  const loaded = await getTenant(context, params.id!);
  // The edit form's plans (ADMIN only: a client changes nothing here).
  const [options, backups] = await Promise.all([
    viewer.role === "ADMIN" ? tenantFormOptions(context) : Promise.resolve({ plans: [] }),
    listBackups(context, loaded.tenant.id, loaded.tenant.plan),
  ]);
  const { plans } = options;
  // A new owner's set-password link, handed over from the create-tenant action (see owner-invites.server.ts).
  const handle = new URL(request.url).searchParams.get("invite");
  if (!handle) return { ...loaded, plans, backups, invite: null, inviteHandle: null, inviteGone: false };
  const invite = peekOwnerInvite(handle, viewer.id, loaded.tenant.id);
  return data({ ...loaded, plans, backups, invite, inviteHandle: invite ? handle : null, inviteGone: !invite }, { headers: NO_STORE });
}

/** What an action answers when it does not redirect: an error to show, or revealed credentials. */
interface ActionData {
  intent: string;
  error?: string | null;
  fieldErrors?: Record<string, string>;
  /** The edit form's values as sent (never the mailer DSN: it is write-only). */
  values?: { name: string; plan: string; removeDsn: boolean; clientMayRestore: boolean };
  credentials?: TenantCredentials;
}

const DONE: Record<TenantAction, FlashKey> = {
  retry: "tenant-retry",
  suspend: "tenant-suspend",
  resume: "tenant-resume",
  redeploy: "tenant-redeploy",
};

export async function action({ params, request, context }: ActionFunctionArgs) {
  const id = params.id!;
  const here = `/tenants/${id}`;
  const form = await request.formData();
  const intent = formString(form, "intent");
  const notFound = () => data(TENANT_NOT_FOUND, { status: 404 });

  switch (intent) {
    case "hide-invite": {
      const viewer = await getUser(context);
      if (viewer) dropOwnerInvite(formString(form, "invite"), viewer.id);
      throw redirect(withFlash(here, "invite-hidden"));
    }
    case "reveal": {
      // A deliberate POST: the values go only into this answer, never into the page's loader data.
      const result = await revealCredentials(context, id);
      if (isSuccess(result)) return data<ActionData>({ intent, credentials: result.data }, { headers: NO_STORE });
      if (result.__typename === "NotFoundError") throw notFound();
      return data<ActionData>({ intent, error: result.message }, { status: failureStatus(result), headers: NO_STORE });
    }
    case "update": {
      const values = {
        name: formString(form, "name"),
        plan: formString(form, "plan"),
        removeDsn: form.get("removeDsn") === "on",
        clientMayRestore: form.get("clientMayRestore") === "on",
      };
      const dsn = formString(form, "mailerDsn");
      if (values.removeDsn && dsn !== "") {
        return data<ActionData>({ intent, values, fieldErrors: { mailerDsn: "Type a new DSN or tick “Remove the mailer DSN”, not both" } }, { status: 400 });
      }
      const input: TenantChanges = { name: values.name, clientMayRestore: values.clientMayRestore };
      if (values.plan !== "") input.plan = values.plan;
      if (values.removeDsn) input.mailerDsn = "";
      else if (dsn !== "") input.mailerDsn = dsn;
      const result = await updateTenant(context, id, input);
      if (isSuccess(result)) throw redirect(withFlash(here, "tenant-updated"));
      if (result.__typename === "NotFoundError") throw notFound();
      const { fieldErrors, formError } = formErrors(result);
      return data<ActionData>({ intent, values, fieldErrors, error: formError }, { status: failureStatus(result) });
    }
    case "restore": {
      const tenant = await getTenant(context, id);
      if (!confirmationMatches(form.get(CONFIRM_FIELD), tenant.tenant.domain)) {
        return data<ActionData>({ intent, error: `Type the tenant's domain (${tenant.tenant.domain}) to confirm` }, { status: 400 });
      }
      const result = await restoreBackup(context, formString(form, "backupId"));
      if (isSuccess(result)) throw redirect(withFlash(here, "restore-requested"));
      if (result.__typename === "NotFoundError" && result.message.startsWith("The tenant")) throw notFound();
      return data<ActionData>({ intent, error: result.message }, { status: failureStatus(result) });
    }
    case "clone": {
      const result = await cloneTenant(context, formString(form, "backupId"), { name: formString(form, "name"), domain: formString(form, "domain") });
      if (isSuccess(result)) throw redirect(withFlash(`/tenants/${result.data.id}`, "tenant-cloned"));
      const { fieldErrors, formError } = formErrors(result);
      return data<ActionData>({ intent, fieldErrors, error: formError }, { status: failureStatus(result) });
    }
    case "upgrade": {
      const result = await upgradeTenant(context, id, formString(form, "mauticImage"));
      if (isSuccess(result)) throw redirect(withFlash(here, "upgrade-requested"));
      if (result.__typename === "NotFoundError") throw notFound();
      const { fieldErrors, formError } = formErrors(result);
      return data<ActionData>({ intent, fieldErrors, error: formError }, { status: failureStatus(result) });
    }
    case "backup": {
      const result = await createBackup(context, id);
      if (isSuccess(result)) throw redirect(`${withFlash(here, "backup-requested")}#backups-heading`);
      if (result.__typename === "NotFoundError") throw notFound();
      return data<ActionData>({ intent, error: result.message }, { status: failureStatus(result) });
    }
    case "delete": {
      const options = { deleteData: form.get("deleteData") === "on", finalBackup: form.get("skipFinalBackup") !== "on" };
      const result = await deleteTenant(context, id, options, formString(form, "confirm"));
      if (isSuccess(result)) throw redirect(withFlash(here, "tenant-delete"));
      if (result.__typename === "NotFoundError") throw notFound();
      const { fieldErrors, formError } = formErrors(result);
      return data<ActionData>({ intent, fieldErrors, error: formError }, { status: failureStatus(result) });
    }
    default: {
      if (!(TENANT_ACTIONS as readonly string[]).includes(intent)) return data<ActionData>({ intent, error: "Unknown action." }, { status: 400 });
      const operation = intent as TenantAction;
      const result = await tenantAction(context, operation, id);
      if (result.__typename.endsWith("Success")) throw redirect(withFlash(here, DONE[operation]));
      if (result.__typename === "NotFoundError") throw notFound();
      return data<ActionData>({ intent, error: (result as { message: string }).message }, { status: 409 });
    }
  }
}

/** Events after which the page's facts (status, phase, health) are fetched again. */
const REFRESHING = /^(status\.|tenant\.|phase\.(started|failed)|health\.|job\.failed|drift\.|backup\.|restore\.|upgrade\.)/;

const OPERATIONS: readonly { intent: TenantAction; label: string; busy: string; when: readonly string[] }[] = [
  { intent: "retry", label: "Retry provisioning", busy: "Retrying…", when: ["ERROR"] },
  { intent: "suspend", label: "Suspend", busy: "Suspending…", when: ["ACTIVE", "ERROR"] },
  { intent: "resume", label: "Resume", busy: "Resuming…", when: ["SUSPENDED"] },
  { intent: "redeploy", label: "Redeploy", busy: "Redeploying…", when: ["ACTIVE", "ERROR"] },
];

export default function TenantPage() {
  const loaded = useLoaderData<typeof loader>();
  // Another tenant is another page: its live log starts over.
  return <TenantView key={loaded.tenant.id} />;
}

function TenantView() {
  const { tenant, events: initial, plans, backups, invite, inviteHandle, inviteGone } = useLoaderData<typeof loader>();
  const shell = useRouteLoaderData<typeof shellLoader>("routes/_app");
  const admin = shell?.user.role === "ADMIN";
  const here = `/tenants/${tenant.id}`;
  const hydrated = useHydrated();

  // Each form posts through its own fetcher: its answer (an error, the credentials) stays on the
  // page while live events refresh the data. Without JavaScript the same forms post the page and
  // the answer comes back as action data.
  const posted = useActionData<typeof action>();
  const reveal = useFetcher<typeof action>();
  const operate = useFetcher<typeof action>();
  const edit = useFetcher<typeof action>();
  const remove = useFetcher<typeof action>();
  const backup = useFetcher<typeof action>();
  const restore = useFetcher<typeof action>();
  const upgrade = useFetcher<typeof action>();
  const cloning = useFetcher<typeof action>();
  const answer = (fetched: ActionData | undefined, intents: readonly string[]): ActionData | undefined =>
    fetched ?? (posted && intents.includes(posted.intent) ? posted : undefined);
  const revealed = answer(useFetcherAnswer(reveal), ["reveal"]);
  const operated = answer(useFetcherAnswer(operate), TENANT_ACTIONS);
  const editAnswer = useFetcherAnswer(edit);
  const edited = answer(editAnswer, ["update"]);
  const removed = answer(useFetcherAnswer(remove), ["delete"]);
  const backedUp = answer(useFetcherAnswer(backup), ["backup"]);
  const restored = answer(useFetcherAnswer(restore), ["restore"]);
  const upgraded = answer(useFetcherAnswer(upgrade), ["upgrade"]);
  const cloned = answer(useFetcherAnswer(cloning), ["clone"]);

  const refresh = useQuietRevalidate();
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { events, connected } = useLiveEvents(tenant.id, initial, (event) => {
    if (!REFRESHING.test(event.type)) return;
    if (pending.current) clearTimeout(pending.current);
    pending.current = setTimeout(refresh, 150);
  });
  // The log box shows its newest lines (scrolling the box, never the page) unless the reader has
  // scrolled up in it to read older ones.
  const logBox = useRef<HTMLOListElement>(null);
  const followLog = useRef(true);
  useEffect(() => {
    const box = logBox.current;
    if (box && followLog.current) box.scrollTop = box.scrollHeight;
  }, [events.length]);

  // Hiding the credentials (with JavaScript): they stay hidden until revealed again.
  const [hiddenCredentials, setHiddenCredentials] = useState<TenantCredentials | null>(null);
  const credentials = revealed?.credentials && revealed.credentials !== hiddenCredentials ? revealed.credentials : null;

  // After a saved edit (the fetcher redirected: no answer left), empty the write-only DSN field.
  const editForm = useRef<HTMLFormElement>(null);
  const editWas = useRef(edit.state);
  useEffect(() => {
    if (editWas.current !== "idle" && edit.state === "idle" && editAnswer === undefined) editForm.current?.reset();
    editWas.current = edit.state;
  }, [edit.state, editAnswer]);

  const steps = phaseSteps(tenant.status, tenant.phase);
  const operations = OPERATIONS.filter((o) => o.when.includes(tenant.status));
  const operating = operate.state !== "idle" ? operate.formData?.get("intent") : null;
  const editErrors = edited?.fieldErrors ?? {};
  const live = tenant.status !== "DELETED";

  return (
    <>
      <div className={t.inline}>
        <h1 className={page.title}>{tenant.name}</h1>
        <TenantStatusBadge status={tenant.status} data-testid="tenant-status" />
        {tenant.phase ? <span data-testid="tenant-phase">{tenant.phase}</span> : null}
      </div>
      <p className={page.lead}>
        <a href={tenant.url} target="_blank" rel="noreferrer" data-testid="tenant-url">
          {tenant.url}
        </a>
      </p>

      {invite && inviteHandle ? (
        <Notice tone="warning" title={`Hand the set-password link to ${invite.email}`} live={false} data-testid="owner-invite">
          <p>
            A client account was created for the owner with this tenant. It has no password yet: give them this one-time link to choose one. It
            works once and expires {formatDateTime(invite.expiresAt)}.
          </p>
          <p>
            <strong>It is shown only here, for a short while</strong>: the panel does not keep it. If it gets lost, make a new one from{" "}
            <Link to="/users">Users</Link>.
          </p>
          <CopyField id="owner-invite-link" label="Set-password link" value={invite.url} />
          <Form method="post" action={here}>
            <input type="hidden" name="intent" value="hide-invite" />
            <input type="hidden" name="invite" value={inviteHandle} />
            <Button size="small">I have handed it over: hide it</Button>
          </Form>
        </Notice>
      ) : inviteGone ? (
        <Notice tone="info" live={false}>
          <p>
            The owner&apos;s set-password link is no longer shown here. If they have not chosen a password yet, make a new link from{" "}
            <Link to="/users">Users</Link>.
          </p>
        </Notice>
      ) : null}
      {tenant.lastError ? (
        <Notice tone="error" title={tenant.status === "ERROR" ? "Provisioning stopped" : "Last problem"} live={false} data-testid="tenant-error">
          <p>{tenant.lastError}</p>
          {admin && tenant.status === "ERROR" && tenant.phase === "PREFLIGHT" ? (
            <p>
              <Link to="/portainer">Check the Portainer connection</Link>, then retry provisioning.
            </p>
          ) : null}
        </Notice>
      ) : null}

      {steps ? (
        <section className={`${ui.card} ${page.section}`} aria-labelledby="phases-heading">
          <h2 id="phases-heading" className={page.sectionTitle}>
            Provisioning
          </h2>
          <PhaseStepper steps={steps} status={tenant.status} />
        </section>
      ) : null}

      <div className={`${page.grid} ${page.section}`}>
        <section className={ui.card} aria-labelledby="facts">
          <h2 id="facts" className={page.sectionTitle}>
            Instance
          </h2>
          <dl className={page.facts}>
            <dt>URL</dt>
            <dd>
              <a href={tenant.url} target="_blank" rel="noreferrer">
                {tenant.url}
              </a>
            </dd>
            <dt>Status</dt>
            <dd>
              <TenantStatusBadge status={tenant.status} />
              {tenant.phase ? ` ${tenant.phase}` : ""}
            </dd>
            {admin ? (
              <>
                <dt>Owner</dt>
                <dd>{tenant.owner.email}</dd>
              </>
            ) : null}
            <dt>Plan</dt>
            <dd>{tenant.plan}</dd>
            <dt>Image</dt>
            <dd>
              <code>{tenant.mauticImage}</code>
            </dd>
            {admin ? (
              <>
                <dt>Stack</dt>
                <dd>
                  {tenant.stackName ?? "—"}
                  {tenant.node ? ` on ${tenant.node}` : ""}
                </dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd>{formatDateTime(tenant.createdAt)}</dd>
          </dl>
        </section>
        <section className={ui.card} aria-labelledby="health">
          <h2 id="health" className={`${page.sectionTitle} ${t.inline}`}>
            Health <HealthBadge health={tenant.health?.overall} data-testid="tenant-health" />
          </h2>
          {!live ? (
            <p className={page.muted}>The tenant is deleted: none of its services run any more.</p>
          ) : tenant.health ? (
            <>
              <Table caption="Services" captionHidden data-testid="service-health">
                <thead>
                  <tr>
                    <Th>Service</Th>
                    <Th>Tasks</Th>
                    <Th>State</Th>
                  </tr>
                </thead>
                <tbody>
                  {tenant.health.services.map((s) => (
                    <tr key={s.service}>
                      <Td mono nowrap>
                        {s.service}
                      </Td>
                      <Td nowrap>
                        {s.running}/{s.desired}
                      </Td>
                      <Td>
                        <HealthBadge health={s.state} />
                        {s.message ? <div className={page.muted}>{s.message}</div> : null}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <p className={page.muted}>Checked {formatDateTime(tenant.health.checkedAt, { seconds: true })}.</p>
            </>
          ) : (
            <p className={page.muted}>Not checked yet: the panel looks at the services every few seconds once the stack is deployed.</p>
          )}
        </section>
      </div>

      {live ? (
        <section className={`${ui.card} ${page.section}`} aria-labelledby="credentials-heading" data-testid="credentials">
          <h2 id="credentials-heading" className={page.sectionTitle}>
            {admin ? "Credentials" : "Mautic login"}
          </h2>
          {credentials ? (
            <>
              <Notice tone="warning" live={false} title="Shown only on this page, only now">
                <p>Copy what you need, then hide them. Revealing them again is recorded again.</p>
              </Notice>
              <CopyField id="credential-login-url" label="Mautic sign-in page" value={credentials.loginUrl} />
              <FieldRow>
                <CopyField id="credential-admin-user" label="Mautic admin user" value={credentials.adminUser} />
                <CopyField id="credential-admin-password" label="Mautic admin password" value={credentials.adminPassword} />
              </FieldRow>
              {credentials.full ? (
                <>
                  <h3 className={page.sectionTitle}>Database</h3>
                  <FieldRow>
                    {credentials.database ? <CopyField id="credential-database" label="Database name" value={credentials.database} /> : null}
                    {credentials.databaseUser ? <CopyField id="credential-database-user" label="Database user" value={credentials.databaseUser} /> : null}
                  </FieldRow>
                  <FieldRow>
                    {credentials.databasePassword ? (
                      <CopyField id="credential-database-password" label="Database password" value={credentials.databasePassword} />
                    ) : null}
                    {credentials.databaseRootPassword ? (
                      <CopyField id="credential-database-root-password" label="Database root password" value={credentials.databaseRootPassword} />
                    ) : null}
                  </FieldRow>
                  <h3 className={page.sectionTitle}>Mailer</h3>
                  {credentials.mailerDsn ? (
                    <CopyField id="credential-mailer-dsn" label="Mailer DSN" value={credentials.mailerDsn} />
                  ) : (
                    <p>This tenant has no mailer DSN.</p>
                  )}
                </>
              ) : null}
              {hydrated ? (
                <Button type="button" onClick={() => setHiddenCredentials(credentials)}>
                  Hide {admin ? "credentials" : "the login"}
                </Button>
              ) : (
                <Link to={here}>Hide {admin ? "credentials" : "the login"}</Link>
              )}
            </>
          ) : (
            <>
              <p>
                {admin
                  ? "The Mautic administrator's login, the database credentials and the mailer DSN, decrypted for you."
                  : "The sign-in of your Mautic's administrator account."}{" "}
                Each reveal is recorded in the tenant&apos;s events and the audit log.
              </p>
              {revealed?.error ? <Notice tone="error">{revealed.error}</Notice> : null}
              <reveal.Form method="post" action={here}>
                <input type="hidden" name="intent" value="reveal" />
                <Button busy={reveal.state !== "idle"} busyLabel="Revealing…">
                  {admin ? "Reveal credentials" : "Reveal Mautic login"}
                </Button>
              </reveal.Form>
            </>
          )}
        </section>
      ) : null}

      {admin && live ? (
        <div className={`${page.grid} ${page.section}`}>
          <section className={ui.card} aria-labelledby="settings-heading">
            <h2 id="settings-heading" className={page.sectionTitle}>
              Settings
            </h2>
            {edited?.error ? <Notice tone="error">{edited.error}</Notice> : null}
            <edit.Form method="post" action={here} noValidate ref={editForm}>
              <input type="hidden" name="intent" value="update" />
              <TextField name="name" label="Name" defaultValue={edited?.values?.name ?? tenant.name} error={editErrors.name} autoComplete="off" required />
              <SelectField
                name="plan"
                label="Plan"
                defaultValue={edited?.values?.plan ?? tenant.plan}
                error={editErrors.plan}
                options={(plans.some((p) => p.name === tenant.plan) ? plans : [{ name: tenant.plan, label: tenant.plan, isDefault: false }, ...plans]).map((p) => ({
                  value: p.name,
                  label: p.label,
                }))}
                hint="Memory and CPU limits. A new plan is applied by a redeploy (queued at once for an ACTIVE tenant)."
              />
              <TextField
                name="mailerDsn"
                label="New mailer DSN"
                autoComplete="off"
                spellCheck={false}
                error={editErrors.mailerDsn}
                hint="Write-only: the current DSN is never shown here (reveal the credentials to see it). Leave empty to keep it."
              />
              <CheckboxField
                name="clientMayRestore"
                label="Let the owner restore backups"
                defaultChecked={edited?.values?.clientMayRestore ?? tenant.clientMayRestore}
                hint="The owner can then put any of this tenant's backups back over it themself. Admins always can."
              />
              <CheckboxField
                name="removeDsn"
                label="Remove the mailer DSN"
                defaultChecked={edited?.values?.removeDsn ?? false}
                hint="Mautic then has no way to send e-mail until a new DSN is set."
              />
              <Button variant="primary" busy={edit.state !== "idle"} busyLabel="Saving…">
                Save changes
              </Button>
            </edit.Form>
          </section>
          <section className={ui.card} aria-labelledby="actions-heading">
            <h2 id="actions-heading" className={page.sectionTitle}>
              Actions
            </h2>
            {operated?.error ? <Notice tone="error">{operated.error}</Notice> : null}
            {operations.length > 0 ? (
              <ButtonRow>
                {operations.map((o) => (
                  <operate.Form method="post" action={here} key={o.intent}>
                    <input type="hidden" name="intent" value={o.intent} />
                    <Button busy={operating === o.intent} busyLabel={o.busy}>
                      {o.label}
                    </Button>
                  </operate.Form>
                ))}
              </ButtonRow>
            ) : (
              <p className={page.muted}>
                {tenant.status === "DELETING"
                  ? "The tenant is being deleted."
                  : tenant.status === "MAINTENANCE"
                    ? "A restore or an upgrade is under way; the other actions come back when it ends."
                  : `Nothing to do while the tenant is ${tenant.status}: suspend, resume and redeploy become available once provisioning has finished.`}
              </p>
            )}
            {tenant.status === "ACTIVE" && tenant.upgradeImages.length > 0 ? (
              <upgrade.Form method="post" action={here} className={page.toolbar} data-testid="upgrade-form">
                <input type="hidden" name="intent" value="upgrade" />
                <SelectField
                  name="mauticImage"
                  id="upgrade-image"
                  label="Upgrade to"
                  error={upgraded?.fieldErrors?.mauticImage ?? upgraded?.error}
                  options={tenant.upgradeImages.map((image) => ({ value: image, label: image }))}
                  hint={`Now ${tenant.mauticImage}. A backup is taken first; if the new version does not come up, it is restored on the current one.`}
                />
                <div data-shrink="">
                  <Button busy={upgrade.state !== "idle"} busyLabel="Requesting…">
                    Upgrade
                  </Button>
                </div>
              </upgrade.Form>
            ) : null}
            {tenant.status !== "DELETING" ? (
              <ConfirmForm
                id="delete-tenant"
                form={remove.Form}
                action={here}
                intent="delete"
                phrase={tenant.domain}
                description="Removes the tenant's stack. Its data (volumes) is kept unless you tick the box."
                submitLabel="Delete tenant"
                error={removed?.fieldErrors?.confirm ?? removed?.fieldErrors?.finalBackup ?? removed?.error}
                busy={remove.state !== "idle"}
              >
                <CheckboxField name="deleteData" label="Also delete all its data (volumes, secrets and configs). This cannot be undone." />
                <CheckboxField
                  name="skipFinalBackup"
                  label="Without a final backup"
                  hint="With the data, a final backup is taken first and kept for a while; the delete stops if it fails. It needs the tenant ACTIVE."
                />
              </ConfirmForm>
            ) : null}
          </section>
        </div>
      ) : null}

      {live || (admin && backups.backups.length > 0) ? (
        <BackupsSection
          backups={backups.backups}
          more={backups.more}
          schedule={backups.schedule}
          canBackUp={tenant.status === "ACTIVE"}
          deleted={!live}
          form={backup.Form}
          action={here}
          busy={backup.state !== "idle"}
          error={backedUp?.error}
          restore={{
            allowed: live && (admin || tenant.clientMayRestore),
            blockedBy:
              tenant.status === "ACTIVE" || tenant.status === "ERROR"
                ? null
                : `A backup can be restored while the tenant is ACTIVE, or in ERROR after provisioning; it is ${tenant.status} now.`,
            phrase: tenant.domain,
            form: restore.Form,
            busy: restore.state !== "idle",
            error: restored?.error,
          }}
          clone={{ allowed: admin, form: cloning.Form, busy: cloning.state !== "idle", error: cloned?.error, fieldErrors: cloned?.fieldErrors ?? {} }}
        />
      ) : null}

      <section aria-labelledby="log" className={page.section}>
        <h2 id="log" className={`${page.sectionTitle} ${t.logTitle}`}>
          Event log{" "}
          <span className={page.muted} data-testid="event-log-state">
            {connected ? "(live)" : hydrated ? "(not live: reconnecting)" : "(reload the page for new events)"}
          </span>
        </h2>
        <ol
          ref={logBox}
          className={t.log}
          aria-live="polite"
          aria-label="Events, oldest first"
          tabIndex={0}
          data-testid="event-log"
          onScroll={(event) => {
            const box = event.currentTarget;
            followLog.current = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
          }}
        >
          {events.map((e) => (
            <li key={e.id}>
              <span className={t.logLevel[e.level]}>
                {e.createdAt.slice(11, 19)} {e.level.padEnd(5)}
              </span>{" "}
              {e.phase ? `[${e.phase}] ` : ""}
              {e.message}
            </li>
          ))}
        </ol>
      </section>

      <Outlet />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
