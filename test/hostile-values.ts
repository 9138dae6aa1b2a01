/**
 * Hostile input values for the hostile-input campaign (test/hostile-input.integration.test.ts,
 * e2e/hostile-forms.spec.ts). Deterministic: the same list, in the same order, on every run.
 * Each value has a category and a name, so a failure says which value broke what; `describeValue`
 * prints a value safely (escaped, truncated) for failure messages and logs.
 */
import { seededRandom } from "../emulator/ids";

export const HOSTILE_CATEGORIES = [
  "sql",
  "shell",
  "yaml",
  "template",
  "prototype",
  "xss",
  "path",
  "format",
  "oversize",
  "unicode",
  "control",
  "numeric-text",
  "json-text",
  "blank",
  "email-shaped",
  "domain-shaped",
  "dsn-shaped",
  "image-shaped",
  "id-shaped",
  "date-shaped",
  "random",
] as const;

export type HostileCategory = (typeof HOSTILE_CATEGORIES)[number];

export interface HostileString {
  category: HostileCategory;
  name: string;
  value: string;
}

export interface HostileWrongType {
  category: "wrong-type";
  name: string;
  value: unknown;
}

export type HostileValue = HostileString | HostileWrongType;

const KB = 1024;

/** Base payloads by category; {@link hostileStrings} adds their variants. */
function basePayloads(): HostileString[] {
  const out: HostileString[] = [];
  const add = (category: HostileCategory, entries: Record<string, string>) => {
    for (const [name, value] of Object.entries(entries)) out.push({ category, name, value });
  };

  add("sql", {
    "or-true": "' OR '1'='1",
    "or-true-comment": "' OR 1=1 --",
    "double-quote-or": '" OR ""="',
    "drop-user": "'; DROP TABLE \"User\"; --",
    "drop-tenant": "x'); DROP TABLE Tenant; --",
    "union-hashes": "' UNION SELECT passwordHash, email FROM \"User\" --",
    "union-sessions": "') UNION SELECT tokenHash FROM Session --",
    "stacked-update": "1; UPDATE \"User\" SET role='ADMIN' --",
    "sqlite-master": "' AND (SELECT count(*) FROM sqlite_master) > 0 --",
    "concat-subquery": "'||(SELECT group_concat(email) FROM \"User\")||'",
    "like-percent": "%",
    "like-underscore": "_",
    "like-escape": "\\%\\_",
    "like-or": "%' OR '%'='",
    "sleep": "1' AND SLEEP(5) AND '1'='1",
    "randomblob": "' AND randomblob(1000000000) --",
    "attach": "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
    "pragma": "'; PRAGMA writable_schema=1; --",
    "backslash-quote": "\\'",
    "hex-literal": "0x27204f5220313d31",
  });
  add("shell", {
    "dollar-paren": "$(id)",
    backticks: "`id`",
    "dollar-brace-secret": "${APP_SECRET}",
    "dollar-brace-portainer": "${PORTAINER_API_TOKEN}",
    "dollar-var": "$HOME",
    semicolon: "x; rm -rf / #",
    pipe: "x | cat /etc/passwd",
    "and-curl": "x && curl http://127.0.0.1:9/ #",
    "or-true": "x || true",
    redirect: "x > /tmp/pwned",
    ifs: "x${IFS}id",
    "newline-command": "x\nid",
    "process-substitution": "<(id)",
    "brace-expansion": "{a,b}",
    glob: "*",
    tilde: "~root",
    "compose-interpolation": "${MYSQL_ROOT_PASSWORD:-x}",
    "compose-dollar-dollar": "$$(id)",
  });
  add("yaml", {
    "newline-key": "x\nimage: evil/evil:latest",
    "newline-privileged": "x\n    privileged: true",
    "newline-volume": "x\nvolumes:\n  - /:/host",
    "crlf-key": "x\r\nrestart: always",
    "document-marker": "---\nfoo: bar",
    "python-object": '!!python/object/apply:os.system ["id"]',
    anchor: "&a [*a, *a, *a]",
    merge: "<<: *default",
    "flow-map": "{a: 1, b: [2]}",
    "flow-seq": "[1, 2, 3]",
    "block-scalar": "|\n  multi\n  line",
    "colon-space": "key: value",
    "comment": "x # comment",
    "quoted-key": '"x": "y"',
    "yes-no": "yes",
    "null-word": "null",
    "tag-binary": "!!binary aGVsbG8=",
  });
  add("template", {
    mustache: "{{7*7}}",
    "mustache-constructor": "{{constructor.constructor('return process')()}}",
    "js-template": "${7*7}",
    "ruby-template": "#{7*7}",
    erb: "<%= 7*7 %>",
    jinja: "{% for x in range(9) %}x{% endfor %}",
    "gha-expression": "${{ secrets.APP_SECRET }}",
    "go-template": '{{ printf "%s" .Env }}',
    "traefik-rule": "`) || Host(`evil.example.com",
    "label-injection": "x\ntraefik.http.routers.evil.rule=Host(`evil.example.com`)",
  });
  add("prototype", {
    proto: "__proto__",
    constructor: "constructor",
    prototype: "prototype",
    "to-string": "toString",
    "has-own": "hasOwnProperty",
    "value-of": "valueOf",
    "proto-path": "__proto__.isAdmin",
  });
  add("xss", {
    script: "<script>alert(1)</script>",
    "img-onerror": '"><img src=x onerror=alert(1)>',
    "svg-onload": "<svg/onload=alert(1)>",
    "javascript-url": "javascript:alert(1)",
    "textarea-break": "</textarea><script>alert(1)</script>",
    "title-break": "</title><script>alert(1)</script>",
    "attribute-break": "' autofocus onfocus='alert(1)",
    "html-comment": "<!-- x --><b>bold</b>",
    "cdata": "]]><x>",
    "entity": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "data-url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "json-break": '</script><script>window.__remixContext=1</script>',
    "style": "<style>*{display:none}</style>",
    "iframe": "<iframe src=//example.com>",
  });
  add("path", {
    "dot-dot": "../../../etc/passwd",
    "dot-dot-windows": "..\\..\\..\\windows\\win.ini",
    "encoded-dot-dot": "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "double-encoded": "%252e%252e%252f",
    "absolute": "/etc/passwd",
    "dot-dot-slash-slash": "....//....//etc/passwd",
    "null-truncation": "../../etc/passwd\u0000.png",
    "file-url": "file:///etc/passwd",
    unc: "\\\\server\\share\\x",
    "proc-self": "/proc/self/environ",
    "dev-zero": "/dev/zero",
  });
  add("format", {
    printf: "%s%s%s%s%n",
    hex: "%x%x%x",
    "positional": "{0}{1}",
    "python-format": "{self.__init__.__globals__}",
  });
  add("oversize", {
    "101-chars": "n".repeat(101),
    "255-chars": "a".repeat(255),
    "1025-chars": "b".repeat(1025),
    "10-kb": "A".repeat(10 * KB),
    "10-kb-multibyte": "é".repeat(5 * KB),
    "10-kb-emoji": "😀".repeat(2560),
    "100-kb": "C".repeat(100 * KB),
    "1-mb": "D".repeat(KB * KB),
    "73-bytes": "p".repeat(73),
    "72-bytes-multibyte": "é".repeat(36),
    "73-bytes-multibyte": "é".repeat(36) + "x",
  });
  add("unicode", {
    "rtl-override": "admin\u202Etxt.exe",
    "ltr-embedding": "\u202Aabc\u202C",
    "zero-width-space": "ad\u200Bmin",
    "zero-width-joiner": "a\u200Db",
    bom: "\uFEFFname",
    "lone-high-surrogate": "x\uD800y",
    "lone-low-surrogate": "x\uDC00y",
    "reversed-surrogates": "\uDC00\uD800",
    "combining-acute": "e\u0301",
    zalgo: "Z\u0351\u036B\u0343\u036A\u0302\u036B\u033D\u034F\u0334\u0319\u0324\u031E\u0349\u035A\u032F\u031E\u0320\u034DA\u036B\u0357\u0334\u0362\u0335\u031C\u0330\u0354",
    "homoglyph-cyrillic": "\u0430dmin",
    "fullwidth": "\uFF41\uFF44\uFF4D\uFF49\uFF4E",
    "ligature-fi": "\uFB01le",
    "kelvin-sign": "\u212Aelvin",
    "turkish-dotted-i": "\u0130stanbul",
    "long-s": "\u017Fecret",
    "ohm-sign": "\u2126",
    emoji: "😀",
    "emoji-zwj-family": "👨‍👩‍👧‍👦",
    "flag": "🇺🇦",
    "emoji-skin-tone": "👍🏽",
    "noncharacter-ffff": "x\uFFFF",
    "noncharacter-fffe": "\uFFFEx",
    "private-use": "\uE000\uF8FF",
    "line-separator": "a\u2028b",
    "paragraph-separator": "a\u2029b",
    "next-line": "a\u0085b",
    nbsp: "\u00A0",
    "ideographic-space": "\u3000",
    "han": "中文名字",
    "arabic": "اسم عربي",
    "astral-math": "\u{1D400}\u{1D401}",
    "replacement-char": "\uFFFD",
    "tag-characters": "x\u{E0041}\u{E0042}",
    "variation-selector": "x\uFE0F",
    "hangul-filler": "\u3164",
  });
  add("control", {
    "null-byte": "\u0000",
    "null-in-middle": "ab\u0000cd",
    "trailing-null": "abc\u0000",
    crlf: "a\r\nb",
    "crlf-header": "x\r\nSet-Cookie: panel_session=evil",
    lf: "\n",
    cr: "\r",
    tab: "a\tb",
    "ansi-escape": "\u001b[31mred\u001b[0m",
    "ansi-clear": "\u001b[2J\u001b[H",
    backspace: "abc\b\b\b",
    bell: "\u0007",
    del: "\u007f",
    "vertical-tab": "a\u000bb",
    "form-feed": "a\u000cb",
    "escape-only": "\u001b",
    "c1-control": "a\u009bb",
    "log-forge": 'x\n{"level":50,"msg":"forged"}',
  });
  add("numeric-text", {
    zero: "0",
    "minus-one": "-1",
    "int-max": "2147483647",
    "int-overflow": "2147483648",
    huge: "99999999999999999999999999999",
    float: "1.5",
    exponent: "1e309",
    nan: "NaN",
    infinity: "Infinity",
    hex: "0x10",
    "negative-zero": "-0",
  });
  add("json-text", {
    "mongo-ne": '{"$ne": null}',
    "mongo-gt": '{"$gt": ""}',
    "json-array": "[]",
    "json-null": "null",
    "json-true": "true",
    undefined: "undefined",
    "lone-quote": '"',
    "lone-brace": "{",
    "deep-brackets": "[".repeat(5000),
    "proto-json": '{"__proto__": {"isAdmin": true}}',
  });
  add("blank", {
    empty: "",
    space: " ",
    spaces: "   ",
    tabs: "\t\t",
    newlines: "\n\n",
  });
  add("email-shaped", {
    "quote-local": "'--@example.com",
    "sql-local": "' OR 1=1--@example.com",
    "script-local": "<script>@example.com",
    "quoted-local": '"a b"@example.com',
    "crlf-bcc": "a@example.com\r\nBcc: victim@example.com",
    "null-suffix": "admin@example.com\u0000",
    "upper-case-admin": "ADMIN@EXAMPLE.COM",
    "padded-admin": "  admin@example.com  ",
    "homoglyph-admin": "\u0430dmin@example.com",
    "homoglyph-domain": "admin@\u0435xample.com",
    "fullwidth-admin": "\uFF41dmin@example.com",
    "kelvin": "\u212A@example.com",
    "zero-width-admin": "ad\u200Bmin@example.com",
    "rtl-email": "x\u202E@example.com",
    "idn-domain": "user@m\u00FCller.example.com",
    "punycode-domain": "user@xn--mller-kva.example.com",
    "two-ats": "a@b@example.com",
    "shell-local": "$(id)@example.com",
    "template-local": "{{7*7}}@example.com",
    "path-domain": "a@example.com/../x",
    "ip-domain": "a@[127.0.0.1]",
    "255-chars": `${"a".repeat(243)}@example.com`,
    "254-chars": `${"a".repeat(242)}@example.com`,
    "plus-tag": "a+tag@example.com",
  });
  add("domain-shaped", {
    "uppercase": "EXAMPLE.ORG",
    "trailing-dot": "hostile.example.com.",
    "leading-dot": ".example.com",
    "double-dot": "a..example.com",
    wildcard: "*.example.com",
    "ip-v4": "127.0.0.1",
    "ip-v6": "[::1]",
    localhost: "localhost",
    port: "example.com:8080",
    "path": "example.com/x",
    "backtick": "a`.example.com",
    "space": "ex ample.com",
    "underscore": "a_b.example.com",
    "idn": "m\u00FCller.example.com",
    "idn-fullwidth": "\uFF48\uFF4F\uFF53\uFF54\uFF49\uFF4C\uFF45.example.com",
    "cyrillic": "\u0435xample.com",
    "punycode": "xn--mller-kva.example.com",
    "bad-punycode": "xn--.example.com",
    "label-64": `${"a".repeat(64)}.example.com`,
    "label-63": `${"b".repeat(63)}.example.com`,
    "total-254": `${Array.from({ length: 4 }, () => "c".repeat(62)).join(".")}.ex`,
    "hyphen-edge": "-a-.example.com",
    "numeric-tld": "example.123",
    "crlf-host": "a.example.com\r\nHost: evil.example.com",
    "zero-width": "ex\u200Bample.com",
    "emoji-domain": "\u{1F600}.example.com",
  });
  add("dsn-shaped", {
    "newline-yaml": "smtp://u:p@h.example.com:25\nimage: evil/evil",
    "shell-in-password": "smtp://u:$(id)@h.example.com:25",
    "backticks": "smtp://u:`id`@h.example.com:25",
    "template": "smtp://u:{{7*7}}@h.example.com:25",
    "quotes": "smtp://u:'\"@h.example.com:25",
    "no-scheme": "u:p@h.example.com",
    "js-scheme": "javascript://alert(1)",
    "file-scheme": "file:///etc/passwd",
    "space": "smtp://u:p q@h.example.com:25",
    "long": `smtp://u:${"p".repeat(2100)}@h.example.com:25`,
  });
  add("image-shaped", {
    "newline": "mautic/mautic:7.2.0-apache\nprivileged: true",
    "other-image": "evil/evil:latest",
    "no-tag": "mautic/mautic",
    "digest-bad": "mautic/mautic@sha256:zzz",
    "registry-port": "127.0.0.1:5000/mautic/mautic:7.2.0-apache",
    "uppercase": "MAUTIC/MAUTIC:7.2.0-APACHE",
    "space-suffix": "mautic/mautic:7.2.0-apache ",
  });
  add("id-shaped", {
    "cuid-like": "clx0000000000000000000000",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "base64-cursor": Buffer.from("' OR 1=1 --").toString("base64"),
    "base64-json": Buffer.from('{"id":{"not":""}}').toString("base64"),
    "negative": "-1",
    "star": "*",
    "dot": ".",
    "dot-dot": "..",
    "slash": "/",
    "encoded-slash": "%2F",
  });
  add("date-shaped", {
    "year-zero": "0000-00-00T00:00:00Z",
    "far-future": "+275760-09-13T00:00:00.001Z",
    "far-past": "-271821-04-20T00:00:00.000Z",
    "not-a-date": "yesterday",
    "bad-month": "2030-13-01",
    "epoch-text": "1700000000",
    "leap": "2031-02-29",
  });
  return out;
}

