/**
 * Issue 22 point 4: "Mark shipped" takes a carrier and a tracking number (ADR 036). The link is built from the
 * carrier's template; the buyer's page shows it with the ship-to address; the shop's bot notice and the shipped mail
 * carry it. Bad tracking input is a 400 that changes nothing; another shop's member cannot ship; a bare "mark
 * shipped" (the bot's button) still works.
 */
import { describe, expect, it } from "vitest";
import { createPrepare, mailLinks, renderMail } from "#server/mail/index.ts";
import { createTestDatabase } from "./db.ts";
import { moneyApp } from "./money-app.ts";
import { formPost } from "./tenant-fixture.ts";
import { ADDRESS, MERCHANT, createShop, httpBuyer, httpMember, moneyHarness, placeOrder, sql } from "./money-fixture.ts";
import { SAMPLE_BRAND } from "./mail-samples.ts";

const db = await createTestDatabase();
const { money, config, events } = moneyHarness(db);
const app = moneyApp(db, config.secret);

const UPS = { carrier: "ups", trackingNumber: "1Z999AA1 0123456784" };
const UPS_URL = "https://www.ups.com/track?tracknum=1Z999AA1%200123456784";
const trackingOf = async (orderId: string) =>
  (await sql(db, `SELECT status::text, tracking_carrier, tracking_carrier_name, tracking_number, tracking_url FROM orders WHERE id = $1::uuid`, [orderId]))[0];

