/**
 * Tenants: creation and the lifecycle operations an admin (or, for some, the owner) can ask
 * for. Each operation validates, writes the change, its event and its job in one transaction,
 * then wakes the worker. The worker does the work (server/provisioning).
 */
import { randomUUID } from "node:crypto";
import type { Config } from "../config/env";
import { generatePassword } from "../crypto";
import type { PrismaClient } from "../db/client";
import { ConflictError, NotFoundError, TooManyAttemptsError, ValidationError } from "../errors";
import type { Actor, Emit, TenantEventLog, Tx } from "../events/tenant-events";
import type { EventBus } from "../events/event-bus";
import type { JobType, TenantStatus } from "../generated/prisma/enums";
import { Prisma, type Tenant } from "../generated/prisma/client";
import type { IssuedPasswordLink } from "../auth/password-links";
import type { UserService } from "../auth/users";
import type { BackupService } from "../backups/backup-service";
import { RateLimiter } from "../auth/throttle";
import { normalizeEmail } from "../auth/validation";
import { assertTenantIdle, cancelQueuedJobs, enqueueJob } from "../provisioning/job-queue";
import { compareImageVersions } from "../stacks/image-versions";
import { parseCreateTenantInput, parseUpdateTenantInput, slugFromName, type CreateTenantInput, type UpdateTenantInput } from "./tenant-input";
import { TenantSecretBox } from "./tenant-secrets";

export const MAUTIC_ADMIN_USER = "admin";

type Operation = "retry" | "suspend" | "resume" | "redeploy";

/** Which statuses allow which operation, and the job it queues. */
const OPERATIONS: Record<Operation, { from: TenantStatus[]; job: JobType | "last-failed"; verb: string }> = {
  retry: { from: ["ERROR"], job: "last-failed", verb: "retried" },
  suspend: { from: ["ACTIVE", "ERROR"], job: "SUSPEND", verb: "suspended" },
  resume: { from: ["SUSPENDED"], job: "RESUME", verb: "resumed" },
  redeploy: { from: ["ACTIVE", "ERROR"], job: "REDEPLOY", verb: "redeployed" },
};

/** Credential reveals allowed per account and hour. */
export const CREDENTIAL_REVEALS_PER_HOUR = 30;

/** A tenant's credentials as revealed to one caller; the database set and DSN are null for a CLIENT. */
export interface TenantCredentials {
  tenantId: string;
  /** Where the Mautic admin signs in. */
  loginUrl: string;
  adminUser: string;
  adminPassword: string;
  /** True when the database set and mailer DSN were included (ADMIN). */
  full: boolean;
  database: string | null;
  databaseUser: string | null;
  databasePassword: string | null;
  databaseRootPassword: string | null;
  mailerDsn: string | null;
}

/** The fields of a tenant an update changed, and whether a redeploy was queued for them. */
export interface TenantUpdateResult {
  tenant: Tenant;
  changed: ("name" | "plan" | "mailerDsn" | "clientMayRestore")[];
  redeployQueued: boolean;
}

