import { describe, expect, it } from "vitest";
import {
  hostRule,
  parseAllowedImage,
  parseCidr,
  parseDockerObjectName,
  parseEmail,
  parseHostname,
  parseImageReference,
  parseMysqlIdentifier,
  parseNodeHostname,
  parsePersonName,
  parseSlug,
  parseTraefikName,
  parseUsername,
  type Check,
} from "./validators";

const value = <T>(check: Check<T>) => (check.ok ? check.value : `ERROR: ${check.message}`);
const rejected = <T>(check: Check<T>) => !check.ok;

describe("parseSlug", () => {
  it.each(["ab", "acme", "a1", "0day", "b2b-shop", "a".repeat(31), "x-y-z"])("accepts %j", (slug) => {
    expect(value(parseSlug(slug))).toBe(slug);
  });
  it.each(["", "a", "-acme", "acme-", "Acme", "ac_me", "ac.me", "a".repeat(32), "acme\n", " acme", "äcme"])(
    "rejects %j",
    (slug) => {
      expect(parseSlug(slug)).toStrictEqual({
        ok: false,
        message: slug === "" ? "Enter a slug." : "Use 2 to 31 lowercase letters, digits or hyphens, starting and ending with a letter or digit.",
      });
    },
  );
  it("rejects non-strings", () => {
    expect(rejected(parseSlug(42))).toBe(true);
    expect(rejected(parseSlug(null))).toBe(true);
  });
});

describe("parseHostname", () => {
  it.each([
    ["mautic.acme.example", "mautic.acme.example"],
    ["Mautic.ACME.Example", "mautic.acme.example"],
    ["münchen.de", "xn--mnchen-3ya.de"],
    ["ΕΛΛΑΣ.gr", "xn--mxahsa5b.gr"],
    ["ｅｘａｍｐｌｅ.com", "example.com"],
    ["a。b", "a.b"],
    ["xn--mnchen-3ya.de", "xn--mnchen-3ya.de"],
    ["a-b.c-d.example", "a-b.c-d.example"],
    [`${"a".repeat(63)}.example`, `${"a".repeat(63)}.example`],
  ])("accepts %j as %j", (input, expected) => {
    expect(value(parseHostname(input))).toBe(expected);
  });
  it.each([
    ["", "Enter a domain name."],
    ["localhost", "Enter a fully qualified domain name such as mautic.example.com."],
    ["*.acme.example", "Wildcard domains are not supported; enter one host name."],
    ["acme.example.", "Remove the trailing dot."],
    ["1.2.3.4", "Enter a domain name, not an IP address."],
    ["0x7f.1", "Enter a domain name, not an IP address."],
    ["example.123", "This is not a valid domain name."],
    ["[::1]", "Enter a domain name, not an address or a port."],
    ["acme.example:443", "Enter a domain name, not an address or a port."],
    ["acme.example/path", "A domain name may only contain letters, digits, hyphens and dots."],
    ["a_b.example", "A domain name may only contain letters, digits, hyphens and dots."],
    ["a..example", "A domain name cannot contain empty labels (two dots in a row)."],
    ["-a.example", "Each part of a domain name must start and end with a letter or digit."],
    [`${"a".repeat(64)}.example`, "Each part of a domain name may have at most 63 characters."],
    [`${"a.".repeat(127)}ab`, "A domain name may have at most 253 characters."],
    ["xn--zz.example", "This is not a valid domain name."],
    ["a".repeat(2000), "This is far too long for a domain name."],
  ])("rejects %j", (input, message) => {
    expect(parseHostname(input)).toStrictEqual({ ok: false, message });
  });
});

describe("hostRule", () => {
  it("builds a Host rule from a validated host name", () => {
    const host = parseHostname("Mautic.Acme.Example");
    if (!host.ok) throw new Error(host.message);
    expect(hostRule(host.value)).toBe("Host(`mautic.acme.example`)");
  });
});

describe("parseEmail", () => {
  it.each([
    ["admin@acme.example", "admin@acme.example"],
    ["First.Last+tag@Acme.Example", "First.Last+tag@acme.example"],
    ["ops@bücher.example", "ops@xn--bcher-kva.example"],
    ["a_b%c-d@x.io", "a_b%c-d@x.io"],
  ])("accepts %j as %j", (input, expected) => {
    expect(value(parseEmail(input))).toBe(expected);
  });
  it.each(["", "admin", "@acme.example", "admin@", "a..b@x.io", ".a@x.io", "a.@x.io", "a b@x.io", "a$b@x.io", "a'b@x.io", "a@localhost", "a@1.2.3.4", `${"a".repeat(65)}@x.io`, "é@x.io"])(
    "rejects %j",
    (input) => {
      expect(rejected(parseEmail(input))).toBe(true);
    },
  );
});

