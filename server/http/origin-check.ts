/**
 * Cross-site request protection for everything that changes state (form posts, GraphQL
 * mutations, REST) and for WebSocket upgrades. Browsers say where a request comes from
 * (`Sec-Fetch-Site`, `Origin`); a request from another site is refused. A request with neither
 * header does not come from a browser page, so it cannot ride on a victim's cookie, and passes.
 * See docs/decisions/004-sessions-and-csrf.md.
 */
import type { IncomingHttpHeaders } from "node:http";

export function isCrossSite(headers: IncomingHttpHeaders, appOrigin: string): boolean {
  const fetchSite = single(headers["sec-fetch-site"]);
  if (fetchSite === "same-origin" || fetchSite === "none") return false;
  const origin = single(headers.origin);
  if (!origin) return fetchSite !== undefined; // a browser that says cross-site/same-site but hides its origin
  if (origin === "null") return true;
  if (origin === appOrigin) return false;
  try {
    return new URL(origin).host !== single(headers.host);
  } catch {
    return true;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isUnsafeMethod(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? "GET").toUpperCase());
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
