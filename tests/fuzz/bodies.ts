/**
 * Body arbitraries for the public POST routes, derived by hand from their zod schemas (server/money/schemas.ts,
 * server/auth/schemas.ts, the Mini App session and upload routes): valid-ish shapes with mutated fields, hostile
 * values, and the bytes and content types they travel in (JSON mostly; latin1, UTF-16, text, forms, broken JSON).
 */
import fc from "fast-check";
import { body, hostileString, mutated, uriPart } from "./hostile.ts";

/** A body that is JSON text already: nesting deeper than JSON.stringify (or the server's recursion) can take. */
export class RawText {
  constructor(readonly text: string) {}
}

const deep = fc.oneof(
  fc.integer({ min: 1_000, max: 30_000 }).map((d) => new RawText("[".repeat(d) + "]".repeat(d))),
  fc.integer({ min: 1_000, max: 12_000 }).map((d) => new RawText('{"a":'.repeat(d) + "1" + "}".repeat(d))),
);

const email = fc.oneof(fc.emailAddress(), fc.constantFrom("Buyer@Example.Test", " a@b.co ", "a@b", "@", "a@@b.co", `${"a".repeat(250)}@b.co`));
const address = mutated({
  name: fc.string({ minLength: 1, maxLength: 30 }), line1: fc.string({ minLength: 1, maxLength: 30 }), line2: fc.string({ maxLength: 10 }),
  city: fc.string({ minLength: 1, maxLength: 20 }), region: fc.string({ maxLength: 10 }), postalCode: fc.stringMatching(/^[0-9A-Z -]{1,10}$/),
  country: fc.constantFrom("US", "de", "GB", "XX", "USA", ""),
});

