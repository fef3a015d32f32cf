import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";

const db = await createTestDatabase();
let app: RunningApp;
const ids: Record<string, string> = {};
// Item pages live at /items/<slug> (ADR 037); /items/<id> answers 301 there.
const slugs: Record<string, string> = {};

const catalog = (prefix: string) => [
  { title: `${prefix} Visible Lamp`, description: "A warm reading lamp.", price: "40.00", category: "Home" },
  { title: `${prefix} Hidden Draft`, price: "1.00", active: false },
];

beforeAll(async () => {
  await createTenant(db.prisma, { slug: "seosub", brand: { displayName: "Sub Shop", tagline: "Lamps and light", primaryColor: "#123456", accentColor: "#abcdef" }, catalog: catalog("Sub") });
  await createTenant(db.prisma, {
    slug: "seocustom",
    brand: { displayName: "Custom Shop", primaryColor: "#654321", accentColor: "#fedcba" },
    domains: [{ hostname: "www.custom-shop.test", status: "active", primary: true }],
    catalog: catalog("Custom"),
  });
  for (const i of await db.prisma.catalogItem.findMany()) [ids[i.title], slugs[i.title]] = [i.id, i.slug];
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
});
afterAll(async () => app?.stop());

const attr = (html: string, re: RegExp) => re.exec(html)?.[1];
const meta = (html: string, prop: string) => attr(html, new RegExp(`<meta (?:property|name)="${prop}" content="([^"]*)"`));
const canonical = (html: string) => attr(html, /<link rel="canonical" href="([^"]*)"/);

describe("SEO per tenant host", () => {
  it("subdomain: title, og tags and canonical from the brand and the item", async () => {
    const home = (await get(app, "seosub.localhost", "/")).body;
    expect(attr(home, /<title>([^<]*)<\/title>/)).toContain("Sub Shop");
    expect(meta(home, "og:title")).toContain("Sub Shop");
    expect(canonical(home)).toBe("https://seosub.localhost/");
    const id = slugs["Sub Visible Lamp"]!;
    const page = (await get(app, "seosub.localhost", `/items/${id}`)).body;
    expect(attr(page, /<title>([^<]*)<\/title>/)).toContain("Sub Visible Lamp");
    expect(meta(page, "og:title")).toContain("Sub Visible Lamp");
    expect(meta(page, "og:description")).toContain("A warm reading lamp.");
    expect(canonical(page)).toBe(`https://seosub.localhost/items/${id}`);
  });

  it("custom primary domain: canonical, robots and sitemap point at the custom host, from every host of the shop", async () => {
    const id = slugs["Custom Visible Lamp"]!;
    for (const host of ["www.custom-shop.test", "seocustom.localhost"]) {
      const page = await get(app, host, `/items/${id}`);
      expect(page.status === 200 || page.status === 301).toBe(true);
      if (page.status === 200) expect(canonical(page.body)).toBe(`https://www.custom-shop.test/items/${id}`);
    }
    const robots = await get(app, "www.custom-shop.test", "/robots.txt");
    expect(robots.headers["content-type"]).toMatch(/^text\/plain/);
    expect(robots.body).toContain("Sitemap: https://www.custom-shop.test/sitemap.xml");
    const sitemap = await get(app, "www.custom-shop.test", "/sitemap.xml");
    expect(sitemap.headers["content-type"]).toMatch(/^application\/xml/);
    expect(sitemap.body).toContain(`<loc>https://www.custom-shop.test/items/${id}</loc>`);
    expect(sitemap.body).toContain("<loc>https://www.custom-shop.test/</loc>");
  });

  it("sitemaps list only the host's own active items", async () => {
    const sub = (await get(app, "seosub.localhost", "/sitemap.xml")).body;
    expect(sub).toContain(`/items/${slugs["Sub Visible Lamp"]}<`);
    expect(sub).not.toContain(slugs["Sub Hidden Draft"]!);
    expect(sub).not.toContain(slugs["Custom Visible Lamp"]!);
    expect((await get(app, "seosub.localhost", "/robots.txt")).body).toContain("Sitemap: https://seosub.localhost/sitemap.xml");
    // An inactive item has no page either.
    expect((await get(app, "seosub.localhost", `/items/${ids["Sub Hidden Draft"]}`)).status).toBe(404);
    // The platform host keeps crawlers out of private areas and has no shop sitemap.
    expect((await get(app, "localhost", "/robots.txt")).body).toContain("Disallow: /dashboard");
    expect((await get(app, "localhost", "/sitemap.xml")).status).toBe(404);
  });
});
