/**
 * `tenantLogs`: recent log lines of one service of a tenant's stack, read through Portainer,
 * with the tenant's own secrets replaced by `[redacted]`.
 */
import { NotFoundError, UnavailableError, ValidationError } from "../../server/errors";
import { LOG_TAIL_DEFAULT, LOG_TAIL_MAX, readTenantLogs, type TenantLogLine } from "../../server/tenants/tenant-logs";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { requireVisibleTenant } from "../tenant-access";
import { LogStreamEnum } from "./log-stream";
import { TenantStackServiceEnum } from "./tenant-stack-service";

export const LogLineRef = builder.objectRef<TenantLogLine>("LogLine").implement({
  description: "One line a container of a tenant's service wrote. The tenant's passwords and mailer DSN appear as `[redacted]`.",
  fields: (t) => ({
    timestamp: t.expose("timestamp", { type: "DateTime", nullable: true, description: "When Docker received the line; null when unknown." }),
    stream: t.expose("stream", { type: LogStreamEnum, description: "Standard output or standard error." }),
    message: t.exposeString("message", { description: "The line, without its line break." }),
  }),
});

builder.queryField("tenantLogs", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: [LogLineRef],
    description:
      "The last lines one service of a tenant's stack wrote, oldest first (all its tasks together). For an ADMIN or the tenant's owner. UnavailableError when the service does not run (not deployed yet, suspended) or Portainer cannot be reached.",
    errors: {
      types: [NotFoundError, ValidationError, UnavailableError],
      ...resultDescriptions("tenantLogs", "The lines, oldest first."),
    },
    args: {
      tenantId: t.arg.id({ required: true, description: "The tenant's id." }),
      service: t.arg({ type: TenantStackServiceEnum, required: true, description: "Which service of the stack." }),
      tail: t.arg.int({ required: false, defaultValue: LOG_TAIL_DEFAULT, description: `How many of the last lines (1 to ${LOG_TAIL_MAX}).` }),
    },
    resolve: async (_root, args, context) => {
      const tail = args.tail ?? LOG_TAIL_DEFAULT;
      if (!Number.isInteger(tail) || tail < 1 || tail > LOG_TAIL_MAX) {
        throw new ValidationError([{ field: "tail", message: `tail must be from 1 to ${LOG_TAIL_MAX}` }]);
      }
      const tenant = await requireVisibleTenant(context, String(args.tenantId));
      const { portainer, tenants } = context.services;
      return readTenantLogs({ portainer, secrets: tenants.secrets }, tenant, args.service, { tail, detailed: context.principal.user.role === "ADMIN" });
    },
  }),
);