/** A body the schema accepts, so a share of the cases goes past validation into the handler (orders, accounts). */
const validCheckout = (itemIds: string[]) => fc.record({
  items: fc.uniqueArray(fc.record({ itemId: fc.constantFrom(...itemIds), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 2, selector: (l) => l.itemId }),
  email: fc.constantFrom("buyer@example.test", "Fuzz.Buyer+1@Example.Test"),
  rail: fc.constantFrom("escrow", "direct", "manual_invoice"),
  shippingAddress: fc.constant({ name: "Ada Buyer", line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" }),
  acknowledgeNoEscrow: fc.constant(true),
});

export function checkoutBody(itemIds: string[]) {
  const line = mutated({ itemId: fc.oneof(fc.constantFrom(...itemIds), fc.uuid()), quantity: fc.integer({ min: 1, max: 5 }) });
  return fc.oneof(
    { weight: 3, arbitrary: validCheckout(itemIds) },
    { weight: 12, arbitrary: body({
      items: fc.array(line, { minLength: 1, maxLength: 3 }),
      rail: fc.constantFrom("escrow", "direct", "manual_invoice", "external_provider", "chain", "ESCROW"),
      email, shippingAddress: address, acknowledgeNoEscrow: fc.boolean(),
    }) },
    { weight: 1, arbitrary: deep },
  );
}

/** Sign-up and sign-in: the right password of the fuzz account is never generated (it would change nothing useful). */
export const signUpBody = fc.oneof({ weight: 2, arbitrary: fc.record({ email: fc.emailAddress(), password: fc.string({ minLength: 10, maxLength: 40 }) }) }, { weight: 12, arbitrary: body({ email, password: fc.string({ minLength: 10, maxLength: 40 }), displayName: fc.string({ maxLength: 20 }) }) }, { weight: 1, arbitrary: deep });
export const signInBody = fc.oneof({ weight: 12, arbitrary: body({ email, password: fc.string({ minLength: 1, maxLength: 40 }) }) }, { weight: 1, arbitrary: deep });
export const passwordChangeBody = fc.oneof(
  { weight: 12, arbitrary: body({ currentPassword: fc.string({ minLength: 1, maxLength: 30 }), newPassword: fc.string({ minLength: 10, maxLength: 30 }), revokeApiTokens: fc.boolean() }) },
  { weight: 1, arbitrary: deep },
);
export const disputeBody = fc.oneof({ weight: 12, arbitrary: body({ reason: fc.string({ minLength: 3, maxLength: 60 }) }) }, { weight: 1, arbitrary: deep });
export const miniAppBody = fc.oneof(
  { weight: 12, arbitrary: body({ initData: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom("hash=00&user=%7B%7D", "auth_date=1&hash=x", "user=%7B%22id%22%3A1%7D&hash=" + "0".repeat(64))) }) },
  { weight: 1, arbitrary: deep },
);

export interface Encoded {
  contentType: string | null;
  data: Buffer;
  /** Whether this is well-formed UTF-8 JSON under a JSON content type, i.e. should reach validation. */
  json: boolean;
}

const asText = (v: unknown) => (v instanceof RawText ? v.text : (JSON.stringify(v) ?? ""));

/** How a body travels: JSON mostly; the rest in every other way a client might (mis)send it. */
export function encoded(bodyArb: fc.Arbitrary<unknown>): fc.Arbitrary<Encoded> {
  const utf8 = (contentType: string | null, json = false) => bodyArb.map((v): Encoded => ({ contentType, data: Buffer.from(asText(v), "utf8"), json }));
  return fc.oneof(
    { weight: 30, arbitrary: utf8("application/json", true) },
    { weight: 2, arbitrary: utf8("application/json; charset=utf-8", true) },
    { weight: 1, arbitrary: utf8("Application/JSON") },
    { weight: 1, arbitrary: bodyArb.map((v) => ({ contentType: "application/json; charset=latin1", data: Buffer.from(asText(v), "latin1"), json: false })) },
    { weight: 1, arbitrary: bodyArb.map((v) => ({ contentType: "application/json; charset=utf-16", data: Buffer.from(asText(v), "utf16le"), json: false })) },
    { weight: 1, arbitrary: bodyArb.map((v) => ({ contentType: "application/json", data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(asText(v))]), json: false })) },
    { weight: 1, arbitrary: utf8("text/plain") },
    { weight: 1, arbitrary: utf8(null) },
    { weight: 1, arbitrary: utf8("application/x-www-form-urlencoded") },
    { weight: 1, arbitrary: fc.tuple(bodyArb, hostileString).map(([v, s]) => ({ contentType: "multipart/form-data; boundary=fz", data: Buffer.from(`--fz\r\nContent-Disposition: form-data; name="email"\r\n\r\n${s}\r\n--fz\r\nContent-Disposition: form-data; name="json"\r\n\r\n${asText(v)}\r\n--fz--\r\n`), json: false })) },
    // Broken JSON: cut short, or bytes that are not UTF-8 at all.
    { weight: 2, arbitrary: fc.tuple(bodyArb, fc.nat()).map(([v, n]) => { const t = asText(v); return { contentType: "application/json", data: Buffer.from(t.slice(0, n % (t.length + 1))), json: false }; }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ contentType: "application/json", data: Buffer.concat([Buffer.from([0xff, 0xfe, 0x7b]), Buffer.from(b)]), json: false })) },
  );
}

/** Upload bodies: random bytes, or an image's magic bytes with anything after them, under hostile metadata. */
export const uploadCase = fc.record({
  purpose: fc.oneof(fc.constantFrom("item_image", "logo", "favicon", "", "ITEM_IMAGE", "../x", "%00", "item_image&purpose=logo"), hostileString.map(uriPart)),
  contentType: fc.constantFrom("application/octet-stream", "image/png", "image/svg+xml", "text/html", "application/json", "multipart/form-data; boundary=x", null),
  data: fc.oneof(
    fc.uint8Array({ maxLength: 256 }),
    fc.tuple(fc.constantFrom([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff], [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50], [0, 0, 1, 0]), fc.uint8Array({ maxLength: 256 }))
      .map(([magic, rest]) => new Uint8Array([...magic, ...rest])),
    fc.constantFrom(new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"), new TextEncoder().encode("<html><script>x</script>")),
  ).map((b) => Buffer.from(b)),
});
