/**
 * Tenants: creation and the lifecycle operations an admin (or, for some, the owner) can ask
 * for. Each operation validates, writes the change, its event and its job in one transaction,
 * then wakes the worker. The worker does the work (server/provisioning).
 */
import { randomUUID } from "node:crypto";
import type { Config } from "../config/env";
import { generatePassword } from "../crypto";
import type { PrismaClient } from "../db/client";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import type { Actor, TenantEventLog, Tx } from "../events/tenant-events";
import type { EventBus } from "../events/event-bus";
import type { JobType, TenantStatus } from "../generated/prisma/enums";
import { Prisma } from "../generated/prisma/client";
import { normalizeEmail } from "../auth/validation";
import { cancelQueuedJobs, enqueueJob } from "../provisioning/job-queue";
import { parseCreateTenantInput, slugFromName, type CreateTenantInput } from "./tenant-input";
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

export class TenantService {
  readonly secrets: TenantSecretBox;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: Config,
    private readonly events: TenantEventLog,
    private readonly bus: EventBus,
    /** Called after a job was queued (wakes the worker). */
    private readonly onJobQueued: () => void,
  ) {
    this.secrets = new TenantSecretBox(config.appSecret);
  }

  /** Creates a tenant (PENDING) with its generated secrets and its provision job, atomically. */
  async create(input: CreateTenantInput, actor: Actor) {
    const parsed = parseCreateTenantInput(input, {
      allowedImages: this.config.stacks.mauticImages,
      plans: this.config.stacks.plans,
    });
    const owner = await this.findOwner(input);
    const id = randomUUID();
    const seal = (name: Parameters<TenantSecretBox["seal"]>[1], value: string) => this.secrets.seal(id, name, value);

    try {
      const tenant = await this.events.transaction(async (tx, emit) => {
        if (await tx.tenant.findUnique({ where: { domain: parsed.domain }, select: { id: true } })) {
          throw new ConflictError(`The domain ${parsed.domain} already belongs to a tenant.`, "domain");
        }
        const slug = parsed.slug ?? (await this.freeSlug(tx, slugFromName(parsed.name)));
        if (parsed.slug && (await tx.tenant.findUnique({ where: { slug }, select: { id: true } }))) {
          throw new ConflictError(`The slug ${slug} is already taken.`, "slug");
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
            mauticAdminUser: MAUTIC_ADMIN_USER,
            mauticAdminPasswordEnc: seal("mauticAdminPassword", generatePassword()),
            mailerDsnEnc: parsed.mailerDsn ? seal("mailerDsn", parsed.mailerDsn) : null,
          },
        });
        await enqueueJob(tx, { type: "PROVISION", tenantId: id, actor });
        await emit({
          tenantId: id,
          type: "tenant.created",
          message: `Tenant ${created.name} (${created.domain}) created for ${owner.email}; provisioning is queued.`,
          data: { slug, domain: created.domain, plan: created.plan, mauticImage: created.mauticImage, ownerId: owner.id },
          actor,
        });
        return created;
      });
      this.changed(tenant.id, tenant.status, tenant.phase);
      this.onJobQueued();
      return tenant;
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
   * Deletes a tenant: queued work is cancelled, the status becomes DELETING and a delete job
   * removes the stack (and, with `deleteData`, its volumes, secrets and configs).
   */
  async delete(id: string, options: { deleteData: boolean }, actor: Actor) {
    const tenant = await this.events.transaction(async (tx, emit) => {
      const current = await this.require(tx, id);
      if (current.status === "DELETED") throw new ConflictError("This tenant is already deleted.");
      const openDelete = await tx.job.findFirst({ where: { tenantId: id, type: "DELETE", status: { in: ["QUEUED", "RUNNING"] } } });
      if (openDelete) throw new ConflictError("This tenant is already being deleted.");
      const cancelled = await cancelQueuedJobs(tx, id, "Superseded by a delete request.");
      const updated = await tx.tenant.update({ where: { id }, data: { status: "DELETING", statusReason: null } });
      await enqueueJob(tx, { type: "DELETE", tenantId: id, payload: { deleteData: options.deleteData }, actor });
      await emit({
        tenantId: id,
        type: "tenant.delete_requested",
        message: options.deleteData
          ? "Deletion requested: the stack, its volumes (all data), secrets and configs will be removed."
          : "Deletion requested: the stack will be removed; volumes with the data are kept.",
        data: { deleteData: options.deleteData, cancelledJobs: cancelled, previousStatus: current.status },
        actor,
      });
      return updated;
    });
    this.changed(tenant.id, tenant.status, tenant.phase);
    this.onJobQueued();
    return tenant;
  }

  private async operate(operation: Operation, id: string, actor: Actor) {
    const rule = OPERATIONS[operation];
    const tenant = await this.events.transaction(async (tx, emit) => {
      const current = await this.require(tx, id);
      if (!rule.from.includes(current.status)) {
        throw new ConflictError(`A ${current.status.toLowerCase()} tenant cannot be ${rule.verb} (allowed from ${rule.from.join(" or ")}).`);
      }
      const open = await tx.job.findFirst({ where: { tenantId: id, status: { in: ["QUEUED", "RUNNING"] } }, select: { type: true } });
      if (open) throw new ConflictError(`This tenant is busy: a ${open.type.toLowerCase()} job is in progress.`);

      let type: JobType;
      let payload: Record<string, unknown> = {};
      if (rule.job === "last-failed") {
        const failed = await tx.job.findFirst({ where: { tenantId: id, status: "FAILED" }, orderBy: { createdAt: "desc" } });
        type = failed?.type ?? "PROVISION";
        // Resume where it stopped: the payload carries the phase reached.
        payload = failed ? { ...(JSON.parse(failed.payload) as Record<string, unknown>), retried: true } : {};
      } else {
        type = rule.job;
      }
      await enqueueJob(tx, { type, tenantId: id, payload, actor });
      // A retried tenant leaves ERROR at once, so nobody sees a stale failure while it waits its turn.
      const status = operation === "retry" ? (type === "DELETE" ? "DELETING" : "PENDING") : current.status;
      if (status !== current.status) await tx.tenant.update({ where: { id }, data: { status, statusReason: null } });
      await emit({
        tenantId: id,
        type: `tenant.${operation}_requested`,
        message: `${operation[0]!.toUpperCase()}${operation.slice(1)} requested${rule.job === "last-failed" ? ` (${type.toLowerCase()}${current.phase ? `, from ${current.phase}` : ""})` : ""}.`,
        data: { job: type, previousStatus: current.status },
        actor,
      });
      return { ...current, status };
    });
    if (tenant.status !== "ERROR") this.changed(tenant.id, tenant.status, tenant.phase);
    this.onJobQueued();
    return tenant;
  }

  private async require(tx: Tx, id: string) {
    const tenant = await tx.tenant.findUnique({ where: { id } });
    if (!tenant) throw new NotFoundError("The tenant");
    return tenant;
  }

  private async findOwner(input: CreateTenantInput) {
    const owner = input.ownerId
      ? await this.prisma.user.findUnique({ where: { id: input.ownerId }, select: { id: true, email: true, role: true } })
      : await this.prisma.user.findUnique({ where: { email: normalizeEmail(input.ownerEmail ?? "") }, select: { id: true, email: true, role: true } });
    if (!owner) {
      const field = input.ownerId ? "ownerId" : "ownerEmail";
      throw new ValidationError([{ field, message: "No account with this id or e-mail exists" }]);
    }
    return owner;
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
