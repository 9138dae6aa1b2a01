/**
 * One-time, expiring set-password links: the invitation a new account gets (INVITE) and the
 * reset an admin asks for (RESET). No mail server is needed: the admin hands the URL over.
 *
 *   - The token is 256 random bits; only its SHA-256 is stored, so a database leak hands out
 *     no links. The plaintext is in the URL returned once by `issue` and nowhere else.
 *   - A user has at most one usable link: issuing one removes the user's earlier unused links.
 *   - Using a link is rate-limited per client address, and an unknown, used or expired link
 *     gets one and the same answer, so a caller learns nothing about which it was.
 *   - Using a link sets the password, marks the link used and ends every session of the user,
 *     in one transaction.
 */
import type { PrismaClient } from "../db/client";
import { randomToken, sha256 } from "../crypto";
import { TooManyAttemptsError, ValidationError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import type { PasswordLinkPurpose } from "../generated/prisma/enums";
import { hashPassword, passwordProblem } from "./password";
import type { ClientInfo } from "./sessions";
import type { RateLimiter } from "./throttle";

type Tx = Prisma.TransactionClient;

/** The path of the page where a link is used; the token follows it. */
export const SET_PASSWORD_PATH = "/set-password/";

/** Far longer than any token we issue; longer input is refused without hashing it. */
const TOKEN_MAX_LENGTH = 200;

export const INVALID_LINK_MESSAGE = "This link is invalid or has expired; ask an administrator for a new one";

export interface IssuedPasswordLink {
  /** The full URL to hand over (contains the token: show it once, never store or log it). */
  url: string;
  expiresAt: Date;
}

export interface PasswordLinkOptions {
  /** The panel's public URL, without a trailing slash. */
  appUrl: string;
  ttlMs: number;
  /** Counts every attempt to use a link, per client address. */
  attempts: RateLimiter;
  now?: () => Date;
}

export class PasswordLinkService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: PasswordLinkOptions,
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /**
   * Creates a link for `userId`, replacing the user's earlier unused links. Runs in `tx` when
   * given (so the link commits or rolls back with the caller's other writes).
   */
  async issue(userId: string, purpose: PasswordLinkPurpose, createdById: string | null, tx?: Tx): Promise<IssuedPasswordLink> {
    const token = randomToken(32);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.options.ttlMs);
    const write = async (db: Tx) => {
      await db.passwordLink.deleteMany({ where: { userId, usedAt: null } });
      await db.passwordLink.create({
        data: { tokenHash: sha256(token), userId, purpose, expiresAt, createdById, createdAt: now },
      });
    };
    if (tx) await write(tx);
    else await this.prisma.$transaction(write);
    return { url: `${this.options.appUrl}${SET_PASSWORD_PATH}${token}`, expiresAt };
  }

  /** For the set-password page: whose link this is and until when, or null when it cannot be used. */
  async peek(token: string): Promise<{ email: string; purpose: PasswordLinkPurpose; expiresAt: Date } | null> {
    const link = await this.findUsable(token);
    return link ? { email: link.user.email, purpose: link.purpose, expiresAt: link.expiresAt } : null;
  }

  /**
   * Sets the password of the link's user. Refused with TooManyAttemptsError past the rate
   * limit, with a ValidationError on `token` for an unknown, used or expired link (one message
   * for all three), or on `passwordField` for a password that breaks the rules (the link then
   * stays usable). Ends every session of the user.
   */
  async consume(token: string, newPassword: string, client: ClientInfo, passwordField = "new"): Promise<{ id: string; email: string }> {
    const waitMs = this.options.attempts.take(client.ip);
    if (waitMs > 0) throw new TooManyAttemptsError(waitMs / 1000, "set-password attempts");

    const link = await this.findUsable(token);
    if (!link) throw invalidLink();
    const problem = passwordProblem(newPassword);
    if (problem) throw new ValidationError([{ field: passwordField, message: `Password ${problem}` }]);

    // Hashing is slow: done before the transaction, which then only writes.
    const passwordHash = await hashPassword(newPassword);
    return this.prisma.$transaction(async (tx) => {
      const now = this.now();
      // Claims the link atomically: of two concurrent uses, only one finds it unused.
      const claimed = await tx.passwordLink.updateMany({
        where: { id: link.id, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (claimed.count !== 1) throw invalidLink();
      await tx.passwordLink.deleteMany({ where: { userId: link.userId, usedAt: null } });
      await tx.user.update({ where: { id: link.userId }, data: { passwordHash, passwordChangedAt: now } });
      await tx.session.deleteMany({ where: { userId: link.userId } });
      return { id: link.userId, email: link.user.email };
    });
  }

  /** Removes every unused link of a user (e.g. after they changed their password themselves). */
  async revokeAll(userId: string, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma).passwordLink.deleteMany({ where: { userId, usedAt: null } });
  }

  private async findUsable(token: string) {
    if (typeof token !== "string" || token.length === 0 || token.length > TOKEN_MAX_LENGTH) return null;
    const link = await this.prisma.passwordLink.findUnique({
      where: { tokenHash: sha256(token) },
      include: { user: { select: { email: true } } },
    });
    if (!link || link.usedAt || link.expiresAt <= this.now()) return null;
    return link;
  }
}

function invalidLink(): ValidationError {
  return new ValidationError([{ field: "token", message: INVALID_LINK_MESSAGE }]);
}
