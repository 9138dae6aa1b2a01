/**
 * Accounts: creation with a validated e-mail, role and password, and the first ADMIN.
 */
import type { PrismaClient } from "../db/client";
import { ConflictError, NotFoundError, ValidationError, type FieldError } from "../errors";
import { Prisma } from "../generated/prisma/client";
import type { Role } from "../generated/prisma/enums";
import { hashPassword, passwordProblem } from "./password";
import { emailProblem, normalizeEmail } from "./validation";

export interface NewUser {
  email: string;
  password: string;
  role: Role;
}

export class UserService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates an account; a duplicate e-mail (in any letter case) is a ConflictError on `email`. */
  async create(input: NewUser) {
    const errors: FieldError[] = [];
    const emailIssue = emailProblem(input.email);
    if (emailIssue) errors.push({ field: "email", message: `E-mail ${emailIssue}` });
    const passwordIssue = passwordProblem(input.password);
    if (passwordIssue) errors.push({ field: "password", message: `Password ${passwordIssue}` });
    if (input.role !== "ADMIN" && input.role !== "CLIENT") errors.push({ field: "role", message: "Role must be ADMIN or CLIENT" });
    if (errors.length > 0) throw new ValidationError(errors);

    const email = normalizeEmail(input.email);
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.prisma.user.create({
        data: { email, passwordHash, role: input.role, passwordChangedAt: new Date() },
        select: { id: true, email: true, role: true, createdAt: true },
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new ConflictError(`An account with the e-mail ${email} already exists.`, "email");
      }
      throw error;
    }
  }

  /** Replaces the password of an existing account and ends all its sessions. */
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
}
