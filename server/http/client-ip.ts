/**
 * The client's IP address. X-Forwarded-For is believed only through the proxies named in
 * TRUST_PROXY (the panel runs behind Traefik); otherwise the socket's peer address counts.
 * Express, WebSocket upgrades and in-process callers all use this one function.
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";

const compiled = new Map<string, (addr: string, i: number) => boolean>();

export function trustFunction(trustProxy: string[]): (addr: string, i: number) => boolean {
  const key = trustProxy.join(",");
  let fn = compiled.get(key);
  if (!fn) {
    fn = trustProxy.length === 0 ? () => false : proxyAddr.compile(trustProxy);
    compiled.set(key, fn);
  }
  return fn;
}

export function clientIpOf(req: IncomingMessage, trustProxy: string[]): string {
  if (!req.socket) return "unknown";
  try {
    return proxyAddr(req, trustFunction(trustProxy)) || "unknown";
  } catch {
    return req.socket.remoteAddress ?? "unknown";
  }
}
