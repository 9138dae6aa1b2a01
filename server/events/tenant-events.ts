/**
 * The tenant event log: every transition, phase start/finish, retry and failure is a
 * TenantEvent row (monotonic id), published to the event bus only after the transaction that
 * wrote it commits, so a subscriber never sees an event that was rolled back. Subscribers that
 * reconnect read "events after id N" from the table, then continue live.
 */
import type { PrismaClient } from "../db/client";
import type { ActorType, EventLevel, TenantPhase } from "../generated/prisma/enums";
import type { Prisma } from "../generated/prisma/client";
import type { EventBus } from "./event-bus";

export type Tx = Prisma.TransactionClient;

/** Who caused something: a person, an API token, or the panel itself. */
export type Actor = { type: "USER" | "TOKEN"; id: string } | { type: "SYSTEM" };
export const SYSTEM: Actor = { type: "SYSTEM" };

/** The actor a stored row names (a job, a fleet upgrade): a person or token, else the panel. */
export function actorFrom(row: { actorType: string; actorId: string | null }): Actor {
  return row.actorType === "USER" || row.actorType === "TOKEN" ? { type: row.actorType, id: row.actorId ?? "" } : SYSTEM;
}

export interface NewTenantEvent {
  tenantId: string;
  type: string;
  message: string;
  level?: EventLevel;
  phase?: TenantPhase | null;
  /** Structured details; never secrets. */
  data?: Record<string, unknown>;
  actor?: Actor;
}

export interface TenantEventRecord {
  id: number;
  tenantId: string;
  createdAt: Date;
  level: EventLevel;
  type: string;
  phase: TenantPhase | null;
  message: string;
  data: Record<string, unknown> | null;
  actorType: ActorType;
  actorId: string | null;
}

type Row = Omit<TenantEventRecord, "data"> & { data: string | null };

function toRecord(row: Row): TenantEventRecord {
  return { ...row, data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : null };
}

export type Emit = (event: NewTenantEvent) => Promise<TenantEventRecord>;

export class TenantEventLog {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly bus: EventBus,
  ) {}

  /**
   * Runs `work` in one transaction; events it emits are written in it and published once it
   * has committed (in id order). If `work` throws, nothing is written or published.
   */
  async transaction<T>(work: (tx: Tx, emit: Emit) => Promise<T>): Promise<T> {
    const written: TenantEventRecord[] = [];
    const result = await this.prisma.$transaction(async (tx) => {
      const emit: Emit = async (event) => {
        const record = await this.write(tx, event);
        written.push(record);
        return record;
      };
      return work(tx, emit);
    });
    this.publish(written);
    return result;
  }

  /** Records one event on its own (its own transaction) and publishes it. */
  async record(event: NewTenantEvent): Promise<TenantEventRecord> {
    return this.transaction((_tx, emit) => emit(event));
  }

  /** Events of a tenant with an id above `afterId`, oldest first. */
  async listAfter(tenantId: string, afterId: number, limit = 500): Promise<TenantEventRecord[]> {
    const rows = await this.prisma.tenantEvent.findMany({
      where: { tenantId, id: { gt: afterId } },
      orderBy: { id: "asc" },
      take: limit,
    });
    return rows.map(toRecord);
  }

  /**
   * One page of a tenant's events between two ids (both exclusive), `limit` of them from the
   * oldest end, or from the newest end (and newest first) when `fromNewest`.
   */
  async listPage(
    tenantId: string,
    options: { afterId?: number; beforeId?: number; limit: number; fromNewest?: boolean },
  ): Promise<TenantEventRecord[]> {
    const rows = await this.prisma.tenantEvent.findMany({
      where: {
        tenantId,
        id: { ...(options.afterId !== undefined ? { gt: options.afterId } : {}), ...(options.beforeId !== undefined ? { lt: options.beforeId } : {}) },
      },
      orderBy: { id: options.fromNewest ? "desc" : "asc" },
      take: options.limit,
    });
    return rows.map(toRecord);
  }

  private async write(tx: Tx, event: NewTenantEvent): Promise<TenantEventRecord> {
    const actor = event.actor ?? SYSTEM;
    const row = await tx.tenantEvent.create({
      data: {
        tenantId: event.tenantId,
        type: event.type,
        message: event.message,
        level: event.level ?? "INFO",
        phase: event.phase ?? null,
        data: event.data ? JSON.stringify(event.data) : null,
        actorType: actor.type,
        actorId: actor.type === "SYSTEM" ? null : actor.id,
      },
    });
    return toRecord(row);
  }

  private publish(events: TenantEventRecord[]): void {
    for (const event of events) {
      this.bus.publish("tenant:event", event.tenantId, event);
      this.bus.publish("tenant:event:any", event);
    }
  }
}
