import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import * as styles from "../components/page.css";
import { Button, CopyField, formatDateTime, Notice } from "../components/ui";
import * as t from "../components/tenant.css";
import * as ui from "../components/ui.css";
import { useLiveEvents } from "../components/use-live-events";
import { getUser } from "../utils/auth.server";
import { withFlash } from "../utils/flash";
import { dropOwnerInvite, peekOwnerInvite } from "../utils/owner-invites.server";
import { deleteTenant, getTenant, TENANT_ACTIONS, tenantAction, type TenantAction } from "../utils/tenants.server";
import type { loader as shellLoader } from "./_app";

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [{ title: `${loaded?.tenant.name ?? "Tenant"} · Mautic tenant panel` }];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const loaded = await getTenant(context, params.id!);
  // A new owner's set-password link, handed over from the create-tenant action (see owner-invites.server.ts).
  const handle = new URL(request.url).searchParams.get("invite");
  if (!handle) return { ...loaded, invite: null, inviteHandle: null, inviteGone: false };
  const viewer = await getUser(context);
  const invite = viewer ? peekOwnerInvite(handle, viewer.id, loaded.tenant.id) : null;
  return data({ ...loaded, invite, inviteHandle: invite ? handle : null, inviteGone: !invite }, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  if (intent === "hide-invite") {
    const viewer = await getUser(context);
    if (viewer) dropOwnerInvite(String(form.get("invite") ?? ""), viewer.id);
    throw redirect(withFlash(`/tenants/${params.id}`, "invite-hidden"));
  }
  if (intent === "delete") {
    const result = await deleteTenant(context, params.id!, form.get("deleteData") === "on", String(form.get("confirm") ?? ""));
    if (result.__typename === "MutationDeleteTenantSuccess") throw redirect(`/tenants/${params.id}`);
    const fieldError = (result as { fieldErrors?: { message: string }[] }).fieldErrors?.[0]?.message;
    return data({ error: fieldError ?? (result as { message: string }).message, intent }, { status: 400 });
  }
  if (!(TENANT_ACTIONS as readonly string[]).includes(intent)) return data({ error: "Unknown action.", intent }, { status: 400 });
  const result = await tenantAction(context, intent as TenantAction, params.id!);
  if (result.__typename.endsWith("Success")) throw redirect(`/tenants/${params.id}`);
  return data({ error: (result as { message: string }).message, intent }, { status: 409 });
}

/** Events after which the page's facts (status, phase, health) are fetched again. */
const REFRESHING = /^(status\.|tenant\.|phase\.(started|failed)|health\.|job\.failed|drift\.)/;

