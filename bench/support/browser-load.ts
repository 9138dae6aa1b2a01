/**
 * Signed-in browsers for the load benches: each connection is one person's browser (its own
 * session cookie, one keep-alive HTTP connection) going through the pages a real one asks for.
 * What Chromium sends against the production build (Remix 2, single fetch, lazy route discovery):
 *
 *   list page    GET /tenants                 the HTML document (first visit or reload)
 *   manifest     GET /__manifest?p=…&version  right after each document: the routes of the links on it
 *   tenant data  GET /tenants/<id>.data       clicking a tenant: both loaders of the tenant page
 *                                             (the tenant with its last events, and its recent logs
 *                                             read from Portainer)
 *   list data    GET /tenants.data            back to the list through the navigation
 *   tenant page  GET /tenants/<id>            the HTML document (a reload on a tenant page)
 *
 * A cycle is list page, manifest, tenant data, list data, tenant data, tenant page (the tenant just
 * opened), manifest, list data; each connection starts at its own place in it, and walks through
 * the tenants its user may see in its own shuffled order. Static assets are left out: a returning
 * browser has them cached (immutable), and its live WebSocket is bench/support/event-subscribers.ts.
 *
 * Every answer is checked, not only its status: a 200 with the page of the right user and tenant
 * (a sign-in redirect is a 302, or a 202 for a `.data` request, and counts as an error).
 */
import http from "node:http";
import { seededTenantId } from "../../test/seed-tenants";

export const KINDS = ["list page", "tenant page", "list data", "tenant data", "manifest"] as const;
export type Kind = (typeof KINDS)[number];
const CYCLE: readonly Kind[] = ["list page", "manifest", "tenant data", "list data", "tenant data", "tenant page", "manifest", "list data"];

export interface Browser {
  cookie: string;
  email: string;
  /** The tenants this user may see, in the order they are visited: seedTenants' numbers (`tenant-<i>`, named `Tenant <i>`). */
  tenants: number[];
  /** The tenant at the top of the user's list (the newest they may see). */
  newest: number;
}

export type Cause = "status" | "content" | "timeout" | "connection";

export interface Sample {
  kind: Kind;
  /** When it was sent (paced runs: when it was due), epoch ms. */
  start: number;
  ms: number;
  /** Why the answer does not count as a success (null: it does). */
  error: string | null;
  /** What kind of failure: an unexpected status (a sign-in redirect too), a wrong answer, no answer in time, a broken connection. */
  cause: Cause | null;
}

export interface LoadOptions {
  url: string;
  browsers: Browser[];
  seconds: number;
  timeoutMs: number;
  /** Open loop: this many requests a second over all connections, each on its schedule; latency counts from when it was due. */
  pacedRate?: number;
}

const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const DOCUMENT_HEADERS = {
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "sec-fetch-dest": "document",
  "sec-fetch-mode": "navigate",
  "sec-fetch-site": "same-origin",
  "user-agent": USER_AGENT,
};
const FETCH_HEADERS = { accept: "*/*", "sec-fetch-dest": "empty", "sec-fetch-mode": "cors", "sec-fetch-site": "same-origin", "user-agent": USER_AGENT };

const now = () => performance.timeOrigin + performance.now();

interface Answer {
  status: number;
  type: string;
  body: string;
}

/** One browser: its connection, where it is in the cycle, and what its last document linked to. */
class Session {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private step: number;
  private tenant: number;
  private visit = 1;
  private links: string[] = [];
  private version = "";

  constructor(
    private readonly options: LoadOptions,
    private readonly browser: Browser,
    start: number,
  ) {
    // Start anywhere in the cycle but on a manifest request, which needs the document before it.
    this.step = start % CYCLE.length;
    if (CYCLE[this.step] === "manifest") this.step -= 1;
    this.tenant = browser.tenants[0]!;
  }

  close(): void {
    this.agent.destroy();
  }

  /** Sends the next request of the cycle and checks its answer. */
  async next(due?: number): Promise<Sample> {
    const kind = CYCLE[this.step++ % CYCLE.length]!;
    if (kind === "tenant data") this.tenant = this.browser.tenants[this.visit++ % this.browser.tenants.length]!;
    const { path, headers, check } = this.request(kind);
    const start = due ?? now();
    let error: string | null;
    let cause: Cause | null = null;
    try {
      const answer = await this.get(path, headers);
      error = check(answer);
      if (error) cause = answer.status === 200 ? "content" : "status";
      else if (kind === "list page" || kind === "tenant page") this.readDocument(answer.body);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      cause = e instanceof TimeoutError ? "timeout" : "connection";
    }
    const ms = now() - start;
    if (!error && ms > this.options.timeoutMs) [error, cause] = [`timeout (${Math.round(ms)} ms)`, "timeout"];
    return { kind, start, ms, error: error ? `${kind} ${path}: ${error}` : null, cause };
  }

