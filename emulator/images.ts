/**
 * A stand-in for the registry that `docker stack deploy` queries to pin images by digest
 * (`--resolve-image=always`, the default on create). Pushing a tag gives it a new digest, so a
 * test can check that `PullImage: true` rolls out a new build under the same tag while the
 * default `PullImage: false` (`--resolve-image=never`) keeps the pinned one.
 */
import { createHash } from "node:crypto";

/** Tag → digest map with a generation counter per tag. */
export class ImageRegistry {
  private readonly generations = new Map<string, number>();

  /** `sha256:<hex>` of the tag's current build. */
  digest(ref: string): string {
    const generation = this.generations.get(ref) ?? 0;
    return `sha256:${createHash("sha256").update(`${ref}#${generation}`).digest("hex")}`;
  }

  /** Pins `ref` the way the daemon does: `<ref>@sha256:<hex>` (digest references stay as they are). */
  pin(ref: string): string {
    return ref.includes("@") ? ref : `${ref}@${this.digest(ref)}`;
  }

  /** Simulates a new build pushed under the same tag; returns the new digest. */
  push(ref: string): string {
    this.generations.set(ref, (this.generations.get(ref) ?? 0) + 1);
    return this.digest(ref);
  }
}