/** Code points drawn from everywhere hostile: controls, surrogates, specials, astral planes. */
const RANDOM_RANGES: [number, number][] = [
  [0x00, 0x1f],
  [0x20, 0x7e],
  [0x7f, 0x9f],
  [0xa0, 0x2ff],
  [0x300, 0x36f],
  [0x200b, 0x206f],
  [0xd800, 0xdfff],
  [0xfe00, 0xfeff],
  [0xfff0, 0xffff],
  [0x1f300, 0x1f6ff],
  [0xe0000, 0xe007f],
];

function randomStrings(count: number): HostileString[] {
  const next = seededRandom(0x5eed);
  return Array.from({ length: count }, (_, i) => {
    const length = 1 + Math.floor(next() * 40);
    let value = "";
    for (let k = 0; k < length; k++) {
      const [lo, hi] = RANDOM_RANGES[Math.floor(next() * RANDOM_RANGES.length)]!;
      value += String.fromCodePoint(lo + Math.floor(next() * (hi - lo + 1)));
    }
    return { category: "random", name: `random-${i}`, value };
  });
}

let cachedStrings: HostileString[] | null = null;

/**
 * Every hostile string: the base payloads, each injection payload again wrapped in an otherwise
 * plausible value ("name<payload>", which passes length checks and reaches deeper), and seeded
 * random strings. Names are unique ("category/name").
 */
