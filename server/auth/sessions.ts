/**
 * Server-side sessions. A session is valid while its row exists and neither its idle expiry
 * nor its absolute lifetime (createdAt + max age) has passed. Use slides the idle expiry
 * forward, written at most once a minute so reads stay cheap.
 */
import type { PrismaClient } from "../db/client";
import { randomToken, sha256 } from "../crypto";
import type { Role } from "../generated/prisma/enums";

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
}

export interface ActiveSession {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  user: SessionUser;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

const TOUCH_INTERVAL_MS = 60_000;
const USER_AGENT_MAX = 300;

export class SessionStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: { idleMs: number; maxAgeMs: number; now?: () => Date },
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Creates a session and returns the token for the cookie (shown nowhere else). */
  async create(userId: string, client: ClientInfo): Promise<{ token: string; session: ActiveSession }> {
    const token = randomToken(32);
    const now = this.now();
    const row = await this.prisma.session.create({
      data: {
        tokenHash: sha256(token),
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + Math.min(this.options.idleMs, this.options.maxAgeMs)),
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      },
      include: { user: { select: { id: true, email: true, role: true } } },
    });
    return { token, session: row };
  }

  /** The live session for a token, or null (unknown, expired, or past its absolute lifetime). */
  async resolve(token: string): Promise<ActiveSession | null> {
    const row = await this.prisma.session.findUnique({
      where: { tokenHash: sha256(token) },
      include: { user: { select: { id: true, email: true, role: true } } },
    });
    if (!row) return null;
    const now = this.now();
    const absoluteEnd = row.createdAt.getTime() + this.options.maxAgeMs;
    if (row.expiresAt <= now || absoluteEnd <= now.getTime()) {
      await this.prisma.session.deleteMany({ where: { id: row.id } });
      return null;
    }
    if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      const expiresAt = new Date(Math.min(now.getTime() + this.options.idleMs, absoluteEnd));
      await this.prisma.session.updateMany({ where: { id: row.id }, data: { lastSeenAt: now, expiresAt } });
      return { ...row, lastSeenAt: now, expiresAt };
    }
    return row;
  }

  /** Ends the session holding `token`, if any. */
  async destroy(token: string): Promise<void> {
    await this.prisma.session.deleteMany({ where: { tokenHash: sha256(token) } });
  }

  /** Removes expired rows; returns how many. */
  async purgeExpired(): Promise<number> {
    const now = this.now();
    const { count } = await this.prisma.session.deleteMany({
      where: {
        OR: [{ expiresAt: { lte: now } }, { createdAt: { lte: new Date(now.getTime() - this.options.maxAgeMs) } }],
      },
    });
    return count;
  }
}
