/**
 * Fleet upgrades: many tenants to one Mautic image, `batchSize` at a time. Each tenant goes through
 * the same UPGRADE job as a single upgrade (backup, new version, verify, roll back on failure).
 * After each batch the failure rate of the finished upgrades is compared with `maxFailureRate`:
 * above it, the fleet upgrade stops and the tenants not reached are SKIPPED.
 *
 * Progress is driven by events, not a timer: starting the fleet upgrade launches the first batch,
 * and each UPGRADE job reports its end (`settle`), which launches the next batch once the current
 * one is done. The reconcile loop also calls `advanceRunning()`, so a restart in between loses
 * nothing. One fleet upgrade runs at a time; advancing is serialized in this process (ADR 003).
 */
import type { Config } from "../config/env";
import type { PrismaClient } from "../db/client";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../errors";
import { actorFrom, type Actor } from "../events/tenant-events";
import type { FleetUpgrade } from "../generated/prisma/client";
import type { FleetUpgradeItemStatus } from "../generated/prisma/enums";
import type { Logger } from "../logger";
import { compareImageVersions } from "../stacks/image-versions";
import type { TenantService } from "../tenants/tenant-service";

export interface FleetUpgradeRequest {
  mauticImage: string;
  batchSize: number;
  /** 0–1: stop when more than this share of the finished upgrades failed. */
  maxFailureRate: number;
  /** Which ACTIVE tenants: all of them, or narrowed by plan, current image or ids. */
  filter: { plan?: string | null; fromImage?: string | null; tenantIds?: readonly string[] | null };
}

export const BATCH_SIZE_MAX = 50;

