/**
 * Signing in and out. Every surface (GraphQL, REST, forms) goes through here, so throttling,
 * timing-safe checks and session rotation are the same everywhere.
 */
import type { PrismaClient } from "../db/client";
import { InvalidCredentialsError, TooManyAttemptsError } from "../errors";
import { verifyPassword } from "./password";
import type { ActiveSession, ClientInfo, SessionStore } from "./sessions";
import type { LoginThrottle } from "./throttle";
import { parseLoginInput } from "./validation";

export class AuthService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionStore,
    private readonly throttle: LoginThrottle,
  ) {}

  /**
   * Checks the credentials and opens a new session. An unknown e-mail and a wrong password
   * give the same error after the same work. `previousToken` (the caller's current session,
   * if any) is ended, so the session id always changes at sign-in.
   */
  async login(
    input: { email: unknown; password: unknown },
    client: ClientInfo,
    previousToken: string | null,
  ): Promise<{ token: string; session: ActiveSession }> {
    const { email, password } = parseLoginInput(input);
    const waitMs = this.throttle.retryAfterMs(email, client.ip);
    if (waitMs > 0) throw new TooManyAttemptsError(waitMs / 1000);

    const user = await this.prisma.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
    const ok = await verifyPassword(password, user?.passwordHash ?? null);
    if (!ok || !user) {
      this.throttle.recordFailure(email, client.ip);
      throw new InvalidCredentialsError();
    }
    this.throttle.recordSuccess(email);
    if (previousToken) await this.sessions.destroy(previousToken);
    return this.sessions.create(user.id, client);
  }

  async logout(token: string | null): Promise<void> {
    if (token) await this.sessions.destroy(token);
  }
}
