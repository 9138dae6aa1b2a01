import { builder } from "../builder";
import { ActorTypeEnum } from "./actor-type";

export const AuditEntryRef = builder.prismaObject("AuditEntry", {
  description: "Who did what: one GraphQL mutation (from the API, the UI or REST) or credential reveal, and how it ended.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Grows with time." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it happened." }),
    actorType: t.expose("actorType", { type: ActorTypeEnum, description: "A person, a token, the panel, or nobody signed in." }),
    actorId: t.exposeID("actorId", { nullable: true, description: "The acting account's id (a token's owner for a token)." }),
    tokenId: t.exposeID("tokenId", { nullable: true, description: "The API token used, if any." }),
    actorLabel: t.exposeString("actorLabel", { nullable: true, description: "The actor's e-mail (and token name) at the time." }),
    action: t.exposeString("action", { description: "The mutation, e.g. `createTenant`." }),
    targetType: t.exposeString("targetType", { nullable: true, description: "What it acted on: Tenant, User, ApiToken…" }),
    targetId: t.exposeID("targetId", { nullable: true, description: "The id of what it acted on." }),
    tenantId: t.exposeID("tenantId", { nullable: true, description: "The tenant concerned, if any." }),
    ip: t.exposeString("ip", { nullable: true, description: "The client address." }),
    result: t.exposeString("result", { description: "`OK`, or the error code the caller got (e.g. `VALIDATION_FAILED`, `FORBIDDEN`)." }),
    ok: t.boolean({ description: "Whether it succeeded.", resolve: (entry) => entry.result === "OK" }),
    detail: t.exposeString("detail", { nullable: true, description: "JSON: the arguments with every secret removed, and the error message on failure." }),
  }),
});

builder.queryField("auditLog", (t) =>
  t.withAuth({ admin: true }).prismaConnection(
    {
      type: AuditEntryRef,
      cursor: "id",
      description: "The audit log, newest first. ADMIN only.",
      args: {
        actorId: t.arg.id({ required: false, description: "Only what this account did (by session or token)." }),
        tenantId: t.arg.id({ required: false, description: "Only what concerned this tenant." }),
        action: t.arg.string({ required: false, description: "Only this mutation, e.g. `deleteTenant`." }),
        failedOnly: t.arg.boolean({ required: false, description: "Only refused or failed calls." }),
      },
      resolve: (query, _root, args, context) =>
        context.services.prisma.auditEntry.findMany({
          ...query,
          where: {
            ...(args.actorId ? { actorId: String(args.actorId) } : {}),
            ...(args.tenantId ? { tenantId: String(args.tenantId) } : {}),
            ...(args.action ? { action: args.action } : {}),
            ...(args.failedOnly ? { result: { not: "OK" } } : {}),
          },
          orderBy: { id: "desc" },
        }),
    },
    { description: "A page of the audit log." },
    { description: "One audit entry, with the cursor to page after it." },
  ),
);
