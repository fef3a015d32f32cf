/**
 * Inputs the fuzzers once found wrong (or that earlier reports found), replayed before the generated cases of each
 * fuzz file. Add a failing case here with the fix, so it stays covered whatever FUZZ_SEED is.
 */

/** Host header values. */
export const HOST_REGRESSIONS: string[] = [
  // Issue 20, finding 6: a port above 65535 was a 500 (the URL parser throws).
  "localhost:70000",
  "localhost:99999999999999999999",
  // tests/fuzz-hosts.test.ts: normalizeHost let domainToASCII cut URL delimiters off ("LOCALHOST/PATH.:80a" became
  // "localhost") and decode escapes; the edge's ask would have said yes to such a name for the shop's certificate.
  "LOCALHOST/PATH.:80a",
  "localhost#x",
  "%6cocalhost",
  "bücher.localhost\\x:1",
];

/** Requests to the public POST routes, replayed before each route's generated bodies. */
export const BODY_REGRESSIONS: Array<{ route: string; send(ctx: { shopHost: string; tenantId: string; bearer: string }): import("./harness.ts").Send }> = [
  // Issue 20, finding 6: a lone surrogate and a latin1 charset in a JSON body were 500s.
  { route: "POST /api/storefront/checkout", send: ({ shopHost }) => ({ method: "POST", path: "/api/storefront/checkout", headers: { host: shopHost, "content-type": "application/json", "idempotency-key": "regression-1" }, body: '{"email":"\\ud800"}' }) },
  { route: "POST /api/auth/login", send: () => ({ method: "POST", path: "/api/auth/login", headers: { host: "localhost", "content-type": "application/json; charset=latin1" }, body: '{"email":"a@b.co","password":"x"}' }) },
  // tests/fuzz-bodies.test.ts: JSON nested deeper than the call stack overflowed the NUL/surrogate walk (a 500 on every
  // JSON route); server/http/unsafe-text.ts now walks it without recursion.
  { route: "POST /api/auth/signup", send: () => ({ method: "POST", path: "/api/auth/signup", headers: { host: "localhost", "content-type": "application/json" }, body: "[".repeat(30_000) + "]".repeat(30_000) }) },
  { route: "POST /api/storefront/checkout", send: ({ shopHost }) => ({ method: "POST", path: "/api/storefront/checkout", headers: { host: shopHost, "content-type": "application/json", "idempotency-key": "regression-2" }, body: '{"a":'.repeat(12_000) + "1" + "}".repeat(12_000) }) },
  // tests/fuzz-bodies.test.ts: a multipart form cut short made the Remix action's request.formData() throw (a 500).
  {
    route: "POST /checkout (storefront page form)",
    send: ({ shopHost }) => ({ method: "POST", path: "/checkout", headers: { host: shopHost, origin: `http://${shopHost}`, "content-type": "multipart/form-data; boundary=fz" }, body: '--fz\r\nContent-Disposition: form-data; name="email"\r\n\r\nx' }),
  },
];

/** Money operation sequences (tests/fuzz-money.test.ts), replayed before the generated ones. */
export const MONEY_REGRESSIONS: Array<import("./money-sequences.ts").Sequence> = [];