export class FleetUpgradeService {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: Config,
    private readonly tenants: TenantService,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Starts a fleet upgrade of every ACTIVE tenant the filter selects that does not run the image yet. */
  async start(request: FleetUpgradeRequest, actor: Actor): Promise<FleetUpgrade> {
    const errors = [];
    if (!Number.isInteger(request.batchSize) || request.batchSize < 1 || request.batchSize > BATCH_SIZE_MAX) {
      errors.push({ field: "batchSize", message: `Use a whole number from 1 to ${BATCH_SIZE_MAX}` });
    }
    if (!(request.maxFailureRate >= 0 && request.maxFailureRate <= 1)) errors.push({ field: "maxFailureRate", message: "Use a share from 0 (stop at the first failure) to 1 (never stop)" });
    const image = request.mauticImage.trim();
    if (!this.config.stacks.mauticImages.includes(image)) {
      errors.push({ field: "mauticImage", message: `Choose one of the allowed images (${this.config.stacks.mauticImages.join(", ")})` });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    const { plan, fromImage, tenantIds } = request.filter;
    const campaign = await this.serialized(async () => {
      const running = await this.prisma.fleetUpgrade.findFirst({ where: { status: "RUNNING" }, select: { id: true, mauticImage: true } });
      if (running) throw new ConflictError(`A fleet upgrade to ${running.mauticImage} is still running; wait for it to end.`);
      const candidates = await this.prisma.tenant.findMany({
        where: {
          status: "ACTIVE",
          mauticImage: { not: image, ...(fromImage ? { equals: fromImage } : {}) },
          ...(plan ? { plan } : {}),
          ...(tenantIds ? { id: { in: [...tenantIds] } } : {}),
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, mauticImage: true },
      });
      // Never "upgrade" a tenant to an older version: its database cannot migrate back.
      const targets = candidates.filter((t) => compareImageVersions(image, t.mauticImage) >= 0);
      if (targets.length === 0) throw new ValidationError([{ field: "filter", message: `No ACTIVE tenant matches that runs an older image than ${image}` }]);
      return this.prisma.fleetUpgrade.create({
        data: {
          mauticImage: image,
          batchSize: request.batchSize,
          maxFailureRate: request.maxFailureRate,
          actorType: actor.type,
          actorId: actor.type === "SYSTEM" ? null : actor.id,
          createdAt: this.now(),
          items: { create: targets.map((t, i) => ({ tenantId: t.id, fromImage: t.mauticImage, batch: Math.floor(i / request.batchSize) })) },
        },
      });
    });
    await this.advance(campaign.id, actor);
    return this.prisma.fleetUpgrade.findUniqueOrThrow({ where: { id: campaign.id } });
  }

  /** An UPGRADE job of a fleet upgrade ended: record it, then start the next batch if this one is done. */
  async settle(itemId: string, status: Extract<FleetUpgradeItemStatus, "SUCCEEDED" | "FAILED">, detail: string): Promise<void> {
    const item = await this.prisma.fleetUpgradeItem.findUnique({ where: { id: itemId }, include: { fleetUpgrade: true } });
    if (!item || item.status !== "RUNNING") return;
    await this.prisma.fleetUpgradeItem.update({ where: { id: itemId }, data: { status, detail: detail.slice(0, 1000), finishedAt: this.now() } });
    await this.advance(item.fleetUpgradeId, actorFrom(item.fleetUpgrade));
  }

  /** Advances every running fleet upgrade (after a restart, a batch may be waiting to start). */
  async advanceRunning(): Promise<void> {
    const running = await this.prisma.fleetUpgrade.findMany({ where: { status: "RUNNING" } });
    for (const campaign of running) await this.advance(campaign.id, actorFrom(campaign));
  }

  /** Marks the rest SKIPPED and the fleet upgrade STOPPED. */
  async stop(id: string, reason: string): Promise<FleetUpgrade> {
    return this.serialized(async () => {
      const campaign = await this.prisma.fleetUpgrade.findUnique({ where: { id } });
      if (!campaign) throw new NotFoundError("The fleet upgrade");
      if (campaign.status !== "RUNNING") throw new ConflictError(`This fleet upgrade has already ${campaign.status === "COMPLETED" ? "completed" : "stopped"}.`);
      return this.finish(id, "STOPPED", reason);
    });
  }

  private advance(id: string, actor: Actor): Promise<void> {
    return this.serialized(async () => {
      for (;;) {
        const campaign = await this.prisma.fleetUpgrade.findUnique({ where: { id }, include: { items: true } });
        if (!campaign || campaign.status !== "RUNNING") return;
        const items = campaign.items;
        if (items.some((i) => i.status === "RUNNING")) return;
        const succeeded = items.filter((i) => i.status === "SUCCEEDED").length;
        const failed = items.filter((i) => i.status === "FAILED").length;
        const finished = succeeded + failed;
        if (finished > 0 && failed / finished > campaign.maxFailureRate) {
          await this.finish(id, "STOPPED", `${failed} of ${finished} finished upgrades failed, more than the ${Math.round(campaign.maxFailureRate * 100)} % allowed.`);
          return;
        }
        const pending = items.filter((i) => i.status === "PENDING");
        if (pending.length === 0) {
          await this.finish(id, "COMPLETED", `${succeeded} upgraded, ${failed} failed and rolled back, ${items.length - finished} skipped.`);
          return;
        }
        const batch = Math.min(...pending.map((i) => i.batch));
        let started = 0;
        for (const item of pending.filter((i) => i.batch === batch)) {
          const claimed = await this.prisma.fleetUpgradeItem.updateMany({ where: { id: item.id, status: "PENDING" }, data: { status: "RUNNING", startedAt: this.now() } });
          if (claimed.count === 0) continue;
          try {
            await this.tenants.upgrade(item.tenantId, campaign.mauticImage, actor, { fleetItemId: item.id });
            started++;
          } catch (error) {
            // A tenant that became busy, left ACTIVE or already runs the image is not a failed upgrade.
            if (!(error instanceof AppError)) throw error;
            await this.prisma.fleetUpgradeItem.update({ where: { id: item.id }, data: { status: "SKIPPED", detail: error.message, finishedAt: this.now() } });
          }
        }
        if (started > 0) return;
        // Every tenant of the batch was skipped: go on with the next one.
      }
    });
  }

  private async finish(id: string, status: "COMPLETED" | "STOPPED", reason: string): Promise<FleetUpgrade> {
    await this.prisma.fleetUpgradeItem.updateMany({ where: { fleetUpgradeId: id, status: "PENDING" }, data: { status: "SKIPPED", detail: status === "STOPPED" ? `Not attempted: ${reason}` : null, finishedAt: this.now() } });
    const campaign = await this.prisma.fleetUpgrade.update({ where: { id }, data: { status, statusReason: reason, finishedAt: this.now() } });
    this.logger.info({ fleetUpgradeId: id, status, reason }, "fleet upgrade ended");
    return campaign;
  }

  /** Runs `work` after every earlier call of this service has finished (one advance at a time). */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
