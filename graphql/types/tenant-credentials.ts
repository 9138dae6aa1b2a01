/**
 * `revealTenantCredentials`: the only way a tenant's secrets leave the panel. An ADMIN (effective
 * role) gets every set; the owning CLIENT (or a CLIENT token scoped to the tenant) only the Mautic
 * admin login. Each reveal is rate limited, recorded as a `credentials.revealed` tenant event
 * (who and which set, never the values) and, like every mutation, audited.
 */
import { NotFoundError, TooManyAttemptsError } from "../../server/errors";
import type { TenantCredentials } from "../../server/tenants/tenant-service";
import { CREDENTIAL_REVEALS_PER_HOUR } from "../../server/tenants/tenant-service";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { actorOf, requireVisibleTenant } from "../tenant-access";

export const TenantCredentialsRef = builder.objectRef<TenantCredentials>("TenantCredentials").implement({
  description:
    "A tenant's credentials, decrypted for the caller. The Mautic admin login for its owner; an ADMIN also gets the database credentials and the mailer DSN (null for anyone else). Do not store them.",
  fields: (t) => ({
    tenantId: t.exposeID("tenantId", { description: "The tenant these belong to." }),
    loginUrl: t.exposeString("loginUrl", { description: "Where the Mautic administrator signs in." }),
    adminUser: t.exposeString("adminUser", { description: "The Mautic administrator's user name." }),
    adminPassword: t.exposeString("adminPassword", { description: "The Mautic administrator's password." }),
    full: t.exposeBoolean("full", { description: "True when the database credentials and mailer DSN were included (ADMIN only)." }),
    database: t.exposeString("database", { nullable: true, description: "The MySQL database name; null unless you are an ADMIN." }),
    databaseUser: t.exposeString("databaseUser", { nullable: true, description: "The MySQL user Mautic connects as; null unless you are an ADMIN." }),
    databasePassword: t.exposeString("databasePassword", { nullable: true, description: "That MySQL user's password; null unless you are an ADMIN." }),
    databaseRootPassword: t.exposeString("databaseRootPassword", { nullable: true, description: "The MySQL root password; null unless you are an ADMIN." }),
    mailerDsn: t.exposeString("mailerDsn", {
      nullable: true,
      description: "The tenant's mailer DSN; null when it has none, or unless you are an ADMIN.",
    }),
  }),
});

builder.mutationField("revealTenantCredentials", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: TenantCredentialsRef,
    description: `Reveals a tenant's credentials (see TenantCredentials for who gets which). Recorded in the tenant's events and the audit log; at most ${CREDENTIAL_REVEALS_PER_HOUR} an hour per account.`,
    errors: {
      types: [NotFoundError, TooManyAttemptsError],
      ...resultDescriptions("revealTenantCredentials", "The tenant's credentials."),
    },
    args: { id: t.arg.id({ required: true, description: "The tenant's id." }) },
    resolve: async (_root, args, context) => {
      // Counted before the lookup, so guessing ids costs attempts too.
      context.services.tenants.limitReveals(context.principal.user.id);
      const tenant = await requireVisibleTenant(context, String(args.id));
      const principal = context.principal;
      const who = principal.token ? `${principal.user.email} (API token “${principal.token.name}”)` : principal.user.email;
      return context.services.tenants.revealCredentials(tenant, {
        full: principal.user.role === "ADMIN",
        actor: actorOf(context),
        who,
      });
    },
  }),
);
