/**
 * Rotating MONEY_SECRET: with the earlier secret listed in MONEY_SECRET_OLD, buyer links, delivery codes already
 * shown to buyers and checkout replays made before the rotation keep working; new ones use the new secret. Without
 * it they stop working, which is why the old secret stays listed until those orders are done.
 */
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { caught } from "./caught.ts";
import { ADDRESS, MERCHANT, createShop, moneyHarness, newKey, placeOrder } from "./money-fixture.ts";
import type { ApiError } from "#server/http/errors.ts";

const db = await createTestDatabase();
const OLD = "old-money-secret-0123456789abcdef0123456789";
const NEW = "new-money-secret-0123456789abcdef0123456789";
const h = moneyHarness(db, { secret: OLD });
const before = h.money;
const rotated = h.make({ secret: NEW, oldSecrets: [OLD] });
const forgotten = h.make({ secret: NEW, oldSecrets: [] });

const cartOf = (shop: Awaited<ReturnType<typeof createShop>>) => ({
  items: [{ itemId: shop.item("Lamp"), quantity: 1 }], email: "buyer@example.test", shippingAddress: ADDRESS, rail: "escrow" as const, acknowledgeNoEscrow: false,
});

async function shipped(shop: Awaited<ReturnType<typeof createShop>>) {
  const placed = await placeOrder(before, shop, { rail: "escrow", pay: true });
  await before.ship(MERCHANT, shop.tenantId, placed.orderId);
  const code = (await before.buyerOrder(shop.tenantId, placed.token)).deliveryCode!.code;
  return { ...placed, code };
}

describe("MONEY_SECRET rotation", () => {
  it("with the old secret listed: the buyer sees the same code, the merchant's entry of it is accepted, replays return the same link", async () => {
    const shop = await createShop(db);
    const order = await shipped(shop);
    expect((await rotated.buyerOrder(shop.tenantId, order.token)).deliveryCode!.code).toBe(order.code);
    await rotated.enterDeliveryCode(MERCHANT, shop.tenantId, order.orderId, order.code);
    expect((await rotated.buyerOrder(shop.tenantId, order.token)).status).toBe("delivered");

    const input = cartOf(shop);
    const key = newKey();
    const first = await before.checkout(shop.tenantId, input, key);
    const replay = await rotated.checkout(shop.tenantId, input, key);
    expect([replay.replayed, replay.token, replay.order.id]).toEqual([true, first.token, first.order.id]);

    // What is made after the rotation uses the new secret: the old secret alone no longer reads its code.
    const fresh = await placeOrder(rotated, shop, { rail: "escrow", pay: true });
    await rotated.ship(MERCHANT, shop.tenantId, fresh.orderId);
    const freshCode = (await rotated.buyerOrder(shop.tenantId, fresh.token)).deliveryCode!.code;
    expect((await before.buyerOrder(shop.tenantId, fresh.token)).deliveryCode).toBeNull();
    await rotated.enterDeliveryCode(MERCHANT, shop.tenantId, fresh.orderId, freshCode);
  });

  it("without it: codes made before cannot be shown or accepted, and a replay is refused rather than given a wrong link", async () => {
    const shop = await createShop(db);
    const order = await shipped(shop);
    expect((await forgotten.buyerOrder(shop.tenantId, order.token)).deliveryCode).toBeNull();
    expect(((await caught(forgotten.enterDeliveryCode(MERCHANT, shop.tenantId, order.orderId, order.code))) as ApiError).code).toBe("DELIVERY_CODE_INVALID");

    const input = cartOf(shop);
    const key = newKey();
    await before.checkout(shop.tenantId, input, key);
    expect(((await caught(forgotten.checkout(shop.tenantId, input, key))) as ApiError).code).toBe("IDEMPOTENCY_KEY_REUSED");
  });
});
