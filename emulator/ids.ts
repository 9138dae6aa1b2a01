/**
 * Identifier generation. Swarm object IDs are 25 lower-case base-36 characters, container IDs are
 * 64 hex characters; matching the shapes keeps clients that validate or truncate IDs honest.
 * A seed makes every ID reproducible across runs, which keeps test failures readable.
 */
import { randomBytes } from "node:crypto";

/** mulberry32: a small, fast seeded generator of 32-bit unsigned integers. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Seeded floats in [0, 1): the same sequence on every run (tests, campaigns, benches). */
export function seededRandom(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** Produces IDs; deterministic when seeded. */
export class IdGenerator {
  private readonly next: (() => number) | null;

  constructor(seed?: number) {
    this.next = seed === undefined ? null : mulberry32(seed);
  }

  /** A 25-character swarm-style ID (service, task, node, network, config, secret, swarm). */
  swarmId(): string {
    const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    let out = "";
    for (const byte of this.bytes(25)) out += alphabet[byte % 36];
    return out;
  }

  /** A 64-hex-character ID (containers, digests). */
  hex64(): string {
    return Buffer.from(this.bytes(32)).toString("hex");
  }

  /** A random UUID v4 string (Portainer's InstanceID). */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const h = Buffer.from(b).toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  private bytes(n: number): number[] {
    const next = this.next;
    if (!next) return [...randomBytes(n)];
    return Array.from({ length: n }, () => next() & 0xff);
  }
}
