/**
 * The services one app instance owns. Created by buildApp(); handed to GraphQL through the
 * context and to scripts directly. Nothing here is a module-level singleton, so two apps in one
 * test process never share state.
 */
import { AuthService } from "./auth/auth-service";
import { SessionCookie } from "./auth/session-cookie";
import { SessionStore } from "./auth/sessions";
import { LoginThrottle } from "./auth/throttle";
import { UserService } from "./auth/users";
import type { Config } from "./config/env";
import type { PrismaClient } from "./db/client";
import type { Logger } from "./logger";

export interface Services {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  users: UserService;
  sessions: SessionStore;
  sessionCookie: SessionCookie;
  auth: AuthService;
}

export function createServices(deps: { config: Config; logger: Logger; prisma: PrismaClient; now?: () => Date }): Services {
  const { config, logger, prisma } = deps;
  const sessions = new SessionStore(prisma, { ...config.session, now: deps.now });
  const throttle = new LoginThrottle({
    ...config.loginThrottle,
    now: deps.now ? () => deps.now!().getTime() : undefined,
  });
  return {
    config,
    logger,
    prisma,
    users: new UserService(prisma),
    sessions,
    sessionCookie: new SessionCookie({
      appSecret: config.appSecret,
      secure: config.secureCookies,
      maxAgeMs: config.session.maxAgeMs,
    }),
    auth: new AuthService(prisma, sessions, throttle),
  };
}
