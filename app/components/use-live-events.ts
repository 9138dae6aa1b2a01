import { useEffect, useRef, useState } from "react";
import { createClient } from "graphql-ws";

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
  const [connected, setConnected] = useState(false);
  const last = useRef(initial.at(-1)?.id ?? 0);
  const callback = useRef(onEvent);
  callback.current = onEvent;

  useEffect(() => {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
    const client = createClient({
      url,
      lazy: false,
      retryAttempts: Infinity,
      on: { connected: () => setConnected(true), closed: () => setConnected(false) },
    });
    let unsubscribe = () => {};
    const subscribe = () => {
      unsubscribe = client.subscribe<{ tenantEvents: LiveEvent }>(
        { query: SUBSCRIPTION, variables: { id: tenantId, after: last.current } },
        {
          next: ({ data }) => {
            const event = data?.tenantEvents;
            if (!event || event.id <= last.current) return;
            last.current = event.id;
            setEvents((list) => [...list, event]);
            callback.current?.(event);
          },
          error: () => setConnected(false),
          complete: () => undefined,
        },
      );
    };
    // graphql-ws re-sends the same operation on reconnect; resubscribe instead so `after` is current.
    const off = client.on("connected", (_socket, _payload, wasRetry) => {
      if (wasRetry) {
        unsubscribe();
        subscribe();
      }
    });
    subscribe();
    return () => {
      off();
      unsubscribe();
      void client.dispose();
    };
  }, [tenantId]);

  return { events, connected };
}
