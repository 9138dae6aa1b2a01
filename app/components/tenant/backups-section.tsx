/**
 * The Backups section of a tenant's page: the newest backups with their state, size and checksum,
 * and "Back up now" for an ADMIN or the tenant's owner while the tenant is ACTIVE.
 */
import type { FetcherWithComponents } from "@remix-run/react";
import type { BackupRow } from "../../utils/backups.server";
import * as page from "../page.css";
import { Badge, Button, ConfirmForm, FieldRow, formatDateTime, Notice, SelectField, Table, Td, TextField, Th, type BadgeTone } from "../ui";
import * as ui from "../ui.css";

/** A backup as the page shows it (its size already in words). */
export type BackupView = BackupRow & { sizeText: string | null };

const STATUS_TONE: Record<string, BadgeTone> = { QUEUED: "neutral", RUNNING: "info", SUCCEEDED: "success", FAILED: "danger", EXPIRED: "neutral" };
const TRIGGER_TEXT: Record<string, string> = { MANUAL: "manual", SCHEDULE: "scheduled", PRE_UPGRADE: "before an upgrade", PRE_DELETE: "before deletion" };

export function BackupsSection(props: {
  backups: readonly BackupView[];
  more: boolean;
  /** The tenant is ACTIVE: a backup can be taken now. */
  canBackUp: boolean;
  /** The tenant is deleted (its backups are listed for an ADMIN, to copy from). */
  deleted: boolean;
  schedule: string;
  form: FetcherWithComponents<unknown>["Form"];
  action: string;
  busy: boolean;
  error: string | null | undefined;
  /** Offer "Restore a backup" (an ADMIN, or the owner when allowed, on a deployed tenant). */
  restore: {
    allowed: boolean;
    /** Why not, when the viewer may restore but the tenant's status does not let them now. */
    blockedBy: string | null;
    /** The phrase to type (the tenant's domain). */
    phrase: string;
    form: FetcherWithComponents<unknown>["Form"];
    busy: boolean;
    error: string | null | undefined;
  };
  /** Offer "Copy into a new tenant" (ADMIN). */
  clone: {
    allowed: boolean;
    form: FetcherWithComponents<unknown>["Form"];
    busy: boolean;
    error: string | null | undefined;
    fieldErrors: Record<string, string>;
  };
}) {
  const { backups, form: BackupForm, restore, clone } = props;
  const CloneForm = clone.form;
  const restorable = backups.filter((b) => b.status === "SUCCEEDED");
  return (
    <section className={`${ui.card} ${page.section}`} aria-labelledby="backups-heading" data-testid="backups">
      <h2 id="backups-heading" className={page.sectionTitle}>
        Backups
      </h2>
      <p>
        Each backup holds the database and the config and media files, in one archive on the tenant&apos;s node. {props.schedule} Mautic keeps
        serving while a backup runs.
      </p>
      {props.error ? <Notice tone="error">{props.error}</Notice> : null}
      {props.deleted ? (
        <p className={page.muted}>The tenant is deleted: its backups stay until their keep time ends, and can be copied into a new tenant.</p>
      ) : props.canBackUp ? (
        <BackupForm method="post" action={props.action}>
          <input type="hidden" name="intent" value="backup" />
          <Button busy={props.busy} busyLabel="Requesting…">
            Back up now
          </Button>
        </BackupForm>
      ) : (
        <p className={page.muted}>A backup can be taken while the tenant is ACTIVE: its database must be running.</p>
      )}
      {backups.length === 0 ? (
        <p className={page.muted} data-testid="backups-empty">
          No backup yet.
        </p>
      ) : (
        <Table caption="Backups, newest first" captionHidden data-testid="backup-list">
          <thead>
            <tr>
              <Th>Taken (UTC)</Th>
              <Th>Why</Th>
              <Th>State</Th>
              <Th>Size</Th>
              <Th>Archive</Th>
            </tr>
          </thead>
          <tbody>
            {backups.map((b) => (
              <tr key={b.id} data-testid="backup-row">
                <Td nowrap>{formatDateTime(b.createdAt, { zone: false })}</Td>
                <Td>{TRIGGER_TEXT[b.trigger] ?? b.trigger}</Td>
                <Td>
                  <Badge tone={STATUS_TONE[b.status] ?? "neutral"}>{b.status}</Badge>
                  {b.error ? <div className={page.muted}>{b.error}</div> : null}
                  {b.expiresAt && b.status === "SUCCEEDED" ? <div className={page.muted}>Kept until {formatDateTime(b.expiresAt)}</div> : null}
                </Td>
                <Td nowrap>{b.sizeText ?? "—"}</Td>
                <Td mono>
                  <div>{b.location ?? b.name}</div>
                  {b.sha256 ? <div className={page.muted} title={`SHA-256 ${b.sha256}`}>sha256 {b.sha256.slice(0, 16)}…</div> : null}
                  <div className={page.muted}>{b.mauticImage}</div>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {props.more ? <p className={page.muted}>Older backups are listed by the API (`backups`).</p> : null}
      {restore.allowed && restorable.length > 0 ? (
        <>
          <h3 className={page.sectionTitle}>Restore a backup</h3>
          {restore.blockedBy ? (
            <p className={page.muted}>{restore.blockedBy}</p>
          ) : (
            <ConfirmForm
              id="restore-backup"
              form={restore.form}
              action={props.action}
              intent="restore"
              phrase={restore.phrase}
              description="Mautic stops; its database and its config and media files go back to the backup, and it starts again on the image the backup was taken with. Everything changed since the backup is lost."
              submitLabel="Restore this backup"
              error={restore.error}
              busy={restore.busy}
            >
              <SelectField
                name="backupId"
                id="restore-backup-id"
                label="Backup"
                options={restorable.map((b) => ({ value: b.id, label: `${formatDateTime(b.createdAt)} · ${TRIGGER_TEXT[b.trigger] ?? b.trigger} · ${b.mauticImage}` }))}
              />
            </ConfirmForm>
          )}
        </>
      ) : null}
      {clone.allowed && restorable.length > 0 ? (
        <>
          <h3 className={page.sectionTitle}>Copy a backup into a new tenant</h3>
          <p className={page.muted}>
            For a restore drill, or to move the tenant to another domain: the copy belongs to the same client and runs the backup&apos;s image.
          </p>
          {clone.error ? <Notice tone="error">{clone.error}</Notice> : null}
          <CloneForm method="post" action={props.action} noValidate data-testid="clone-form">
            <input type="hidden" name="intent" value="clone" />
            <SelectField
              name="backupId"
              id="clone-backup-id"
              label="Backup"
              options={restorable.map((b) => ({ value: b.id, label: `${formatDateTime(b.createdAt)} · ${TRIGGER_TEXT[b.trigger] ?? b.trigger} · ${b.mauticImage}` }))}
            />
            <FieldRow>
              <TextField name="name" id="clone-name" label="New tenant's name" error={clone.fieldErrors.name} autoComplete="off" required />
              <TextField name="domain" id="clone-domain" label="New tenant's domain" error={clone.fieldErrors.domain} autoComplete="off" required />
            </FieldRow>
            <Button busy={clone.busy} busyLabel="Creating…">
              Create the copy
            </Button>
          </CloneForm>
        </>
      ) : null}
    </section>
  );
}
