/**
 * The browser's one live connection to the panel: GraphQL subscriptions over WebSocket
 * (graphql-ws, protocol graphql-transport-ws) on /graphql, signed in by the session cookie.
 * Every live part of a page shares it; it opens with the first subscription, closes a little
 * after the last one ends, and is dropped when the signed-in shell goes away (sign-out), so a
 * later sign-in never reuses a socket opened with another session.
 */
import { createClient, type Client } from "graphql-ws";
import { useEffect, useRef, useState } from "react";

let client: Client | null = null;
let connected = false;
const connectionListeners = new Set<(connected: boolean) => void>();

function setConnected(value: boolean): void {
  connected = value;
  for (const listener of connectionListeners) listener(value);
}

function liveClient(): Client {
  if (!client) {
    client = createClient({
      url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
      lazy: true,
      // Pages hand subscriptions over when people navigate: keep the socket for that moment.
      lazyCloseTimeout: 5_000,
      retryAttempts: Infinity,
      on: { connected: () => setConnected(true), closed: () => setConnected(false) },
    });
  }
  return client;
}

/** Closes the live connection (the signed-in shell calls this when it goes away). */
export function disposeLiveClient(): void {
  const current = client;
  client = null;
  setConnected(false);
  void current?.dispose();
}

/** Whether the live connection is up (false on the server and before it opens). */
export function useLiveConnected(): boolean {
  const [value, setValue] = useState(false);
  useEffect(() => {
    setValue(connected);
    connectionListeners.add(setValue);
    return () => {
      connectionListeners.delete(setValue);
    };
  }, []);
  return value;
}

/**
 * Runs a subscription while the component is mounted (browser only) and calls `onData` with each
 * result. `key` says when to start over (null: do not subscribe); `variables` is read each time
 * it (re)subscribes. After the connection was lost and came back, it subscribes anew (with fresh
 * variables, e.g. the last event id received) and calls `onReconnected`, so the page can fetch
 * what it missed meanwhile.
 */
export function useSubscription<TData>(options: {
  key: string | null;
  query: string;
  variables: () => Record<string, unknown>;
  onData: (data: TData) => void;
  onReconnected?: () => void;
}): void {
  const latest = useRef(options);
  latest.current = options;
  const { key, query } = options;

  useEffect(() => {
    if (key === null) return;
    const live = liveClient();
    let unsubscribe = () => {};
    const subscribe = () => {
      unsubscribe = live.subscribe<TData>(
        { query, variables: latest.current.variables() },
        {
          next: ({ data }) => {
            if (data) latest.current.onData(data as TData);
          },
          // Refused (e.g. the session ended) or the server went away: the connection state says so.
          error: () => undefined,
          complete: () => undefined,
        },
      );
    };
    // graphql-ws sends the same operation again after a reconnect; start over instead, so the
    // variables are current.
    const off = live.on("connected", (_socket, _payload, wasRetry) => {
      if (!wasRetry) return;
      unsubscribe();
      subscribe();
      latest.current.onReconnected?.();
    });
    subscribe();
    return () => {
      off();
      unsubscribe();
    };
  }, [key, query]);
}
