/**
 * Holds many `tenantEvents` subscriptions, one graphql-ws WebSocket each (a browser tab open on a
 * tenant page: its session cookie, the same-origin Origin header, the UI's own subscription), in a
 * process of its own so that a load generator does not delay the arrivals it timestamps. Run it
 * with child_process.fork (IPC); it obeys these messages:
 *
 *   { type: "start", url, afterEventId, subscriptions: [{ cookie, tenantId }] }
 *        opens them all; answers { type: "connected", count } once every socket is acknowledged
 *   { type: "report" }
 *        answers { type: "report", arrivals: [[eventId, [epoch ms, …]], …], problems: [...] }: every
 *        event received so far with the time each copy arrived (timeOrigin + performance.now(),
 *        the clock seeded-panel.ts stamps `emitted` lines with), and what went wrong (a socket
 *        closed, a subscription error, an event received twice or out of order by one subscriber)
 *   { type: "stop" }  closes everything and exits
 */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

interface Start {
  type: "start";
  url: string;
  afterEventId: number;
  subscriptions: { cookie: string; tenantId: string }[];
}
type Message = Start | { type: "report" } | { type: "stop" };

/** The subscription the tenant page runs (app/components/use-live-events.ts). */
const SUBSCRIPTION = /* GraphQL */ `
  subscription UiTenantEvents($id: ID!, $after: Int) {
    tenantEvents(tenantId: $id, afterEventId: $after) { id createdAt level type phase message }
  }
`;

const now = () => performance.timeOrigin + performance.now();
const arrivals = new Map<number, number[]>();
const problems: string[] = [];
const clients: Client[] = [];
let stopping = false;

function send(message: object): void {
  process.send!(message);
}

function start({ url, afterEventId, subscriptions }: Start): void {
  const wsUrl = `${url.replace(/^http/, "ws")}/graphql`;
  let connected = 0;
  subscriptions.forEach(({ cookie, tenantId }, index) => {
    // A browser sends its cookie and its page's origin with the upgrade.
    class BrowserSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { cookie }, origin: url });
      }
    }
    const client = createClient({
      url: wsUrl,
      webSocketImpl: BrowserSocket,
      lazy: false,
      retryAttempts: 0,
      // Problems are collected below, not printed.
      onNonLazyError: () => undefined,
      on: {
        connected: () => {
          connected += 1;
          if (connected === subscriptions.length) send({ type: "connected", count: connected });
        },
        closed: (event) => {
          if (!stopping) problems.push(`subscriber ${index} (${tenantId}): socket closed (${(event as { code?: number }).code ?? "?"})`);
        },
      },
    });
    clients.push(client);
    let last = afterEventId;
    client.subscribe<{ tenantEvents: { id: number } }>(
      { query: SUBSCRIPTION, variables: { id: tenantId, after: afterEventId } },
      {
        next: (value) => {
          const at = now();
          const id = value.data?.tenantEvents?.id;
          if (id === undefined) return void problems.push(`subscriber ${index} (${tenantId}): ${JSON.stringify(value).slice(0, 300)}`);
          if (id <= last) problems.push(`subscriber ${index} (${tenantId}): event ${id} after ${last} (repeated or out of order)`);
          last = Math.max(last, id);
          const times = arrivals.get(id);
          if (times) times.push(at);
          else arrivals.set(id, [at]);
        },
        error: (error) => problems.push(`subscriber ${index} (${tenantId}): ${error instanceof Error ? error.message : JSON.stringify(error).slice(0, 300)}`),
        complete: () => {
          if (!stopping) problems.push(`subscriber ${index} (${tenantId}): the subscription completed`);
        },
      },
    );
  });
}

// The bench went away: nothing is left to report to.
process.on("disconnect", () => {
  stopping = true;
  process.exit(0);
});
process.on("message", (message: Message) => {
  if (message.type === "start") start(message);
  else if (message.type === "report") send({ type: "report", arrivals: [...arrivals], problems });
  else if (message.type === "stop") {
    stopping = true;
    void Promise.all(clients.map((client) => client.dispose())).then(() => process.exit(0));
  }
});