export default function TenantPage() {
  const { tenant, events: initial, invite, inviteHandle, inviteGone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const shell = useRouteLoaderData<typeof shellLoader>("routes/_app");
  const admin = shell?.user.role === "ADMIN";
  const revalidator = useRevalidator();
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { events, connected } = useLiveEvents(tenant.id, initial, (event) => {
    if (!REFRESHING.test(event.type)) return;
    if (pending.current) clearTimeout(pending.current);
    pending.current = setTimeout(() => revalidator.revalidate(), 150);
  });
  const logEnd = useRef<HTMLLIElement>(null);
  // NOTE: a block body on purpose: newer browsers return a Promise from scrollIntoView, and React
  // would take a returned value for a cleanup function.
  useEffect(() => {
    void logEnd.current?.scrollIntoView({ block: "nearest" });
  }, [events.length]);

  return (
    <>
      <div className={t.inline}>
        <h1 className={styles.title}>{tenant.name}</h1>
        <span className={t.status[tenant.status as keyof typeof t.status] ?? t.status.PENDING} data-testid="tenant-status">{tenant.status}</span>
        {tenant.phase ? <span>{tenant.phase}</span> : null}
      </div>
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
          <Form method="post">
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
      {result?.error ? <div role="alert" className={ui.alert.error}>{result.error}</div> : null}
      {tenant.lastError ? <div role="status" className={ui.alert.error}>{tenant.lastError}</div> : null}
      <div className={styles.grid}>
        <section className={ui.card} aria-labelledby="facts">
          <h2 id="facts">Instance</h2>
          <dl className={styles.facts}>
            <dt>URL</dt>
            <dd><a href={tenant.url} target="_blank" rel="noreferrer">{tenant.url}</a></dd>
            <dt>Owner</dt>
            <dd>{tenant.owner.email}</dd>
            <dt>Plan</dt>
            <dd>{tenant.plan}</dd>
            <dt>Image</dt>
            <dd><code>{tenant.mauticImage}</code></dd>
            <dt>Stack</dt>
            <dd>{tenant.stackName ?? "—"}{tenant.node ? ` on ${tenant.node}` : ""}</dd>
          </dl>
        </section>
        <section className={ui.card} aria-labelledby="health">
          <h2 id="health">Health{tenant.health ? `: ${tenant.health.overall}` : ""}</h2>
          {tenant.health ? (
            <table className={t.table}>
              <thead><tr><th className={t.cell} scope="col">Service</th><th className={t.cell} scope="col">Tasks</th><th className={t.cell} scope="col">State</th></tr></thead>
              <tbody>
                {tenant.health.services.map((s) => (
                  <tr key={s.service}>
                    <td className={t.cell}>{s.service}</td>
                    <td className={t.cell}>{s.running}/{s.desired}</td>
                    <td className={t.cell}>{s.state}{s.message ? `: ${s.message}` : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className={styles.muted}>Not checked yet.</p>
          )}
        </section>
      </div>
      {admin && tenant.status !== "DELETED" ? (
        <section className={ui.card} aria-labelledby="actions" style={{ marginTop: "1.5rem" }}>
          <h2 id="actions">Actions</h2>
          <div className={t.inline}>
            {([
              ["retry", "Retry", tenant.status === "ERROR"],
              ["suspend", "Suspend", tenant.status === "ACTIVE" || tenant.status === "ERROR"],
              ["resume", "Resume", tenant.status === "SUSPENDED"],
              ["redeploy", "Redeploy", tenant.status === "ACTIVE" || tenant.status === "ERROR"],
            ] as const)
              .filter(([, , allowed]) => allowed)
              .map(([intent, label]) => (
                <Form method="post" key={intent}>
                  <button type="submit" name="intent" value={intent} className={ui.button.quiet}>{label}</button>
                </Form>
              ))}
          </div>
          {tenant.status !== "DELETING" ? (
            <Form method="post" className={t.toolbar} style={{ marginTop: "1rem" }}>
              <div className={ui.field}>
                <label htmlFor="confirm" className={ui.label}>Type {tenant.domain} to delete</label>
                <input id="confirm" name="confirm" className={ui.input} autoComplete="off" />
              </div>
              <div className={ui.field}>
                <label className={ui.label}><input type="checkbox" name="deleteData" /> Also delete all data (volumes)</label>
              </div>
              <div className={ui.field}>
                <button type="submit" name="intent" value="delete" className={ui.button.quiet}>Delete</button>
              </div>
            </Form>
          ) : null}
        </section>
      ) : null}
      <section aria-labelledby="log" style={{ marginTop: "1.5rem" }}>
        <h2 id="log">Event log <span className={styles.muted}>{connected ? "(live)" : "(not live: reconnecting)"}</span></h2>
        <ol className={t.log} aria-live="polite" data-testid="event-log">
          {events.map((e) => (
            <li key={e.id}>
              <span className={t.logLevel[e.level]}>{e.createdAt.slice(11, 19)} {e.level.padEnd(5)}</span> {e.phase ? `[${e.phase}] ` : ""}{e.message}
            </li>
          ))}
          <li ref={logEnd} aria-hidden="true" />
        </ol>
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary inShell />;
}
