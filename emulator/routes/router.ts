/**
 * A minimal path router: `{name}` matches one segment, a final `{name*}` the rest of the path;
 * method `*` matches every method.
 * Each route keeps its pattern so requests can be counted per `METHOD /pattern`.
 */
import type { RequestContext } from "../http";

/** A route handler. */
export type Handler<C = RequestContext> = (ctx: C) => Promise<void> | void;

interface Route<C> {
  method: string;
  pattern: string;
  segments: string[];
  handler: Handler<C>;
}

/** Result of {@link Router.match}. */
export type RouteMatch<C = RequestContext> =
  | { kind: "found"; pattern: string; params: Record<string, string>; handler: Handler<C> }
  | { kind: "method-not-allowed"; pattern: string }
  | { kind: "not-found" };

/** Ordered list of routes; the first match wins. */
export class Router<C = RequestContext> {
  private readonly routes: Array<Route<C>> = [];

  add(method: string, pattern: string, handler: Handler<C>): this {
    this.routes.push({ method, pattern, segments: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  get(pattern: string, handler: Handler<C>): this {
    return this.add("GET", pattern, handler);
  }

  post(pattern: string, handler: Handler<C>): this {
    return this.add("POST", pattern, handler);
  }

  put(pattern: string, handler: Handler<C>): this {
    return this.add("PUT", pattern, handler);
  }

  delete(pattern: string, handler: Handler<C>): this {
    return this.add("DELETE", pattern, handler);
  }

  match(method: string, path: string): RouteMatch<C> {
    const parts = path.split("/").filter(Boolean);
    let wrongMethod: string | undefined;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      // `*` routes take every method; HEAD is served by GET handlers.
      if (route.method === method || route.method === "*" || (method === "HEAD" && route.method === "GET")) {
        return { kind: "found", pattern: route.pattern, params, handler: route.handler };
      }
      wrongMethod ??= route.pattern;
    }
    return wrongMethod ? { kind: "method-not-allowed", pattern: wrongMethod } : { kind: "not-found" };
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? "";
    if (segment.startsWith("{") && segment.endsWith("*}")) {
      params[segment.slice(1, -2)] = parts.slice(i).map(decodeSegment).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.startsWith("{") && segment.endsWith("}")) params[segment.slice(1, -1)] = decodeSegment(part);
    else if (segment !== part) return undefined;
  }
  return parts.length === segments.length ? params : undefined;
}

/** Percent-decodes a path segment; a malformed escape is kept as written. */
function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