  private request(kind: Kind): { path: string; headers: Record<string, string>; check: (answer: Answer) => string | null } {
    const { email, newest } = this.browser;
    const id = seededTenantId(this.tenant);
    const name = `Tenant ${this.tenant}`;
    const html = (answer: Answer, ...needles: string[]) => expect(answer, "text/html", [`>${email}</span>`, ...needles]);
    const data = (answer: Answer, ...needles: string[]) => expect(answer, "text/x-script", [`"${email}"`, ...needles]);
    const document = { ...DOCUMENT_HEADERS, cookie: this.browser.cookie };
    const fetch = { ...FETCH_HEADERS, cookie: this.browser.cookie };
    switch (kind) {
      case "list page":
        return { path: "/tenants", headers: document, check: (a) => html(a, `data-tenant-id="${seededTenantId(newest)}"`) };
      case "tenant page":
        return { path: `/tenants/${id}`, headers: document, check: (a) => html(a, `>${name}</h1>`, 'data-testid="tenant-status"') };
      case "list data":
        return { path: "/tenants.data", headers: fetch, check: (a) => data(a, `"${seededTenantId(newest)}"`) };
      case "tenant data":
        return { path: `/tenants/${id}.data`, headers: fetch, check: (a) => data(a, `"${id}"`, `"${name}"`, '"events"') };
      case "manifest": {
        const query = [...this.links.map((p) => `p=${encodeURIComponent(p)}`), `version=${this.version}`].join("&");
        return { path: `/__manifest?${query}`, headers: fetch, check: (a) => expect(a, "application/json", ['"routes/_app.tenants.$id"']) };
      }
    }
  }

  /** What the next manifest request asks for: the paths of the links and forms Remix discovers, sorted. */
  private readDocument(body: string): void {
    const paths = new Set<string>();
    for (const [tag] of body.matchAll(/<(?:a|form)\b[^>]*\bdata-discover="true"[^>]*>/g)) {
      const target = /\b(?:href|action)="([^"]*)"/.exec(tag)?.[1];
      if (target?.startsWith("/")) paths.add(new URL(target.replaceAll("&amp;", "&"), "http://x").pathname);
    }
    this.links = [...paths].sort();
    this.version = /"version":\s*"([^"]+)"/.exec(body)?.[1] ?? "";
  }

  private get(path: string, headers: Record<string, string>): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${this.options.url}${path}`, { agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.setTimeout(this.options.timeoutMs, () => req.destroy(new TimeoutError(`timeout (no answer in ${this.options.timeoutMs} ms)`)));
      req.on("error", reject);
    });
  }
}

class TimeoutError extends Error {}

function expect(answer: Answer, type: string, needles: string[]): string | null {
  if (answer.status !== 200) return `status ${answer.status}${answer.body ? `: ${answer.body.slice(0, 200)}` : ""}`;
  if (!answer.type.startsWith(type)) return `content type ${answer.type}, expected ${type}`;
  const missing = needles.find((needle) => !answer.body.includes(needle));
  return missing ? `the answer lacks ${missing}` : null;
}

/**
 * Each browser goes once through the whole cycle, one request after another; returns the first
 * problem per browser (an empty list: every page answers as it should).
 */
export async function verifyBrowsers(options: Omit<LoadOptions, "seconds" | "pacedRate">): Promise<string[]> {
  const problems = await Promise.all(
    options.browsers.map(async (browser) => {
      const session = new Session({ ...options, seconds: 0 }, browser, 0);
      try {
        for (let i = 0; i < CYCLE.length; i++) {
          const sample = await session.next();
          if (sample.error) return `${browser.email}: ${sample.error}`;
        }
        return null;
      } finally {
        session.close();
      }
    }),
  );
  return problems.filter((p): p is string => p !== null);
}

/**
 * Runs every browser for `seconds`: closed loop (each sends its next request as soon as it has
 * the answer) or, with `pacedRate`, open loop on a fixed schedule. Requests still in flight at
 * the end are waited for and counted.
 */
export async function runBrowsers(options: LoadOptions): Promise<{ samples: Sample[]; seconds: number }> {
  const samples: Sample[] = [];
  const started = now();
  const end = started + options.seconds * 1000;
  const { pacedRate } = options;
  const count = options.browsers.length;
  await Promise.all(
    options.browsers.map(async (browser, index) => {
      const session = new Session(options, browser, index);
      try {
        if (!pacedRate) {
          while (now() < end) samples.push(await session.next());
          return;
        }
        // Connection i sends at started + (i / count + k) × interval: evenly spread, never in bursts.
        const interval = (1000 * count) / pacedRate;
        for (let k = 0; ; k++) {
          const due = started + (index / count + k) * interval;
          if (due >= end) return;
          const wait = due - now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          samples.push(await session.next(due));
        }
      } finally {
        session.close();
      }
    }),
  );
  return { samples, seconds: (now() - started) / 1000 };
}
