/**
 * Accounts: creation (with a password, or with a one-time INVITE link to choose one), changes
 * of e-mail and role, deletion, password changes, and the first ADMIN. The rules that keep
 * roles airtight live here, whatever surface asks:
 *
 *   - there is always at least one ADMIN (the last one cannot be demoted or deleted);
 *   - tenants belong to CLIENT accounts (an owner of tenants is not promoted to ADMIN);
 *   - nobody deletes their own account, and an account that still owns tenants is not deleted;
 *   - changing a password needs the current one, and ends the account's other sessions.
 */
import type { PrismaClient } from "../db/client";
import { ConflictError, NotFoundError, TooManyAttemptsError, ValidationError, type FieldError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import type { Role } from "../generated/prisma/enums";
import { hashPassword, PASSWORD_MAX_BYTES, passwordProblem, verifyPassword } from "./password";
import type { IssuedPasswordLink, PasswordLinkService } from "./password-links";
import { RateLimiter } from "./throttle";
import { emailProblem, normalizeEmail } from "./validation";

type Tx = Prisma.TransactionClient;

export interface NewUser {
  email: string;
  /** Absent or null: the account has no password yet and gets an INVITE link to choose one. */
  password?: string | null;
  role: Role;
}

export interface UserChanges {
  email?: string | null;
  role?: Role | null;
}

const USER_SELECT = { id: true, email: true, role: true, createdAt: true, updatedAt: true, passwordChangedAt: true } as const;

export type UserRecord = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

export type CreatedUser = UserRecord & {
  /** The invitation to choose a password; null when the account was created with one. */
  setPasswordLink: IssuedPasswordLink | null;
};

const ROLES: readonly Role[] = ["ADMIN", "CLIENT"];

/** Tenants that still exist in some form: a DELETED tenant is only a record. */
const LIVE_TENANTS = { status: { not: "DELETED" } } as const;

export class UserService {
  private readonly passwordChanges: RateLimiter;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly deps: {
      /** Needed to create accounts without a password (scripts that only set passwords may omit it). */
      links?: PasswordLinkService;
      /** Password changes per account; 10 per 15 minutes by default. */
      passwordChanges?: RateLimiter;
    } = {},
  ) {
    this.passwordChanges = deps.passwordChanges ?? new RateLimiter({ windowMs: 15 * 60_000, limit: 10 });
  }

  /**
   * Creates an account; a duplicate e-mail (in any letter case) is a ConflictError on `email`.
   * Without a password the account cannot sign in until its INVITE link is used. With `tx`
   * the account and its link are written in the caller's transaction.
   */
  async create(input: NewUser, options: { createdById?: string | null; tx?: Tx } = {}): Promise<CreatedUser> {
    const errors: FieldError[] = [];
    const emailIssue = emailProblem(input.email);
    if (emailIssue) errors.push({ field: "email", message: `E-mail ${emailIssue}` });
    const hasPassword = input.password !== undefined && input.password !== null;
    const passwordIssue = hasPassword ? passwordProblem(input.password!) : null;
    if (passwordIssue) errors.push({ field: "password", message: `Password ${passwordIssue}` });
    if (!ROLES.includes(input.role)) errors.push({ field: "role", message: "Role must be ADMIN or CLIENT" });
    if (errors.length > 0) throw new ValidationError(errors);
    const links = this.deps.links;
    if (!hasPassword && !links) throw new Error("UserService was built without password links: give a password.");

    const email = normalizeEmail(input.email);
    const passwordHash = hasPassword ? await hashPassword(input.password!) : null;
    const write = async (tx: Tx): Promise<CreatedUser> => {
      let user: UserRecord;
      try {
        user = await tx.user.create({
          data: { email, passwordHash, role: input.role, passwordChangedAt: passwordHash ? new Date() : null },
          select: USER_SELECT,
        });
      } catch (error) {
        throw duplicateEmail(error, email) ?? error;
      }
      const setPasswordLink = passwordHash ? null : await links!.issue(user.id, "INVITE", options.createdById ?? null, tx);
      return { ...user, setPasswordLink };
    };
    if (options.tx) return write(options.tx);
    try {
      return await this.prisma.$transaction(write);
    } catch (error) {
      throw duplicateEmail(error, email) ?? error;
    }
  }

  /**
   * Changes an account's e-mail and/or role. Refuses a taken e-mail, demoting the last ADMIN,
   * and promoting an owner of tenants (tenants belong to CLIENT accounts).
   */
  async update(id: string, changes: UserChanges): Promise<UserRecord> {
    const errors: FieldError[] = [];
    let email: string | null = null;
    if (changes.email !== undefined && changes.email !== null) {
      const issue = emailProblem(changes.email);
      if (issue) errors.push({ field: "email", message: `E-mail ${issue}` });
      else email = normalizeEmail(changes.email);
    }
    const role = changes.role ?? null;
    if (role !== null && !ROLES.includes(role)) errors.push({ field: "role", message: "Role must be ADMIN or CLIENT" });
    if (errors.length > 0) throw new ValidationError(errors);

    try {
      return await this.prisma.$transaction(async (tx) => {
        const user = await tx.user.findUnique({ where: { id }, select: USER_SELECT });
        if (!user) throw new NotFoundError("The user");
        if (role && role !== user.role) {
          if (user.role === "ADMIN") await this.assertNotLastAdmin(tx, user, "demoted");
          else {
            const owned = await tx.tenant.count({ where: { ownerId: id, ...LIVE_TENANTS } });
            if (owned > 0) {
              throw new ConflictError(
                `${user.email} owns ${owned} tenant(s), and tenants belong to CLIENT accounts; delete them first.`,
                "role",
              );
            }
          }
        }
        if (email && email !== user.email && (await tx.user.findUnique({ where: { email }, select: { id: true } }))) {
          throw new ConflictError(`An account with the e-mail ${email} already exists.`, "email");
        }
        if (!email && !role) return user;
        return tx.user.update({ where: { id }, data: { ...(email ? { email } : {}), ...(role ? { role } : {}) }, select: USER_SELECT });
      });
    } catch (error) {
      throw (email ? duplicateEmail(error, email) : null) ?? error;
    }
  }

  /**
   * Deletes an account with its sessions, API tokens and links. Refuses deleting yourself, the
   * last ADMIN, and an account that still owns tenants. Records of its DELETED tenants (with
   * their event logs) go with it; the audit log keeps its snapshots.
   */
  async delete(id: string, actorUserId: string | null): Promise<UserRecord> {
    if (id === actorUserId) throw new ConflictError("You cannot delete your own account; another ADMIN can.");
    return this.prisma.$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { id }, select: USER_SELECT });
      if (!user) throw new NotFoundError("The user");
      if (user.role === "ADMIN") await this.assertNotLastAdmin(tx, user, "deleted");
      const owned = await tx.tenant.count({ where: { ownerId: id, ...LIVE_TENANTS } });
      if (owned > 0) throw new ConflictError(`${user.email} owns ${owned} tenant(s); delete them first.`);
      await tx.tenant.deleteMany({ where: { ownerId: id, status: "DELETED" } });
      await tx.user.delete({ where: { id } });
      return user;
    });
  }

  /**
   * Changes the password of a signed-in user who knows the current one. Rate-limited per
   * account. Every other session of the account ends; `keepSessionId` (the caller's) stays.
   * Unused set-password links of the account are revoked.
   */
  async changePassword(userId: string, current: string, next: string, keepSessionId: string | null): Promise<UserRecord> {
    const waitMs = this.passwordChanges.take(userId);
    if (waitMs > 0) throw new TooManyAttemptsError(waitMs / 1000, "password changes");
    const user = await this.prisma.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
    if (!user) throw new NotFoundError("The user");

    const errors: FieldError[] = [];
    // bcrypt reads only 72 bytes: a longer "current password" is wrong by definition.
    const currentOk = Buffer.byteLength(current, "utf8") <= PASSWORD_MAX_BYTES && (await verifyPassword(current, user.passwordHash));
    if (!currentOk) errors.push({ field: "current", message: "The current password is incorrect" });
    const problem = passwordProblem(next);
    if (problem) errors.push({ field: "new", message: `Password ${problem}` });
    else if (currentOk && next === current) errors.push({ field: "new", message: "The new password must differ from the current one" });
    if (errors.length > 0) throw new ValidationError(errors);

    const passwordHash = await hashPassword(next);
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date() }, select: USER_SELECT });
      await tx.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
      await tx.passwordLink.deleteMany({ where: { userId, usedAt: null } });
      return updated;
    });
  }

  /**
   * A new one-time set-password link for an account (replacing its unused ones): RESET when
   * it has a password, which keeps working until the link is used; INVITE when it has none.
   */
  async issuePasswordLink(userId: string, createdById: string | null): Promise<IssuedPasswordLink & { userId: string }> {
    if (!this.deps.links) throw new Error("UserService was built without password links.");
    const user = await this.prisma.user.findUnique({ where: { id: userId }, select: { id: true, passwordHash: true } });
    if (!user) throw new NotFoundError("The user");
    const link = await this.deps.links.issue(user.id, user.passwordHash ? "RESET" : "INVITE", createdById);
    return { ...link, userId: user.id };
  }

  /** Replaces the password of an existing account and ends all its sessions (admin:create). */
  async setPassword(email: string, password: string): Promise<{ id: string; email: string }> {
    const problem = passwordProblem(password);
    if (problem) throw new ValidationError([{ field: "password", message: `Password ${problem}` }]);
    const normalized = normalizeEmail(email);
    const user = await this.prisma.user.findUnique({ where: { email: normalized }, select: { id: true } });
    if (!user) throw new NotFoundError(`The account ${normalized}`);
    const passwordHash = await hashPassword(password);
    await this.prisma.$transaction([
      this.prisma.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: new Date() } }),
      this.prisma.session.deleteMany({ where: { userId: user.id } }),
      this.prisma.passwordLink.deleteMany({ where: { userId: user.id, usedAt: null } }),
    ]);
    return { id: user.id, email: normalized };
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.prisma.user.count({ where: { role: "ADMIN" } })) > 0;
  }

  /**
   * Creates the first ADMIN from configuration when no ADMIN exists yet; never touches an
   * existing account. Returns the e-mail when an account was created.
   */
  async ensureBootstrapAdmin(admin: { email: string; password: string } | null): Promise<string | null> {
    if (!admin || (await this.hasAdmin())) return null;
    const created = await this.create({ email: admin.email, password: admin.password, role: "ADMIN" });
    return created.email;
  }

  private async assertNotLastAdmin(tx: Tx, user: { id: string; email: string }, verb: "demoted" | "deleted"): Promise<void> {
    const others = await tx.user.count({ where: { role: "ADMIN", id: { not: user.id } } });
    if (others === 0) {
      throw new ConflictError(
        `${user.email} is the last ADMIN and cannot be ${verb}; make another account ADMIN first.`,
        verb === "demoted" ? "role" : undefined,
      );
    }
  }
}

/** The ConflictError for a unique-index failure on the e-mail, or null for any other error. */
function duplicateEmail(error: unknown, email: string): ConflictError | null {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    return new ConflictError(`An account with the e-mail ${email} already exists.`, "email");
  }
  return null;
}
