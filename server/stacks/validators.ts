/**
 * Field validators for everything that ends up in a tenant's stack file. Each returns either the
 * normalized value or one message written for the person who typed the value. They are strict on
 * purpose: whatever passes is plain data in the YAML, in Traefik labels and in the install script's
 * environment, so nothing a user types can become syntax in any of them.
 */
import { isIP } from "node:net";
import { domainToASCII } from "node:url";

/** Result of one field check. */
export type Check<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Check<T> => ({ ok: true, value });
const fail = <T>(message: string): Check<T> => ({ ok: false, message });

declare const hostnameBrand: unique symbol;
/** A lowercase ASCII host name that passed {@link parseHostname}; the only input {@link hostRule} accepts. */
export type Hostname = string & { readonly [hostnameBrand]: true };

/** Longest raw input any validator looks at, so a 10 KB string costs nothing and gets a clear message. */
const MAX_RAW_LENGTH = 1024;

function checkString(value: unknown, what: string): Check<string> {
  if (typeof value !== "string" || value.length === 0) return fail(`Enter ${what}.`);
  if (value.length > MAX_RAW_LENGTH) return fail(`This is far too long for ${what}.`);
  return ok(value);
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,30}$/;

/**
 * A tenant slug: 2–31 characters of `[a-z0-9-]`, starting with a letter or digit. It must also end with a
 * letter or digit, because Swarm rejects service names that end in a hyphen.
 */
export function parseSlug(value: unknown): Check<string> {
  const s = checkString(value, "a slug");
  if (!s.ok) return s;
  if (!SLUG.test(s.value) || s.value.endsWith("-")) {
    return fail(
      "Use 2 to 31 lowercase letters, digits or hyphens, starting and ending with a letter or digit.",
    );
  }
  return s;
}

/** ASCII characters allowed in a domain before IDN conversion; anything else ASCII is rejected up front. */
const DOMAIN_ASCII_ALLOWED = /^[A-Za-z0-9.-]$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A public host name for Traefik and Mautic's site URL. Internationalized names are converted to
 * punycode with `node:url`'s `domainToASCII` (UTS #46, as browsers do), upper case becomes lower case.
 * Wildcards, IP literals, ports, paths, a trailing dot and single-label names are rejected.
 */
