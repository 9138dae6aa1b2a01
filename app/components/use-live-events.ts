import { useRef, useState } from "react";
import { useLiveConnected, useSubscription } from "./live-client";

export interface LiveEvent {
  id: number;
  createdAt: string;
  level: "INFO" | "WARN" | "ERROR";
  type: string;
  phase: string | null;
  message: string;
}

const SUBSCRIPTION = /* GraphQL */ `
  subscription UiTenantEvents($id: ID!, $after: Int) {
    tenantEvents(tenantId: $id, afterEventId: $after) { id createdAt level type phase message }
  }
`;

/**
 * The server-rendered events plus every later one, live over WebSocket (same cookie session).
 * After a dropped connection graphql-ws reconnects and the subscription resumes after the last
 * id received, so nothing is missed or shown twice.
 */
export function useLiveEvents(tenantId: string, initial: LiveEvent[], onEvent?: (event: LiveEvent) => void) {
  const [events, setEvents] = useState(initial);
  const last = useRef(initial.at(-1)?.id ?? 0);
  const connected = useLiveConnected();
  useSubscription<{ tenantEvents: LiveEvent }>({
    key: tenantId,
    query: SUBSCRIPTION,
    variables: () => ({ id: tenantId, after: last.current }),
    onData: ({ tenantEvents: event }) => {
      if (!event || event.id <= last.current) return;
      last.current = event.id;
      setEvents((list) => [...list, event]);
      onEvent?.(event);
    },
  });
  return { events, connected };
}
