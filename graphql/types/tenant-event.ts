import type { TenantEventRecord } from "../../server/events/tenant-events";
import { builder } from "../builder";
import { requireVisibleTenant } from "../tenant-access";
import { EventLevelEnum } from "./event-level";
import { TenantPhaseEnum } from "./tenant-phase";

export const TenantEventRef = builder.objectRef<TenantEventRecord>("TenantEvent").implement({
  description: "One entry of a tenant's log: a step, a change, a warning or a failure. Ids only grow.",
  fields: (t) => ({
    id: t.exposeInt("id", { description: "Monotonic: resume a subscription with `afterEventId`." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it happened." }),
    level: t.expose("level", { type: EventLevelEnum, description: "How much it matters." }),
    type: t.exposeString("type", { description: "Machine-readable kind, e.g. `phase.completed`, `health.changed`." }),
    phase: t.expose("phase", { type: TenantPhaseEnum, nullable: true, description: "The provisioning phase it belongs to, if any." }),
    message: t.exposeString("message", { description: "What happened, in words an admin or client can act on." }),
    data: t.string({ nullable: true, description: "Details as a JSON object (never secrets).", resolve: (e) => (e.data ? JSON.stringify(e.data) : null) }),
    actorType: t.string({ description: "USER, TOKEN or SYSTEM.", resolve: (e) => e.actorType }),
  }),
});

builder.subscriptionField("tenantEvents", (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: TenantEventRef,
    description:
      "A tenant's events: first every event after `afterEventId` (all of them when absent), then each new one as it happens. Reconnect with the last id you received: nothing is missed or repeated.",
    args: {
      tenantId: t.arg.id({ required: true, description: "The tenant to follow." }),
      afterEventId: t.arg.int({ required: false, description: "The last event id you already have; every later one is sent." }),
    },
    subscribe: async function* (_root, args, context) {
      const tenantId = String(args.tenantId);
      await requireVisibleTenant(context, tenantId);
      // Listen before replaying, so an event committed during the replay is not lost; ids drop repeats.
      const live = context.services.bus.subscribe("tenant:event", tenantId)[Symbol.asyncIterator]();
      const pending = live.next();
      try {
        let last = args.afterEventId ?? 0;
        for (;;) {
          const page = await context.services.events.listAfter(tenantId, last, 500);
          for (const event of page) {
            last = event.id;
            yield event;
          }
          if (page.length < 500) break;
        }
        for (let next = await pending; !next.done; next = await live.next()) {
          if (next.value.id > last) {
            last = next.value.id;
            yield next.value;
          }
        }
      } finally {
        await live.return?.();
      }
    },
    resolve: (event) => event,
  }),
);