describe("mark shipped with tracking (API and buyer page)", () => {
  it("stores carrier and number, builds the link from the template, and shows it with the ship-to address on the buyer's page", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const shipped = await owner.post(`/api/tenants/${shop.tenantId}/orders/${placed.orderId}/ship`, UPS);
    expect(shipped.status, shipped.body).toBe(200);
    expect(shipped.json.data.tracking).toEqual({ carrier: "UPS", number: UPS.trackingNumber, url: UPS_URL });
    expect(await trackingOf(placed.orderId)).toEqual({ status: "fulfilling", tracking_carrier: "ups", tracking_carrier_name: null, tracking_number: UPS.trackingNumber, tracking_url: null });

    const buyer = httpBuyer(app.current.port, shop.slug);
    const json = (await buyer.get(`/api/storefront/orders/${placed.token}`)).json.data;
    expect(json.tracking).toEqual({ carrier: "UPS", number: UPS.trackingNumber, url: UPS_URL });
    expect(json.shipTo).toMatchObject(ADDRESS);
    const page = await buyer.get(`/orders/${placed.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`href="${UPS_URL.replace(/&/g, "&amp;")}"`);
    expect(page.body).toContain('data-testid="ship-to"');
    expect(page.body).toContain(ADDRESS.line1);
  });

  it("an API-token client that marks shipped with no body at all (as before tracking existed) still ships; a form body is 415", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const token = (await owner.post("/api/tokens", { name: "fulfilment" })).json.data.token as string;
    const { request } = await import("./http.ts");
    const path = `/api/tenants/${shop.tenantId}/orders/${placed.orderId}/ship`;
    const form = await request(app.current.port, path, { method: "POST", headers: { authorization: `Bearer ${token}` }, raw: { contentType: "application/x-www-form-urlencoded", data: "carrier=ups" } });
    expect([form.status, form.json.error.code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const bare = await request(app.current.port, path, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    expect(bare.status, bare.body).toBe(200);
    expect(bare.json.data).toMatchObject({ status: "fulfilling", tracking: null });
  });

  it("refuses bad tracking with a 400 and changes nothing; support and other shops cannot ship", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { rail: "direct", pay: true });
    const owner = await httpMember(db, app.current.port, shop.tenantId, "owner");
    const path = `/api/tenants/${shop.tenantId}/orders/${placed.orderId}/ship`;
    for (const body of [
      { carrier: "pigeon", trackingNumber: "X1" },
      { trackingNumber: "123456" },
      { carrier: "other", trackingNumber: "123456" },
      { carrier: "other", carrierName: "Courier", trackingUrl: "http://courier.example/1" },
      { carrier: "ups", trackingNumber: "1Z1", trackingUrl: "https://evil.example/" },
      { carrier: "ups", trackingNumber: "<script>" },
    ]) {
      const res = await owner.post(path, body);
      expect([res.status, res.json.error.code], JSON.stringify(body)).toEqual([400, "VALIDATION_ERROR"]);
    }
    expect(await trackingOf(placed.orderId)).toMatchObject({ status: "paid", tracking_carrier: null });
    const support = await httpMember(db, app.current.port, shop.tenantId, "support");
    expect((await support.post(path, UPS)).status).toBe(403);
    const other = await createShop(db);
    const otherOwner = await httpMember(db, app.current.port, other.tenantId, "owner");
    expect((await otherOwner.post(`/api/tenants/${other.tenantId}/orders/${placed.orderId}/ship`, UPS)).status).toBe(404);
    expect(await trackingOf(placed.orderId)).toMatchObject({ status: "paid", tracking_carrier: null });
  });
});

describe("the dashboard's ship form", () => {
  it("takes a carrier and number; the order page then shows the carrier's link; a number without a carrier is refused", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const path = `/dashboard/${shop.tenantId}/orders/${placed.orderId}`;
    const manager = await httpMember(db, app.current.port, shop.tenantId, "manager");
    expect((await manager.get(path)).body).toContain("Tracking number");
    const bad = await formPost(manager, path, { intent: "ship", carrier: "", trackingNumber: "123456" });
    expect([bad.status, bad.body.includes("Pick the carrier of this tracking number.")]).toEqual([400, true]);
    expect((await trackingOf(placed.orderId))!.status).toBe("escrow_funded");
    const ok = await formPost(manager, path, { intent: "ship", ...UPS, carrierName: "", trackingUrl: "" });
    expect(ok.status, ok.body.slice(0, 300)).toBe(200);
    expect((await manager.get(path)).body).toContain(UPS_URL.replace(/&/g, "&amp;"));
  });
});

describe("the shipped notice and mail carry the tracking", () => {
  const prepare = () => createPrepare({ prisma: db.prisma, money: config, links: mailLinks({ PLATFORM_DOMAIN: "localhost", PORT: app.current.port, NODE_ENV: "development", PUBLIC_BASE_URL: undefined }) });
  const shippedMail = async (tenantId: string, orderId: string) => {
    const [row] = await sql<{ data: Record<string, unknown> }>(db, `SELECT data FROM email_outbox WHERE template = 'order.shipped' AND data->>'orderId' = $1`, [orderId]);
    return prepare()({ tenantId, template: "order.shipped", data: row!.data });
  };

  it("'other' carrier: the merchant's name and https link reach the bot notice and the mail", async () => {
    const shop = await createShop(db);
    const placed = await placeOrder(money, shop, { rail: "escrow", pay: true });
    const tracking = { carrier: "other" as const, carrierName: "Local courier", trackingNumber: "AB-12", trackingUrl: "https://courier.example/t/AB-12" };
    await money.ship(MERCHANT, shop.tenantId, placed.orderId, tracking);
    const notice = events.find((e) => e.id === `order.shipped:${placed.orderId}`)!;
    expect(notice.text).toContain("Order shipped");
    expect(notice.text).toContain("Local courier AB-12 https://courier.example/t/AB-12");
    const data = await shippedMail(shop.tenantId, placed.orderId);
    expect(data.tracking).toEqual({ carrier: "Local courier", number: "AB-12", url: "https://courier.example/t/AB-12" });
    const mail = renderMail({ template: "order.shipped", locale: "en", data, brand: SAMPLE_BRAND });
    expect(mail.text).toContain("AB-12");
    expect(mail.html).toContain("https://courier.example/t/AB-12");
  });

  it("a known carrier's notice carries the template link; a bare mark shipped (the bot's button) still works, without tracking", async () => {
    const shop = await createShop(db);
    const withTracking = await placeOrder(money, shop, { rail: "direct", pay: true });
    await money.ship(MERCHANT, shop.tenantId, withTracking.orderId, { carrier: "dhl", trackingNumber: "1234567890" });
    expect(events.find((e) => e.id === `order.shipped:${withTracking.orderId}`)!.text)
      .toContain("DHL Express 1234567890 https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=1234567890");

    const bare = await placeOrder(money, shop, { rail: "direct", pay: true });
    const view = await money.ship(MERCHANT, shop.tenantId, bare.orderId);
    expect([view.status, view.tracking]).toEqual(["fulfilling", null]);
    expect(events.find((e) => e.id === `order.shipped:${bare.orderId}`)!.text).not.toContain("\n");
    expect((await shippedMail(shop.tenantId, bare.orderId)).tracking).toBeNull();
  });
});
