/**
 * Arbitraries for hostile input: strings the database, the URL parser or JSON cannot take (NUL, lone surrogates,
 * control characters), huge numbers, prototype-pollution keys, deep nesting, wrong types; and Host header values.
 */
import fc from "fast-check";

/** Strings that broke or could break a layer below validation. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(
    "", " ", "\u0000", "a\u0000b", "\ud800", "x\udfffy", "\ud83d", "😀", "\u202e", "\ufeff", "\r\n", "\t/\t/evil.example",
    "%00", "%", "%zz", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "${jndi:x}", "{{7*7}}", "null",
    "__proto__", "constructor", "prototype", "toString", "NaN", "Infinity", "-0", "1e309", "9".repeat(400), "\\", "\"",
    "ǅ", "İ", "ß", "Ⅻ", "ｅｘａｍｐｌｅ", "a".repeat(300), "é".repeat(120),
  ) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => s + "\u0000") },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => `${s}\ud800${s}`) },
  // Long enough to pass the 64 KB (checkout) and 16 KB (Node's header) caps now and then.
  { weight: 1, arbitrary: fc.nat({ max: 70_000 }).map((n) => "x".repeat(n)) },
);

export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, 1.5, -0, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER),
  fc.integer(),
  fc.double(),
  fc.constantFrom("1", "1e3", "0x10", " 1", "1_000"),
);

/** A value of any JSON type, hostile ones included. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Objects keyed with prototype-pollution names, or nested far deeper than any schema expects. */
export const hostileObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype").chain((k) => anyJson.map((v) => JSON.parse(`{"${k}": ${JSON.stringify(v) ?? "null"}, "isAdmin": true}`))),
  fc.integer({ min: 1, max: 300 }).map((depth) => JSON.parse("[".repeat(depth) + "]".repeat(depth))),
  fc.integer({ min: 1, max: 300 }).map((depth) => JSON.parse('{"a":'.repeat(depth) + "1" + "}".repeat(depth))),
);

/** A field as the schema wants it (`valid`) most of the time, otherwise something hostile or of the wrong type. */
export function field<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 2, arbitrary: anyJson }, { weight: 1, arbitrary: hostileObject });
}

/** An object with the given fields, each sometimes missing, plus sometimes an unknown or pollution key. */
export function mutated(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(Object.fromEntries(Object.entries(fields).map(([k, a]) => [k, field(a)])), { requiredKeys: [] });
  const extra = fc.option(fc.tuple(fc.oneof(fc.constantFrom("__proto__", "constructor", "total", "price", "role", "\u0000", ""), fc.string({ maxLength: 8 })), anyJson), { freq: 4 });
  return fc.tuple(record, extra).map(([obj, ex]) => {
    if (!ex) return obj;
    // JSON text, not an object literal: `{"__proto__": …}` must arrive as an own key, as a client would send it.
    const text = JSON.stringify(obj);
    return JSON.parse(`{${JSON.stringify(ex[0])}:${JSON.stringify(ex[1]) ?? "null"}${text === "{}" ? "" : ","}${text.slice(1)}`);
  });
}

/** A whole body: mostly a mutated valid shape, sometimes any JSON at all. */
export function body(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: mutated(fields) }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: hostileObject });
}

const label = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/),
  fc.constantFrom("xn--bcher-kva", "xn--", "xn--zz", "-lead", "trail-", "a".repeat(63), "a".repeat(64), "münchen", "bücher", "例え", "ドメイン", "_srv", "*"),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }),
);

const port = fc.oneof(
  fc.integer({ min: 0, max: 65_535 }).map(String),
  fc.integer({ min: 65_536, max: 2 ** 40 }).map(String),
  fc.constantFrom("", "0", "00080", "99999999999999999999", "-1", "80a", " 80", "443 "),
);

const ipv6 = fc.oneof(fc.ipV6().map((a) => `[${a}]`), fc.constantFrom("[::1]", "[::ffff:127.0.0.1]", "[fe80::1%25eth0]", "[", "[::1", "::1"));

/** A Host header value: the platform host, known shop hosts, and every kind of malformed name. */
export function hostHeader(known: string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 4, arbitrary: fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join(".")) },
    { weight: 2, arbitrary: fc.tuple(label, fc.constantFrom(...known)).map(([l, k]) => `${l}.${k}`) },
    { weight: 1, arbitrary: fc.ipV4() },
    { weight: 1, arbitrary: ipv6 },
    { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => "a".repeat(n) + ".localhost") },
    { weight: 1, arbitrary: fc.constantFrom("", ".", "..", "localhost..", ".localhost", "localhost.", "LOCALHOST", "local\u0000host", "localhost\r\nX-Evil: 1", "host\tname", "a b", "@", "user@localhost", "localhost/path", "localhost?x", "localhost#x", "%6cocalhost") },
    { weight: 1, arbitrary: hostileString },
  );
  return fc.tuple(
    name,
    fc.option(port, { freq: 3 }),
    fc.boolean(),
    fc.boolean(),
  ).map(([n, p, dot, upper]) => {
    const host = `${upper ? n.toUpperCase() : n}${dot ? "." : ""}`;
    return p === null ? host : `${host}:${p}`;
  });
}

/** A string as a URL path segment or query value (lone surrogates become U+FFFD first: no URL can carry them). */
export const uriPart = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