export function hostileStrings(): HostileString[] {
  if (cachedStrings) return cachedStrings;
  const base = basePayloads();
  const wrapped: HostileString[] = base
    .filter((v) => ["sql", "shell", "yaml", "template", "xss", "unicode", "control", "format"].includes(v.category))
    .map((v) => ({ category: v.category, name: `${v.name}+wrapped`, value: `Acme ${v.value} Ltd` }));
  const all = [...base, ...wrapped, ...randomStrings(24)];
  const seen = new Set<string>();
  for (const v of all) {
    const key = `${v.category}/${v.name}`;
    if (seen.has(key)) throw new Error(`duplicate hostile value name ${key}`);
    seen.add(key);
  }
  cachedStrings = all;
  return all;
}

/** Values of the wrong JSON type for a string input (and strings for the others: see hostileStrings). */
export function wrongTypeValues(): HostileWrongType[] {
  const deep: unknown[] = [];
  let cursor = deep;
  for (let i = 0; i < 2000; i++) {
    const inner: unknown[] = [];
    cursor.push(inner);
    cursor = inner;
  }
  const entries: Record<string, unknown> = {
    "zero": 0,
    "negative": -1,
    "float": 1.5,
    "int-max": 2147483647,
    "int-overflow": 2147483648,
    "int-min-overflow": -2147483649,
    "max-safe": Number.MAX_SAFE_INTEGER,
    "huge-float": 1e308,
    "tiny-float": 5e-324,
    "true": true,
    "false": false,
    "null": null,
    "empty-array": [],
    "string-array": ["x"],
    "mixed-array": [1, "x", null, {}],
    "empty-object": {},
    "mongo-operator": { $ne: null },
    "prisma-operator": { not: "" },
    "proto-object": JSON.parse('{"__proto__": {"isAdmin": true}}'),
    "to-string-object": { toString: "x" },
    "deep-array-2000": deep,
  };
  return Object.entries(entries).map(([name, value]) => ({ category: "wrong-type", name, value }));
}