export class TenantService {
  readonly secrets: TenantSecretBox;
  private readonly reveals = new RateLimiter({ windowMs: 3_600_000, limit: CREDENTIAL_REVEALS_PER_HOUR });

  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: Config,
    private readonly events: TenantEventLog,
    private readonly bus: EventBus,
    /** Called after a job was queued (wakes the worker). */
    private readonly onJobQueued: () => void,
    /** Creates the owner's account when `ownerEmail` names nobody yet. */
    private readonly users: UserService,
    /** Queues the final backup of a delete with data. */
    private readonly backups: BackupService,
  ) {
    this.secrets = new TenantSecretBox(config.appSecret);
  }

  /**
   * Creates a tenant (PENDING) with its generated secrets and its provision job, atomically.
   * The owner is a CLIENT account, by id or e-mail; an e-mail that names nobody yet creates
   * that CLIENT (without a password) and its INVITE link in the same transaction, returned as
   * `ownerInvite`: if the tenant cannot be created, neither is the account.
   */
  async create(
    input: CreateTenantInput,
    actor: Actor,
    options: {
      createdById?: string | null;
      /** A copy of a backup: provisioned like any tenant, then the backup is restored into it (see clone). */
      clone?: { backupId: string; backupName: string; adminUser: string; adminPassword: string };
    } = {},
  ) {
    const parsed = parseCreateTenantInput(input, {
      // A clone runs the image its backup was taken with, even one no longer offered for new tenants.
      allowedImages: options.clone && input.mauticImage ? [...new Set([...this.config.stacks.mauticImages, input.mauticImage])] : this.config.stacks.mauticImages,
      plans: this.config.stacks.plans,
    });
    const id = randomUUID();
    const seal = (name: Parameters<TenantSecretBox["seal"]>[1], value: string) => this.secrets.seal(id, name, value);
    const createdById = options.createdById !== undefined ? options.createdById : actor.type === "USER" ? actor.id : null;

    try {
      const { tenant, ownerInvite } = await this.events.transaction(async (tx, emit) => {
        const existingOwner = await this.findOwner(tx, input);
        if (await tx.tenant.findUnique({ where: { domain: parsed.domain }, select: { id: true } })) {
          throw new ConflictError(`The domain ${parsed.domain} already belongs to a tenant.`, "domain");
        }
        const slug = parsed.slug ?? (await this.freeSlug(tx, slugFromName(parsed.name)));
        if (parsed.slug && (await tx.tenant.findUnique({ where: { slug }, select: { id: true } }))) {
          throw new ConflictError(`The slug ${slug} is already taken.`, "slug");
        }
        let owner: { id: string; email: string } | null = existingOwner;
        let ownerInvite: IssuedPasswordLink | null = null;
        if (!owner) {
          const account = await this.users
            .create({ email: input.ownerEmail ?? "", role: "CLIENT" }, { createdById, tx })
            .catch((error: unknown) => {
              // Another request created this account a moment ago: name this input's field.
              throw error instanceof ConflictError ? new ConflictError(error.message, "ownerEmail") : error;
            });
          owner = account;
          ownerInvite = account.setPasswordLink;
        }
        const created = await tx.tenant.create({
          data: {
            id,
            name: parsed.name,
            slug,
            domain: parsed.domain,
            ownerId: owner.id,
            mauticImage: parsed.mauticImage,
            plan: parsed.plan,
            mysqlDatabase: "mautic",
            mysqlUser: "mautic",
            mysqlPasswordEnc: seal("mysqlPassword", generatePassword()),
            mysqlRootPasswordEnc: seal("mysqlRootPassword", generatePassword()),
            // A clone's database holds its source's Mautic accounts: the admin login is the source's.
            mauticAdminUser: options.clone?.adminUser ?? MAUTIC_ADMIN_USER,
            mauticAdminPasswordEnc: seal("mauticAdminPassword", options.clone?.adminPassword ?? generatePassword()),
            mailerDsnEnc: parsed.mailerDsn ? seal("mailerDsn", parsed.mailerDsn) : null,
          },
        });
        await enqueueJob(tx, { type: "PROVISION", tenantId: id, actor, ...(options.clone ? { payload: { cloneFrom: options.clone.backupId } } : {}) });
        await emit({
          tenantId: id,
          type: "tenant.created",
          message: `Tenant ${created.name} (${created.domain}) created for ${owner.email}${ownerInvite ? " (a new CLIENT account, invited to choose a password)" : ""}; provisioning is queued${options.clone ? `, then backup ${options.clone.backupName} is copied into it` : ""}.`,
          data: {
            slug,
            domain: created.domain,
            plan: created.plan,
            mauticImage: created.mauticImage,
            ownerId: owner.id,
            ownerCreated: ownerInvite !== null,
            clonedFrom: options.clone?.backupId ?? null,
          },
          actor,
        });
        return { tenant: created, owner, ownerInvite };
      });
      this.changed(tenant.id, tenant.status, tenant.phase);
      this.onJobQueued();
      return { ...tenant, ownerInvite };
    } catch (error) {
      // Two creations racing for one domain or slug: the unique index decides.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        const target = String((error.meta as { target?: unknown } | undefined)?.target ?? "");
        const field = target.includes("slug") ? "slug" : "domain";
        throw new ConflictError(`That ${field} already belongs to a tenant.`, field);
      }
      throw error;
    }
  }

  async retry(id: string, actor: Actor) {
    return this.operate("retry", id, actor);
  }

  async suspend(id: string, actor: Actor) {
    return this.operate("suspend", id, actor);
  }

  async resume(id: string, actor: Actor) {
    return this.operate("resume", id, actor);
  }

  async redeploy(id: string, actor: Actor) {
    return this.operate("redeploy", id, actor);
  }

  /**
   * Changes a tenant's name, plan or mailer DSN (validated like creation; nothing changes when a
   * field is invalid). A plan or DSN change on an ACTIVE tenant queues a redeploy in the same
   * transaction; on any other status it applies at the next deploy. The DSN is stored encrypted
   * and never appears in the event.
   */
  async update(id: string, input: UpdateTenantInput, actor: Actor): Promise<TenantUpdateResult> {
    const parsed = parseUpdateTenantInput(input, { plans: this.config.stacks.plans });
    const result = await this.events.transaction(async (tx, emit): Promise<TenantUpdateResult> => {
      const current = await this.require(tx, id);
      if (current.status === "DELETING" || current.status === "DELETED") {
        throw new ConflictError(`A ${current.status.toLowerCase()} tenant cannot be changed.`);
      }
      const currentDsn = current.mailerDsnEnc ? this.secrets.open(id, "mailerDsn", current.mailerDsnEnc) : null;
      const data: Prisma.TenantUpdateInput = {};
      const changed: TenantUpdateResult["changed"] = [];
      const details: Record<string, unknown> = {};
      const said: string[] = [];
      if (parsed.name !== undefined && parsed.name !== current.name) {
        data.name = parsed.name;
        changed.push("name");
        details.name = { from: current.name, to: parsed.name };
        said.push(`name “${current.name}” → “${parsed.name}”`);
      }
      if (parsed.plan !== undefined && parsed.plan !== current.plan) {
        data.plan = parsed.plan;
        changed.push("plan");
        details.plan = { from: current.plan, to: parsed.plan };
        said.push(`plan ${current.plan} → ${parsed.plan}`);
      }
      if (parsed.mailerDsn !== undefined && parsed.mailerDsn !== currentDsn) {
        data.mailerDsnEnc = parsed.mailerDsn === null ? null : this.secrets.seal(id, "mailerDsn", parsed.mailerDsn);
        changed.push("mailerDsn");
        const how = parsed.mailerDsn === null ? "removed" : currentDsn === null ? "set" : "replaced";
        details.mailerDsn = how;
        said.push(`mailer DSN ${how}`);
      }
      if (parsed.clientMayRestore !== undefined && parsed.clientMayRestore !== current.clientMayRestore) {
        data.clientMayRestore = parsed.clientMayRestore;
        changed.push("clientMayRestore");
        details.clientMayRestore = parsed.clientMayRestore;
        said.push(parsed.clientMayRestore ? "the owner may now restore backups" : "the owner may no longer restore backups");
      }
      if (changed.length === 0) return { tenant: current, changed, redeployQueued: false };

      const deployed = changed.some((field) => field === "plan" || field === "mailerDsn");
      if (deployed) {
        // The stack is built from these at the next deploy; a job in flight would mix old and new.
        await assertTenantIdle(tx, id, { hint: "Change the plan or mailer DSN once it has finished." });
      }
      const tenant = await tx.tenant.update({ where: { id }, data });
      const redeploy = deployed && current.status === "ACTIVE";
      const applies = !deployed
        ? ""
        : redeploy
          ? " A redeploy is queued to apply it."
          : ` It applies at the next deploy (the tenant is ${current.status}; redeploy it${current.status === "ERROR" ? " or retry provisioning" : ""} once it is running).`;
      await emit({
        tenantId: id,
        type: "tenant.updated",
        message: `Tenant updated: ${said.join(", ")}.${applies}`,
        data: { changed, ...details, redeployQueued: redeploy },
        actor,
      });
      if (redeploy) await this.queueOperation(tx, emit, "redeploy", current, actor);
      return { tenant, changed, redeployQueued: redeploy };
    });
    if (result.redeployQueued) this.onJobQueued();
    if (result.changed.length > 0) this.changed(result.tenant.id, result.tenant.status, result.tenant.phase);
    return result;
  }

  /**
   * Counts one credential reveal for `key` (the acting account); TooManyAttemptsError past
   * {@link CREDENTIAL_REVEALS_PER_HOUR} an hour.
   */
  limitReveals(key: string): void {
    const waitMs = this.reveals.take(key);
    if (waitMs > 0) throw new TooManyAttemptsError(waitMs / 1000, "credential reveals");
  }

  /**
   * Decrypts a tenant's credentials for a caller allowed to see the tenant (the caller decides):
   * `full` adds the database set and the mailer DSN (ADMIN). Records who saw which set, never
   * the values.
   */
  async revealCredentials(tenant: Tenant, options: { full: boolean; actor: Actor; who: string }): Promise<TenantCredentials> {
    const open = (name: Parameters<TenantSecretBox["open"]>[1], sealed: string) => this.secrets.open(tenant.id, name, sealed);
    const credentials: TenantCredentials = {
      tenantId: tenant.id,
      loginUrl: `https://${tenant.domain}/s/login`,
      adminUser: tenant.mauticAdminUser,
      adminPassword: open("mauticAdminPassword", tenant.mauticAdminPasswordEnc),
      full: options.full,
      database: options.full ? tenant.mysqlDatabase : null,
      databaseUser: options.full ? tenant.mysqlUser : null,
      databasePassword: options.full ? open("mysqlPassword", tenant.mysqlPasswordEnc) : null,
      databaseRootPassword: options.full ? open("mysqlRootPassword", tenant.mysqlRootPasswordEnc) : null,
      mailerDsn: options.full && tenant.mailerDsnEnc ? open("mailerDsn", tenant.mailerDsnEnc) : null,
    };
    const set = options.full
      ? `the Mautic admin login and the database credentials${tenant.mailerDsnEnc ? " and the mailer DSN" : ""}`
      : "the Mautic admin login";
    await this.events.record({
      tenantId: tenant.id,
      type: "credentials.revealed",
      level: "INFO",
      message: `${options.who} revealed ${set}.`,
      data: { set: options.full ? "FULL" : "LOGIN", mailerDsn: options.full && tenant.mailerDsnEnc !== null },
      actor: options.actor,
    });
    return credentials;
  }

  /**
   * Deletes a tenant: queued work is cancelled, the status becomes DELETING and a delete job
   * removes the stack (and, with `deleteData`, its volumes, secrets and configs).
   */
  /**
   * Deletes a tenant (DELETING, then a DELETE job). With `deleteData`, a final PRE_DELETE backup
   * is taken first unless `finalBackup` is false: it needs the database running (ACTIVE), and the
   * delete job stops, leaving everything in place, if that backup fails.
   */
  async delete(id: string, options: { deleteData: boolean; finalBackup: boolean }, actor: Actor) {
    const tenant = await this.events.transaction(async (tx, emit) => {
      const current = await this.require(tx, id);
      if (current.status === "DELETED") throw new ConflictError("This tenant is already deleted.");
      const openDelete = await tx.job.findFirst({ where: { tenantId: id, type: "DELETE", status: { in: ["QUEUED", "RUNNING"] } } });
      if (openDelete) throw new ConflictError("This tenant is already being deleted.");
      const withBackup = options.deleteData && options.finalBackup;
      if (withBackup && current.status !== "ACTIVE") {
        throw new ValidationError([
          {
            field: "finalBackup",
            message: `A final backup needs the tenant's database running, and this tenant is ${current.status}: resume or retry it first, or delete without a final backup`,
          },
        ]);
      }
      const cancelled = await cancelQueuedJobs(tx, id, "Superseded by a delete request.");
      // Queued before the delete job, so it runs first (a tenant's jobs run in queue order).
      const backup = withBackup ? await this.backups.queue(tx, emit, current, "PRE_DELETE", actor, { behindRunningJob: true }) : null;
      const updated = await tx.tenant.update({ where: { id }, data: { status: "DELETING", statusReason: null } });
      await enqueueJob(tx, { type: "DELETE", tenantId: id, payload: { deleteData: options.deleteData, ...(backup ? { finalBackupId: backup.id } : {}) }, actor });
      await emit({
        tenantId: id,
        type: "tenant.delete_requested",
        message: options.deleteData
          ? backup
            ? "Deletion requested: a final backup is taken first, then the stack, its volumes (all data), secrets and configs are removed."
            : "Deletion requested without a final backup: the stack, its volumes (all data), secrets and configs will be removed."
          : "Deletion requested: the stack will be removed; volumes with the data are kept.",
        data: { deleteData: options.deleteData, finalBackupId: backup?.id ?? null, cancelledJobs: cancelled, previousStatus: current.status },
        actor,
      });
      return updated;
    });
    this.changed(tenant.id, tenant.status, tenant.phase);
    this.onJobQueued();
    return tenant;
  }

  private async operate(operation: Operation, id: string, actor: Actor) {
    const tenant = await this.events.transaction(async (tx, emit) => {
      const current = await this.require(tx, id);
      const { status } = await this.queueOperation(tx, emit, operation, current, actor);
      return { ...current, status };
    });
    if (tenant.status !== "ERROR") this.changed(tenant.id, tenant.status, tenant.phase);
    this.onJobQueued();
    return tenant;
  }

  /**
   * Inside the caller's transaction: checks the operation is allowed from the tenant's status and
   * that nothing else runs for it, queues its job, moves the status and records the request.
   */
  private async queueOperation(tx: Tx, emit: Emit, operation: Operation, current: Tenant, actor: Actor): Promise<{ type: JobType; status: TenantStatus }> {
    const rule = OPERATIONS[operation];
    const id = current.id;
    if (!rule.from.includes(current.status)) {
      throw new ConflictError(`A ${current.status.toLowerCase()} tenant cannot be ${rule.verb} (allowed from ${rule.from.join(" or ")}).`);
    }
    await assertTenantIdle(tx, id);

    let type: JobType;
    let payload: Record<string, unknown> = {};
    if (rule.job === "last-failed") {
      // A failed backup never put the tenant in ERROR: what to retry is the last failed lifecycle job.
      const failed = await tx.job.findFirst({ where: { tenantId: id, status: "FAILED", type: { not: "BACKUP" } }, orderBy: { createdAt: "desc" } });
      type = failed?.type ?? "PROVISION";
      // Resume where it stopped: the payload carries the phase reached. The phase starts afresh, with
      // a new deadline: the old start would fail it at its first wait.
      const { phaseStartedAt: _started, ...progress } = failed ? (JSON.parse(failed.payload) as Record<string, unknown>) : {};
      payload = failed ? { ...progress, retried: true } : {};
    } else {
      type = rule.job;
    }
    await enqueueJob(tx, { type, tenantId: id, payload, actor });
    // A retried tenant leaves ERROR at once, so nobody sees a stale failure while it waits its turn.
    const status: TenantStatus =
      operation !== "retry" ? current.status : type === "DELETE" ? "DELETING" : type === "RESTORE" || type === "UPGRADE" ? "MAINTENANCE" : "PENDING";
    if (status !== current.status) await tx.tenant.update({ where: { id }, data: { status, statusReason: null } });
    await emit({
      tenantId: id,
      type: `tenant.${operation}_requested`,
      message: `${operation[0]!.toUpperCase()}${operation.slice(1)} requested${rule.job === "last-failed" ? ` (${type.toLowerCase()}${current.phase ? `, from ${current.phase}` : ""})` : ""}.`,
      data: { job: type, previousStatus: current.status },
      actor,
    });
    return { type, status };
  }

  /**
   * Upgrades an ACTIVE tenant to another allowed Mautic image: a PRE_UPGRADE backup and the UPGRADE
   * job are queued together (the backup runs first; the upgrade changes nothing unless it
   * succeeded). At most one upgrade per tenant: refused while any job of the tenant is open.
   */
  async upgrade(id: string, mauticImage: string, actor: Actor, options: { fleetItemId?: string } = {}) {
    const image = mauticImage.trim();
    const result = await this.events.transaction(async (tx, emit) => {
      const current = await this.require(tx, id);
      if (current.status === "DELETED") throw new NotFoundError("The tenant");
      if (!this.config.stacks.mauticImages.includes(image)) {
        throw new ValidationError([{ field: "mauticImage", message: `Choose one of the allowed images (${this.config.stacks.mauticImages.join(", ")})` }]);
      }
      if (image === current.mauticImage) throw new ValidationError([{ field: "mauticImage", message: `The tenant already runs ${image}` }]);
      if (compareImageVersions(image, current.mauticImage) < 0) {
        throw new ValidationError([
          { field: "mauticImage", message: `${image} is older than ${current.mauticImage}: Mautic cannot migrate its database back (restore a backup taken on that version instead)` },
        ]);
      }
      if (current.status !== "ACTIVE") throw new ConflictError(`A ${current.status.toLowerCase()} tenant cannot be upgraded: it must be ACTIVE (a failed upgrade is rolled back to a working tenant).`);
      const backup = await this.backups.queue(tx, emit, current, "PRE_UPGRADE", actor);
      await enqueueJob(tx, {
        type: "UPGRADE",
        tenantId: id,
        payload: { image, previousImage: current.mauticImage, backupId: backup.id, ...(options.fleetItemId ? { fleetItemId: options.fleetItemId } : {}) },
        actor,
        maxAttempts: 3,
      });
      await emit({
        tenantId: id,
        type: "upgrade.requested",
        message: `Upgrade from ${current.mauticImage} to ${image} requested: backup ${backup.name} first, then the new version; a failure rolls back.`,
        data: { from: current.mauticImage, to: image, backupId: backup.id, fleetItemId: options.fleetItemId ?? null },
        actor,
      });
      return { tenant: current, backup };
    });
    this.onJobQueued();
    return result;
  }

  /**
   * A new tenant from a backup (the restore drill, or a move): owned by the backup's owner (a
   * backup never goes to another client), on the backup's image, with the source's mailer DSN and
   * Mautic admin login. It is provisioned like any tenant, placed on the source's node when it has
   * room (the archive lives there, unless it is also in S3), then the backup is restored into it
   * with its site URL and database settings rewritten.
   */
  async clone(backupId: string, input: { name: string; domain: string; slug?: string | null; plan?: string | null }, actor: Actor) {
    const backup = await this.prisma.backup.findUnique({ where: { id: backupId }, include: { tenant: true } });
    if (!backup) throw new NotFoundError("The backup");
    if (backup.status !== "SUCCEEDED") throw new ConflictError(`Only a SUCCEEDED backup can be cloned; this one is ${backup.status}.`);
    const source = backup.tenant;
    return this.create(
      {
        name: input.name,
        domain: input.domain,
        slug: input.slug ?? null,
        ownerId: source.ownerId,
        mauticImage: backup.mauticImage,
        plan: input.plan ?? source.plan,
        mailerDsn: source.mailerDsnEnc ? this.secrets.open(source.id, "mailerDsn", source.mailerDsnEnc) : null,
      },
      actor,
      {
        clone: {
          backupId: backup.id,
          backupName: backup.name,
          adminUser: source.mauticAdminUser,
          adminPassword: this.secrets.open(source.id, "mauticAdminPassword", source.mauticAdminPasswordEnc),
        },
      },
    );
  }

  /**
   * Restores one of a tenant's SUCCEEDED backups over it (RESTORE job; the tenant is MAINTENANCE
   * until Mautic runs again). Whether the caller may is decided by the API (an ADMIN, or the owner
   * when `clientMayRestore`). The tenant must be deployed: ACTIVE, or ERROR (a restore can mend it).
   */
  async restore(backupId: string, actor: Actor) {
    const tenant = await this.events.transaction(async (tx, emit) => {
      const backup = await tx.backup.findUnique({ where: { id: backupId } });
      if (!backup) throw new NotFoundError("The backup");
      if (backup.status !== "SUCCEEDED") throw new ConflictError(`Only a SUCCEEDED backup can be restored; this one is ${backup.status}.`);
      const current = await this.require(tx, backup.tenantId);
      if (!["ACTIVE", "ERROR"].includes(current.status) || !current.stackName) {
        throw new ConflictError(`A ${current.status.toLowerCase()} tenant cannot be restored: it must be deployed (ACTIVE, or ERROR after provisioning).`);
      }
      await assertTenantIdle(tx, current.id);
      const updated = await tx.tenant.update({ where: { id: current.id }, data: { status: "MAINTENANCE", phase: null, statusReason: `Restoring backup ${backup.name}.` } });
      await enqueueJob(tx, { type: "RESTORE", tenantId: current.id, payload: { backupId: backup.id }, actor, maxAttempts: 3 });
      await emit({
        tenantId: current.id,
        type: "restore.requested",
        level: "WARN",
        message: `Restore of ${backup.name} requested: Mautic stops, its database and files go back to ${backup.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC (${backup.mauticImage}); what changed since is lost.`,
        data: { backupId: backup.id, previousStatus: current.status },
        actor,
      });
      return updated;
    });
    this.changed(tenant.id, tenant.status, tenant.phase);
    this.onJobQueued();
    return tenant;
  }

  private async require(tx: Tx, id: string) {
    const tenant = await tx.tenant.findUnique({ where: { id } });
    if (!tenant) throw new NotFoundError("The tenant");
    return tenant;
  }

  /**
   * The owner's existing account: by id (which must exist), else by e-mail (null when nobody has
   * it yet: the caller creates the account). Tenants belong to CLIENT accounts: an ADMIN is refused.
   */
  private async findOwner(tx: Tx, input: CreateTenantInput): Promise<{ id: string; email: string } | null> {
    const field = input.ownerId ? "ownerId" : "ownerEmail";
    const owner = input.ownerId
      ? await tx.user.findUnique({ where: { id: input.ownerId }, select: { id: true, email: true, role: true } })
      : await tx.user.findUnique({ where: { email: normalizeEmail(input.ownerEmail ?? "") }, select: { id: true, email: true, role: true } });
    if (!owner && input.ownerId) throw new ValidationError([{ field, message: "No account with this id exists" }]);
    if (owner?.role === "ADMIN") {
      throw new ValidationError([{ field, message: `${owner.email} is an ADMIN account; tenants belong to CLIENT accounts` }]);
    }
    return owner ? { id: owner.id, email: owner.email } : null;
  }

  /** `base`, or `base-2`, `base-3`… whichever is free. */
  private async freeSlug(tx: Tx, base: string): Promise<string> {
    const taken = new Set(
      (await tx.tenant.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((t) => t.slug),
    );
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) {
      const candidate = `${base}-${n}`;
      if (!taken.has(candidate)) return candidate;
    }
  }

  private changed(tenantId: string, status: string, phase: string | null): void {
    this.bus.publish("tenant:changed", { tenantId, status, phase });
  }
}
