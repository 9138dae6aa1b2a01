/**
 * The Pothos schema builder: plugins and their options, no types (those live one per file in
 * ./types). Plugin order is fixed: ScopeAuth first, then Errors before Prisma.
 */
import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { Principal } from "../server/auth/principal";
import type { SessionUser } from "../server/auth/sessions";
import { ForbiddenError, NotAuthenticatedError } from "../server/errors";
import type PrismaTypes from "../server/generated/pothos-types";
import { getDatamodel } from "../server/generated/pothos-types";
import type { GraphQLContext } from "./context";

type SignedIn = GraphQLContext & { user: SessionUser; principal: Principal };

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: { loggedIn: boolean; admin: boolean };
  AuthContexts: { loggedIn: SignedIn; admin: SignedIn };
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}>({
  // Fields are non-null unless they say otherwise: null then always means "there is none".
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin],
  // Node and node(id) are hand-written (graphql/types/node.ts, ADR 010) so ids stay raw database
  // ids: never use builder.node / prismaNode (the plugin's own Node would clash by name).
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // Every connection's arguments and fields say what they are.
    firstArgOptions: { description: "Return the first n items (after `after`, if given)." },
    afterArgOptions: { description: "Return items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)." },
    lastArgOptions: { description: "Return the last n items (before `before`, if given)." },
    beforeArgOptions: { description: "Return items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)." },
    edgesFieldOptions: { description: "The items of this page, each with its cursor." },
    pageInfoFieldOptions: { description: "Where this page is: cursors and whether more items exist." },
    cursorFieldOptions: { description: "Pass as `after` or `before` to page from this item." },
    nodeFieldOptions: { description: "The item." },
    pageInfoTypeOptions: { description: "Where a page of a connection is, and whether there are more items." },
    hasNextPageFieldOptions: { description: "Whether more items follow (when paging forward with `first`)." },
    hasPreviousPageFieldOptions: { description: "Whether more items precede (when paging backward with `last`)." },
    startCursorFieldOptions: { description: "The cursor of the page's first item." },
    endCursorFieldOptions: { description: "The cursor of the page's last item." },
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      loggedIn: context.user !== null,
      admin: context.user?.role === "ADMIN",
    }),
    // Unmasked on purpose (they are AppErrors): the caller learns whether to sign in or give up.
    unauthorizedError: (_parent, context) =>
      context.user ? new ForbiddenError() : new NotAuthenticatedError(context.authProblem ?? undefined),
  },
  errors: {
    // Only AppError subclasses listed per field become typed results; nothing else leaks.
    defaultTypes: [],
  },
  prisma: {
    client: (context) => context.services.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
});
