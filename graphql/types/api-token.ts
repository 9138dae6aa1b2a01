import { NotFoundError, TooManyAttemptsError, ValidationError } from "../../server/errors";
import { ownedUnlessAdmin } from "../../server/auth/api-tokens";
import { auditTarget } from "../audit";
import { builder } from "../builder";
import { resultDescriptions } from "../result-descriptions";
import { RoleEnum } from "./role";
import { UserRef } from "./user";

export const ApiTokenRef = builder.prismaObject("ApiToken", {
  description:
    "A credential for integrators (`Authorization: Bearer <token>`, or `authorization` in the graphql-ws connection params). The token itself is shown only once, when created.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The token's id (not the secret)." }),
    name: t.exposeString("name", { description: "What the token is for, e.g. `billing`." }),
    prefix: t.exposeString("prefix", { description: "The token's first characters, to tell tokens apart." }),
    role: t.expose("role", { type: RoleEnum, description: "The role the token acts with (never wider than its owner's)." }),
    tenantIds: t.idList({
      nullable: true,
      description: "The tenants the token is limited to; null when it sees every tenant its role allows.",
      resolve: (token) => (token.tenantIds ? (JSON.parse(token.tenantIds) as string[]) : null),
    }),
    owner: t.relation("user", { type: UserRef, description: "The account the token acts for." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the token was created." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "When the token stops working; null: never." }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true, description: "When the token was revoked; null while it is not." }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true, description: "Last successful use (to within a minute)." }),
    lastUsedIp: t.exposeString("lastUsedIp", { nullable: true, description: "The client address of the last use." }),
    active: t.boolean({
      description: "Whether the token works now (neither revoked nor expired).",
      resolve: (token) => !token.revokedAt && (!token.expiresAt || token.expiresAt.getTime() > Date.now()),
    }),
  }),
});

const CreateApiTokenPayload = builder
  .objectRef<{ token: string; apiToken: { id: string } }>("CreateApiTokenPayload")
  .implement({
    description: "A new API token. `token` is shown now and never again: store it somewhere safe.",
    fields: (t) => ({
      token: t.exposeString("token", { description: "The secret to send as `Authorization: Bearer <token>`." }),
      apiToken: t.prismaField({
        type: ApiTokenRef,
        description: "The token's record (name, scope, expiry).",
        resolve: (query, payload, _args, context) => context.services.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: payload.apiToken.id } }),
      }),
    }),
  });

builder.queryField("apiTokens", (t) =>
  t.withAuth({ loggedIn: true }).prismaConnection(
    {
      type: ApiTokenRef,
      cursor: "id",
      description: "API tokens, newest first: your own; every account's for an ADMIN.",
      args: {
        includeRevoked: t.arg.boolean({ required: false, description: "Also list revoked tokens (default: false)." }),
        userId: t.arg.id({ required: false, description: "Only this account's tokens (ADMIN)." }),
      },
      resolve: (query, _root, args, context) =>
        context.services.prisma.apiToken.findMany({
          ...query,
          where: {
            ...(args.userId ? { userId: String(args.userId) } : {}),
            ...ownedUnlessAdmin(context.principal),
            ...(args.includeRevoked ? {} : { revokedAt: null }),
          },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        }),
    },
    { description: "A page of API tokens." },
    { description: "One API token, with the cursor to page after it." },
  ),
);

builder.mutationField("createApiToken", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: CreateApiTokenPayload,
    description:
      "Creates an API token acting as you, optionally narrowed: an ADMIN may create ADMIN tokens, or CLIENT tokens limited to `tenantIds` (e.g. for a billing system); a CLIENT's tokens may be limited to some of their tenants. At most 20 per hour per account.",
    errors: { types: [ValidationError, TooManyAttemptsError], ...resultDescriptions("createApiToken", "The token (shown once) and its record.") },
    extensions: auditTarget((_args, data) => ({ type: "ApiToken", id: (data as { apiToken?: { id: string } } | null)?.apiToken?.id ?? null })),
    args: {
      name: t.arg.string({ required: true, description: "What the token is for (1–100 characters)." }),
      expiresAt: t.arg({ type: "DateTime", required: false, description: "When it stops working; never when absent." }),
      role: t.arg({ type: RoleEnum, required: false, description: "The role it acts with; yours by default." }),
      tenantIds: t.arg.idList({ required: false, description: "Limit it to these tenants (required for an ADMIN's CLIENT token)." }),
    },
    resolve: (_root, args, context) =>
      context.services.apiTokens.create(context.principal, {
        name: args.name,
        expiresAt: args.expiresAt ?? null,
        role: args.role ?? null,
        tenantIds: args.tenantIds ? args.tenantIds.map(String) : null,
      }),
  }),
);

builder.mutationField("revokeApiToken", (t) =>
  t.withAuth({ loggedIn: true }).prismaField({
    type: ApiTokenRef,
    description: "Revokes a token at once (your own; any for an ADMIN). Revoking twice is harmless.",
    errors: { types: [NotFoundError], ...resultDescriptions("revokeApiToken", "The revoked token.") },
    args: { id: t.arg.id({ required: true, description: "The token's id." }) },
    resolve: async (query, _root, args, context) => {
      const token = await context.services.apiTokens.revoke(context.principal, String(args.id));
      return context.services.prisma.apiToken.findUniqueOrThrow({ ...query, where: { id: token.id } });
    },
  }),
);
