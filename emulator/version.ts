/**
 * Portainer version handling: which behaviour family a configured version selects, and the
 * small wire differences between releases that clients can observe.
 *
 * Sources: shared/reference/portainer-api.md (§2, §3, §10 and the corrections at its top) and
 * portainer-verification.md.
 */
import { EmulatorConfigError } from "./errors";

/** The two behaviour families the emulator reproduces. */
export type DeployFamily = "sync" | "async";

/** A parsed Portainer version plus every behaviour switch derived from it. */
export interface PortainerVersion {
  /** The version string reported by `/api/system/status`, e.g. `2.23.0`. */
  readonly raw: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** `sync` for releases before 2.40 (verified for 2.20–2.39), `async` from then on. */
  readonly family: DeployFamily;
  /** 2.20.0 started upper-casing the first letter of `details` (commit 704d75596). */
  readonly capitalizeDetails: boolean;
  /** 2.19.x wrote error bodies with `encoding/json` `Encode`, which appends a newline. */
  readonly errorTrailingNewline: boolean;
  /** 2.19.x: one British-spelled 401 for every auth failure and no both-headers 403. */
  readonly legacyAuth: boolean;
  /**
   * Portainer 2.21–2.39 bundle docker CLI v27, whose `stack deploy` prints the `--detach` warning
   * to stderr before any deploy error; Portainer returns the whole stderr as the message.
   */
  readonly cliDetachWarning: boolean;
  /** 2.22.0 removed `IsComposeFormat` from the Stack object. */
  readonly stackHasIsComposeFormat: boolean;
}

/** The newest behaviour, used when no version is configured. */
export const DEFAULT_PORTAINER_VERSION = "2.45.0";

/** The warning docker CLI v27 prints to stderr when `--detach` is not passed explicitly. */
export const CLI_DETACH_WARNING =
  "Since --detach=false was not specified, tasks will be created in the background.\n" +
  "In a future release, --detach=false will become the default.";

const VERSION_RE = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * Parses `X.Y[.Z]` and derives the behaviour switches.
 *
 * 2.40–2.44 are not covered by the reference; they get the asynchronous family because the
 * brief asks for the newest documented behaviour where the reference is silent.
 */
export function parsePortainerVersion(raw: string): PortainerVersion {
  const match = VERSION_RE.exec(raw.trim());
  if (!match) {
    throw new EmulatorConfigError(`invalid Portainer version "${raw}": expected X.Y.Z`);
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const patch = Number(match[3] ?? "0");
  const at = (maj: number, min: number): boolean => major > maj || (major === maj && minor >= min);
  const before = (maj: number, min: number): boolean => !at(maj, min);
  return {
    raw: `${major}.${minor}.${patch}`,
    major,
    minor,
    patch,
    family: at(2, 40) ? "async" : "sync",
    capitalizeDetails: at(2, 20),
    errorTrailingNewline: before(2, 20),
    legacyAuth: before(2, 20),
    cliDetachWarning: at(2, 21) && before(2, 40),
    stackHasIsComposeFormat: before(2, 22),
  };
}

/**
 * Go's `capitalize` in `pkg/libhttp/error`: upper-cases the first byte only, so a string that
 * starts with a multi-byte character is left alone.
 */
export function capitalizeFirstByte(text: string): string {
  if (text.length === 0) return text;
  const first = text.charCodeAt(0);
  if (first >= 0x61 && first <= 0x7a) return String.fromCharCode(first - 32) + text.slice(1);
  return text;
}
