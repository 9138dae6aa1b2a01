/**
 * The `Node` interface and `node(id)` query, written by hand rather than by the relay plugin:
 * ids stay the raw database ids the UI routes and REST already use (no base64 "Type:id" global
 * ids), and each type says how to load one of its rows for the caller, with the same visibility
 * rules as its own queries (another client's tenant answers null, like a missing one). See
 * docs/decisions/010-node-ids.md.
 */
import { builder } from "../builder";
import type { GraphQLContext } from "../context";
import { visibleTenants } from "../tenant-access";
import { TenantRef } from "./tenant";
import { UserRef } from "./user";

type SignedIn = GraphQLContext & { principal: NonNullable<GraphQLContext["principal"]> };

/** Loads the row with this id if it exists and the caller may see it; null otherwise. */
export type NodeLoader = (context: SignedIn, id: string) => Promise<object | null>;

/** The type each row `node(id)` returned was loaded as. */
const loadedAs = new WeakMap<object, string>();

export const NodeInterface = builder.interfaceRef<{ id: string }>("Node").implement({
  resolveType: (value) => loadedAs.get(value) ?? null,
  description:
    "Anything that can be fetched again by its id alone with `node(id)`. Ids are the panel's own (the ones in its URLs), unique across every type.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The object's id, as used in the panel's URLs and in every other query." }),
  }),
});

/** An object type's ref (`builder.prismaObject(...)`, `builder.objectRef(...)`). */
interface NodeTypeRef {
  readonly name: string;
  addInterfaces(interfaces: (typeof NodeInterface)[]): void;
}

const loaders: { type: string; load: NodeLoader }[] = [];

/**
 * Makes an object type a Node: it implements the interface, and `node(id)` tries `load` (after
 * the types registered before it). `load` must apply the type's visibility rules.
 */
export function addNodeType(ref: NodeTypeRef, load: NodeLoader): void {
  ref.addInterfaces([NodeInterface]);
  loaders.push({ type: ref.name, load });
}

addNodeType(TenantRef, (context, id) => context.services.prisma.tenant.findFirst({ where: { id, ...visibleTenants(context) } }));

// An ADMIN (effective role) may see every account; anyone else only their own.
addNodeType(UserRef, (context, id) =>
  context.principal.user.role === "ADMIN" || id === context.principal.user.id
    ? context.services.prisma.user.findUnique({ where: { id } })
    : Promise.resolve(null),
);

builder.queryField("node", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: NodeInterface,
    nullable: true,
    description: "The object with this id (a Tenant or a User), or null when it does not exist or is not yours to see.",
    args: { id: t.arg.id({ required: true, description: "The id of any Node, e.g. a tenant's id from its URL." }) },
    resolve: async (_root, args, context) => {
      const id = String(args.id);
      if (id.length === 0 || id.length > 100) return null;
      for (const { type, load } of loaders) {
        const row = await load(context, id);
        if (row) {
          loadedAs.set(row, type);
          return row as { id: string };
        }
      }
      return null;
    },
  }),
);
