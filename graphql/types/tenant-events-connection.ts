/**
 * `Tenant.events`: the tenant's event log as a Relay connection, oldest first. The cursor of an
 * edge is its event id as a string, so it can be mixed with `afterEventId` of the
 * `tenantEvents` query and subscription.
 */
import { resolveCursorConnection } from "@pothos/plugin-relay";
import { ValidationError } from "../../server/errors";
import type { TenantEventRecord } from "../../server/events/tenant-events";
import { builder } from "../builder";
import { TenantRef } from "./tenant";
import { TenantEventRef } from "./tenant-event";

export const TENANT_EVENTS_PAGE_MAX = 500;

function eventId(cursor: string | undefined, field: "after" | "before"): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,15}$/.test(cursor)) throw new ValidationError([{ field, message: "A cursor is an event id, e.g. \"42\"" }]);
  return Number(cursor);
}

builder.prismaObjectField(TenantRef, "events", (t) =>
  t.connection(
    {
      type: TenantEventRef,
      description: `The tenant's events, oldest first (at most ${TENANT_EVENTS_PAGE_MAX} per page, 100 by default). A cursor is the event's id.`,
      resolve: (tenant, args, context) =>
        resolveCursorConnection<Promise<TenantEventRecord[]>>(
          { args, toCursor: (event) => String(event.id), defaultSize: 100, maxSize: TENANT_EVENTS_PAGE_MAX },
          ({ after, before, limit, inverted }) =>
            context.services.events.listPage(tenant.id, {
              afterId: eventId(after, "after"),
              beforeId: eventId(before, "before"),
              limit,
              fromNewest: inverted,
            }),
        ),
    },
    { description: "A page of a tenant's events, oldest first." },
    { description: "One event of the tenant and its cursor (the event id)." },
  ),
);
