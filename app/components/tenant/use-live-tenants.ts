import { useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { useLiveConnected, useSubscription } from "../live-client";

/** What a list row shows that changes while people watch. */
export interface LiveTenantFields {
  id: string;
  status: string;
  phase: string | null;
  updatedAt: string;
  health: { overall: string } | null;
}

const SUBSCRIPTION = /* GraphQL */ `
  subscription UiTenantUpdated {
    tenantUpdated { id status phase updatedAt health { overall } }
  }
`;

/**
 * The listed tenants with their status, phase and health kept current over WebSocket
 * (`tenantUpdated` for every tenant the viewer may see): the rows change in place, without a
 * reload. A change counts only while it is at least as new as the row the loader gave (a later
 * reload wins); changes to tenants not on the list are ignored. After a lost connection the
 * page's data is fetched again, so nothing missed meanwhile stays stale.
 */
export function useLiveTenants<T extends LiveTenantFields>(tenants: T[]): { tenants: T[]; connected: boolean } {
  const [changes, setChanges] = useState<Record<string, LiveTenantFields>>({});
  const revalidator = useRevalidator();
  const connected = useLiveConnected();
  const ids = tenants.map((t) => t.id);
  useSubscription<{ tenantUpdated: LiveTenantFields }>({
    key: ids.length === 0 ? null : "tenants",
    query: SUBSCRIPTION,
    variables: () => ({}),
    onData: ({ tenantUpdated: change }) => {
      if (!ids.includes(change.id)) return;
      setChanges((current) => ({ ...current, [change.id]: change }));
    },
    onReconnected: () => revalidator.revalidate(),
  });
  return {
    tenants: tenants.map((t) => {
      const change = changes[t.id];
      if (!change || Date.parse(change.updatedAt) < Date.parse(t.updatedAt)) return t;
      return { ...t, status: change.status, phase: change.phase, health: change.health, updatedAt: change.updatedAt };
    }),
    connected,
  };
}