export function parseHostname(value: unknown): Check<Hostname> {
  const s = checkString(value, "a domain name");
  if (!s.ok) return s;
  const raw = s.value;
  // Checked before the conversion, which would otherwise silently cut "a.com/x" down to "a.com".
  for (const ch of raw) {
    if (ch.codePointAt(0)! < 0x80 && !DOMAIN_ASCII_ALLOWED.test(ch)) {
      if (ch === "*") return fail("Wildcard domains are not supported; enter one host name.");
      if (ch === ":" || ch === "[") return fail("Enter a domain name, not an address or a port.");
      return fail("A domain name may only contain letters, digits, hyphens and dots.");
    }
  }
  if (isIP(raw) !== 0) return fail("Enter a domain name, not an IP address.");
  const ascii = domainToASCII(raw);
  if (ascii === "") return fail("This is not a valid domain name.");
  if (ascii.endsWith(".")) return fail("Remove the trailing dot.");
  if (isIP(ascii) !== 0) return fail("Enter a domain name, not an IP address.");
  if (ascii.length > 253) return fail("A domain name may have at most 253 characters.");
  const labels = ascii.split(".");
  if (labels.length < 2) return fail("Enter a fully qualified domain name such as mautic.example.com.");
  for (const label of labels) {
    if (label.length === 0) return fail("A domain name cannot contain empty labels (two dots in a row).");
    if (label.length > 63) return fail("Each part of a domain name may have at most 63 characters.");
    if (!LABEL.test(label)) {
      return fail("Each part of a domain name must start and end with a letter or digit.");
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) {
    return fail("Enter a domain name, not an IP address.");
  }
  return ok(ascii as Hostname);
}

/** A Traefik `Host` rule for one validated host name; a backtick can never reach it. */
export function hostRule(host: Hostname): string {
  return "Host(`" + host + "`)";
}

const EMAIL_LOCAL = /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*$/;

/**
 * An e-mail address for the Mautic admin account: a conservative ASCII local part (letters, digits and
 * `._%+-`; no quotes or `$`, which Compose would interpolate) and a domain checked like {@link parseHostname}.
 */
export function parseEmail(value: unknown): Check<string> {
  const s = checkString(value, "an e-mail address");
  if (!s.ok) return s;
  const at = s.value.lastIndexOf("@");
  if (at <= 0 || at === s.value.length - 1) return fail("Enter an e-mail address such as admin@example.com.");
  const local = s.value.slice(0, at);
  if (local.length > 64) return fail("The part before @ may have at most 64 characters.");
  if (!EMAIL_LOCAL.test(local)) {
    return fail("The part before @ may only contain letters, digits and . _ % + - (no dot at either end).");
  }
  const domain = parseHostname(s.value.slice(at + 1));
  if (!domain.ok) return fail(`The part after @ is not valid: ${domain.message}`);
  const email = `${local}@${domain.value}`;
  if (email.length > 254) return fail("An e-mail address may have at most 254 characters.");
  return ok(email);
}

const IMAGE_REFERENCE =
  /^(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * A pinned image reference: `[registry/]repository:tag`, `…@sha256:<digest>` or both. A missing tag and
 * `latest` are rejected because a moving tag would let a routine redeploy upgrade (and migrate) a tenant.
 */
export function parseImageReference(value: unknown): Check<string> {
  const s = checkString(value, "an image reference");
  if (!s.ok) return s;
  const match = IMAGE_REFERENCE.exec(s.value);
  if (match === null || s.value.length > 255) {
    return fail("Enter an image reference such as mautic/mautic:7.2.0-apache.");
  }
  const tag = match[1];
  const hasDigest = s.value.includes("@sha256:");
  if (tag === undefined && !hasDigest) return fail("Pin the image with a version tag or a digest.");
  if (tag === "latest") return fail("Use a pinned version tag instead of latest.");
  return s;
}

/** Chosen image, which must also be one the operator allowed. */
export function parseAllowedImage(value: unknown, allowedImages: readonly string[]): Check<string> {
  const image = parseImageReference(value);
  if (!image.ok) return image;
  if (!allowedImages.includes(image.value)) return fail("This image is not one of the allowed Mautic images.");
  return image;
}

const OBJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$/;

/** A Docker config or secret name (at most 64 characters of `[A-Za-z0-9_.-]`). */
export function parseDockerObjectName(value: unknown): Check<string> {
  const s = checkString(value, "a Docker object name");
  if (!s.ok) return s;
  if (!OBJECT_NAME.test(s.value)) {
    return fail("Use at most 64 letters, digits, dots, underscores or hyphens, starting and ending with a letter or digit.");
  }
  return s;
}

const NODE_HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$/;

/** A Swarm node's host name as Docker reports it, used in a `node.hostname == …` constraint. */
export function parseNodeHostname(value: unknown): Check<string> {
  const s = checkString(value, "a node host name");
  if (!s.ok) return s;
  if (!NODE_HOSTNAME.test(s.value)) {
    return fail("A node host name may only contain letters, digits, dots, underscores and hyphens.");
  }
  return s;
}

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A tenant id (a cuid in practice), used as a label value. */
export function parseTenantId(value: unknown): Check<string> {
  const s = checkString(value, "a tenant id");
  if (!s.ok) return s;
  if (!TENANT_ID.test(s.value)) return fail("A tenant id may only contain letters, digits, underscores and hyphens.");
  return s;
}

const MYSQL_IDENTIFIER = /^[a-z][a-z0-9_]{0,31}$/;

/** A MySQL database or user name: the MySQL image pastes it into SQL, so only `[a-z0-9_]` and 32 characters. */
export function parseMysqlIdentifier(value: unknown): Check<string> {
  const s = checkString(value, "a MySQL name");
  if (!s.ok) return s;
  if (!MYSQL_IDENTIFIER.test(s.value)) {
    return fail("Use 1 to 32 lowercase letters, digits or underscores, starting with a letter.");
  }
  return s;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The Mautic admin user name. */
export function parseUsername(value: unknown): Check<string> {
  const s = checkString(value, "a user name");
  if (!s.ok) return s;
  if (!USERNAME.test(s.value)) {
    return fail("Use up to 64 letters, digits, dots, underscores or hyphens, starting with a letter or digit.");
  }
  return s;
}

const PERSON_NAME = /^\p{L}\p{M}*(?:(?:\. |[ '.-])?[\p{L}\p{M}])*\.?$/u;

/**
 * A first or last name for the Mautic admin account: letters of any script (NFC-normalized), single
 * spaces, apostrophes, hyphens and dots; no digits, symbols, control or invisible formatting characters.
 */
export function parsePersonName(value: unknown): Check<string> {
  const s = checkString(value, "a name");
  if (!s.ok) return s;
  const name = s.value.normalize("NFC");
  if ([...name].length > 64) return fail("A name may have at most 64 characters.");
  if (!PERSON_NAME.test(name)) {
    return fail("Use letters, single spaces, apostrophes, hyphens and dots only.");
  }
  return ok(name);
}

const TRAEFIK_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})$/;

/** A Traefik entry point or certificate resolver name from Traefik's static configuration. */
export function parseTraefikName(value: unknown): Check<string> {
  const s = checkString(value, "a Traefik name");
  if (!s.ok) return s;
  if (!TRAEFIK_NAME.test(s.value)) return fail("Use up to 63 letters, digits, underscores or hyphens.");
  return s;
}

const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** The name of an existing Docker network. */
export function parseNetworkName(value: unknown): Check<string> {
  const s = checkString(value, "a network name");
  if (!s.ok) return s;
  if (!NETWORK_NAME.test(s.value)) return fail("Use up to 63 letters, digits, dots, underscores or hyphens.");
  return s;
}

/**
 * An IPv4 or IPv6 address or CIDR block for Mautic's trusted proxies. The install script writes it into a
 * PHP file, so only address characters can pass.
 */
export function parseCidr(value: unknown): Check<string> {
  const s = checkString(value, "an IP range");
  if (!s.ok) return s;
  const [address, prefix, extra] = s.value.split("/");
  const family = isIP(address ?? "");
  if (family === 0 || extra !== undefined || !/^[0-9A-Fa-f.:]+$/.test(address ?? "")) {
    return fail("Enter an IP address or a CIDR block such as 10.0.0.0/8.");
  }
  if (prefix !== undefined) {
    const max = family === 4 ? 32 : 128;
    if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > max) {
      return fail(`The prefix length must be a number from 0 to ${max}.`);
    }
  }
  return s;
}