describe("image references", () => {
  it.each([
    "mautic/mautic:7.2.0-apache",
    "mautic/mautic:7.2.0-20260902-apache",
    "registry.example.com:5000/team/mautic:7.2.0",
    `mautic/mautic@sha256:${"a".repeat(64)}`,
    `mautic/mautic:7.2.0-apache@sha256:${"b".repeat(64)}`,
    "mysql:8.4",
  ])("accepts %j", (ref) => {
    expect(value(parseImageReference(ref))).toBe(ref);
  });
  it.each([
    ["mautic/mautic", "Pin the image with a version tag or a digest."],
    ["mautic/mautic:latest", "Use a pinned version tag instead of latest."],
    ["Mautic/Mautic:7", "Enter an image reference such as mautic/mautic:7.2.0-apache."],
    ["mautic/mautic:7 --privileged", "Enter an image reference such as mautic/mautic:7.2.0-apache."],
    ["mautic/mautic:${TAG}", "Enter an image reference such as mautic/mautic:7.2.0-apache."],
  ])("rejects %j", (ref, message) => {
    expect(parseImageReference(ref)).toStrictEqual({ ok: false, message });
  });
  it("accepts only allowed images", () => {
    const allowed = ["mautic/mautic:7.2.0-apache"];
    expect(value(parseAllowedImage("mautic/mautic:7.2.0-apache", allowed))).toBe("mautic/mautic:7.2.0-apache");
    expect(parseAllowedImage("mautic/mautic:6.0.9-apache", allowed)).toStrictEqual({
      ok: false,
      message: "This image is not one of the allowed Mautic images.",
    });
    expect(parseAllowedImage("mautic/mautic:latest", ["mautic/mautic:latest"])).toStrictEqual({
      ok: false,
      message: "Use a pinned version tag instead of latest.",
    });
  });
});

describe("names and addresses", () => {
  it("checks Docker object names", () => {
    expect(value(parseDockerObjectName("mautic-acme-db-password-v1"))).toBe("mautic-acme-db-password-v1");
    for (const bad of ["", "-x", "x-", "a b", "a/b", "a".repeat(65), "a$b"]) {
      expect(rejected(parseDockerObjectName(bad))).toBe(true);
    }
  });
  it("checks node host names", () => {
    expect(value(parseNodeHostname("swarm-node-1.dc1"))).toBe("swarm-node-1.dc1");
    for (const bad of ["", "node 1", "node==1", "-node", "node\n1"]) expect(rejected(parseNodeHostname(bad))).toBe(true);
  });
  it("checks MySQL identifiers", () => {
    expect(value(parseMysqlIdentifier("mautic_2"))).toBe("mautic_2");
    for (const bad of ["", "2db", "Mautic", "a-b", "a'b", "a".repeat(33)]) expect(rejected(parseMysqlIdentifier(bad))).toBe(true);
  });
  it("checks user names", () => {
    expect(value(parseUsername("acme.admin_1"))).toBe("acme.admin_1");
    for (const bad of ["", ".admin", "ad min", "ad$min", "a".repeat(65)]) expect(rejected(parseUsername(bad))).toBe(true);
  });
  it("checks person names, NFC-normalizing them", () => {
    expect(value(parsePersonName("José"))).toBe("José");
    expect(value(parsePersonName("Jose\u0301"))).toBe("Jos\u00e9");
    for (const ok of ["O'Brien", "Jean-Luc", "J. R. R.", "Ζωή", "李小龍", "Ada Lovelace"]) {
      expect(value(parsePersonName(ok))).toBe(ok);
    }
    for (const bad of ["", " Ada", "Ada ", "Ada  L", "R2D2", "a\u200bb", "a\u202eb", "Ada\n", "a$b", "a`b", "x".repeat(65)]) {
      expect(rejected(parsePersonName(bad))).toBe(true);
    }
  });
  it("checks Traefik names", () => {
    expect(value(parseTraefikName("websecure"))).toBe("websecure");
    for (const bad of ["", "web secure", "web.secure", "le@x"]) expect(rejected(parseTraefikName(bad))).toBe(true);
  });
  it("checks trusted-proxy addresses and CIDR blocks", () => {
    for (const ok of ["10.0.0.0/8", "10.200.0.0/16", "192.168.1.10", "fd00::/8", "::1", "2001:db8::/32"]) {
      expect(value(parseCidr(ok))).toBe(ok);
    }
    for (const bad of ["", "10.0.0.0/33", "fd00::/129", "10.0.0/8", "10.0.0.0/8/1", "REMOTE_ADDR", "10.0.0.0/8'", "1.2.3.4 "]) {
      expect(rejected(parseCidr(bad))).toBe(true);
    }
  });
});
