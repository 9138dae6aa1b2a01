/**
 * The app instance's in-memory publish/subscribe (ADR 003): services and the worker publish
 * after their writes commit; GraphQL subscriptions listen. Topics are typed in one map.
 */
import { setMaxListeners } from "node:events";
import { createPubSub, type PubSub } from "@graphql-yoga/subscription";
import type { TenantEventRecord } from "./tenant-events";

export interface TenantChange {
  tenantId: string;
  status: string;
  phase: string | null;
}

export type EventTopics = {
  /** Every tenant event, per tenant. */
  "tenant:event": [tenantId: string, event: TenantEventRecord];
  /** Any tenant event (admin-wide views). */
  "tenant:event:any": [event: TenantEventRecord];
  /** A tenant's status, phase or health changed. */
  "tenant:changed": [change: TenantChange];
};

export type EventBus = PubSub<EventTopics>;

export function createEventBus(): EventBus {
  // An EventTarget of our own: hundreds of subscribers to one tenant are expected, not a leak.
  const eventTarget = new EventTarget();
  setMaxListeners(0, eventTarget);
  return createPubSub<EventTopics>({ eventTarget: eventTarget as never });
}