/** Every hostile value: strings first, then wrong types. */
export function hostileValues(): HostileValue[] {
  return [...hostileStrings(), ...wrongTypeValues()];
}

/** Byte sequences that are not valid UTF-8 (overlong forms, stray continuations), for raw bodies and headers. */
export function invalidUtf8(): { name: string; bytes: Buffer }[] {
  return [
    { name: "overlong-slash", bytes: Buffer.from([0xc0, 0xaf]) },
    { name: "overlong-dot-dot-slash", bytes: Buffer.from([0xc0, 0xae, 0xc0, 0xae, 0xc0, 0xaf]) },
    { name: "overlong-null", bytes: Buffer.from([0xc0, 0x80]) },
    { name: "overlong-3-byte", bytes: Buffer.from([0xe0, 0x80, 0xaf]) },
    { name: "encoded-surrogate", bytes: Buffer.from([0xed, 0xa0, 0x80]) },
    { name: "stray-continuation", bytes: Buffer.from([0x80, 0x81]) },
    { name: "truncated", bytes: Buffer.from([0xe2, 0x82]) },
    { name: "ff-byte", bytes: Buffer.from([0xff, 0xfe]) },
    { name: "above-max", bytes: Buffer.from([0xf4, 0x90, 0x80, 0x80]) },
  ];
}

/** A value as a failure message may print it: JSON-escaped (so controls show), at most `max` characters. */
export function describeValue(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  // Lone surrogates survive JSON.stringify as escapes; anything else non-ASCII is escaped too.
  text = text.replace(/[^\x20-\x7e]/gu, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
  if (text.length > max) text = `${text.slice(0, max)}… (${text.length} chars)`;
  return text;
}

/** "category/name": how a value is named in test titles and failure lists. */
export function labelOf(value: HostileValue): string {
  return `${value.category}/${value.name}`;
}

/**
 * A smaller deterministic set for inputs that need not see every value: the first `perCategory`
 * strings of every category (plain and wrapped variants counted apart) and every wrong type.
 */
export function sampleValues(perCategory = 3): HostileValue[] {
  const taken = new Map<string, number>();
  const sample = hostileStrings().filter((v) => {
    const key = `${v.category}${v.name.endsWith("+wrapped") ? "+wrapped" : ""}`;
    const n = taken.get(key) ?? 0;
    taken.set(key, n + 1);
    return n < perCategory;
  });
  return [...sample, ...wrongTypeValues()];
}
