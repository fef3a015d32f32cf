/**
 * The CSV image fetch's SSRF guard (issue 22 point 6, SECURITY.md SSRF): private and loopback targets, redirects to
 * them, DNS answers naming them, size, type and redirect-count limits. Loopback is reachable only through the
 * test-only allow list (env.ts refuses IMAGE_FETCH_TEST_ALLOW in production: server/env.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRemoteImageFetcher, isForbiddenAddress } from "#server/uploads/index.ts";
import { PNG_1x1 } from "./images.ts";
import { startImageServer } from "./image-server.ts";

type Srv = Awaited<ReturnType<typeof startImageServer>>;
let images: Srv; // the allowed "public" host (allow-listed loopback)
let internal: Srv; // an internal service: must never be reached
const png = { headers: { "content-type": "image/png" }, body: PNG_1x1 };

beforeAll(async () => {
  internal = await startImageServer({ "/secret.png": png });
  images = await startImageServer({
    "/a.png": png,
    "/to-loopback": { status: 302, headers: { location: `${internal.origin}/secret.png` } },
    "/to-localhost": { status: 301, headers: { location: `http://localhost:${internal.port}/secret.png` } },
    "/to-ten": { status: 302, headers: { location: "http://10.0.0.1/x.png" } },
    "/to-mapped": { status: 302, headers: { location: `http://[::ffff:127.0.0.1]:${internal.port}/secret.png` } },
    "/relative": { status: 302, headers: { location: "/a.png" } },
    "/loop": { status: 302, headers: { location: "/loop" } },
    "/html": { headers: { "content-type": "text/html" }, body: "<html></html>" },
    "/big": { headers: { "content-type": "image/png" }, body: Buffer.alloc(2048, 1) },
    "/big-chunked": { headers: { "content-type": "image/png", "transfer-encoding": "chunked" }, body: Buffer.alloc(2048, 1) },
  });
});
afterAll(async () => {
  await images?.stop();
  await internal?.stop();
});

const fetcher = (over: Parameters<typeof createRemoteImageFetcher>[0] = {}) =>
  createRemoteImageFetcher({ testAllow: [`127.0.0.1:${images.port}`], limits: { maxBytes: 1024, timeoutMs: 3000 }, ...over });

describe("remote image fetch SSRF guard", () => {
  it("fetches an image from an allowed host, following a relative redirect", async () => {
    expect(Buffer.from(await fetcher()(`${images.origin}/a.png`)).equals(PNG_1x1)).toBe(true);
    expect(Buffer.from(await fetcher()(`${images.origin}/relative`)).equals(PNG_1x1)).toBe(true);
  });

  it("refuses loopback and private targets outright: nothing is connected to", async () => {
    const f = fetcher();
    await expect(f(`${internal.origin}/secret.png`)).rejects.toThrow(/private, loopback or reserved address \(127\.0\.0\.1\)/);
    await expect(f("http://127.0.0.1/x.png")).rejects.toThrow(/127\.0\.0\.1/);
    await expect(f("http://10.0.0.1/x.png")).rejects.toThrow(/10\.0\.0\.1/);
    await expect(f(`http://[::1]:${internal.port}/secret.png`)).rejects.toThrow(/::1/);
    await expect(f(`http://[::ffff:127.0.0.1]:${internal.port}/secret.png`)).rejects.toThrow(/private/);
    await expect(f("http://2130706433/x.png")).rejects.toThrow(/127\.0\.0\.1/); // decimal form, normalised by URL
    expect(internal.hits).toEqual([]);
  });

  it("refuses a redirect to loopback, localhost, 10/8 or a mapped address, re-checking each hop", async () => {
    const f = fetcher();
    await expect(f(`${images.origin}/to-loopback`)).rejects.toThrow(/127\.0\.0\.1/);
    await expect(f(`${images.origin}/to-localhost`)).rejects.toThrow(/private, loopback/);
    await expect(f(`${images.origin}/to-ten`)).rejects.toThrow(/10\.0\.0\.1/);
    await expect(f(`${images.origin}/to-mapped`)).rejects.toThrow(/private/);
    expect(internal.hits).toEqual([]);
  });

  it("refuses a name whose DNS answer holds a private address, and connects to the checked address only", async () => {
    const rebinding = fetcher({ resolve: async () => ["93.184.216.34", "127.0.0.1"] });
    await expect(rebinding(`http://images.example:${internal.port}/secret.png`)).rejects.toThrow(/127\.0\.0\.1/);
    // A name resolving (once) to the allowed address is fetched from that address.
    let lookups = 0;
    const pinned = fetcher({ resolve: async () => (lookups++, ["127.0.0.1"]) });
    expect(Buffer.from(await pinned(`http://images.example:${images.port}/a.png`)).equals(PNG_1x1)).toBe(true);
    expect(lookups).toBe(1);
  });

  it("caps redirects, size and type, and takes only http(s) without credentials", async () => {
    const f = fetcher();
    await expect(f(`${images.origin}/loop`)).rejects.toThrow(/more than 3 redirects/);
    await expect(f(`${images.origin}/html`)).rejects.toThrow(/not an image/);
    await expect(f(`${images.origin}/big`)).rejects.toThrow(/larger than/);
    await expect(f(`${images.origin}/big-chunked`)).rejects.toThrow(/larger than/);
    await expect(f("file:///etc/passwd")).rejects.toThrow(/only http and https/);
    await expect(f(`http://user:pw@127.0.0.1:${images.port}/a.png`)).rejects.toThrow(/user name or password/);
  });

  it("classifies the address ranges", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fd00::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1"]) {
      expect(isForbiddenAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"]) expect(isForbiddenAddress(a), a).toBe(false);
    expect(isForbiddenAddress("not-an-ip")).toBe(true);
  });
});
