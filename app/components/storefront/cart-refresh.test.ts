import { describe, expect, it } from "vitest";
import { applyLookups } from "./cart-refresh.ts";
import type { CartLine } from "./cart.ts";

const line = (itemId: string, quantity: number, price: string | null, title: string | null = `Item ${itemId.slice(0, 1)}`): CartLine => ({
  itemId, quantity, title, price, currency: price ? "USD" : null, imageUrl: null, imageAlt: null, maxQuantity: null, slug: null,
});
const item = (id: string, price: string, maxQuantity: number | null, title = `Item ${id.slice(0, 1)}`) => ({
  id, slug: `item-${id.slice(0, 1)}`, title, price, currency: "USD", inStock: maxQuantity === null || maxQuantity > 0, maxQuantity, images: [],
});
const [A, B, C, D, E] = ["a", "b", "c", "d", "e"].map((c) => `${c.repeat(8)}-0000-4000-8000-000000000000`) as [string, string, string, string, string];

describe("cart refresh", () => {
  it("drops gone and sold-out items, refreshes prices, clamps quantities, keeps lines it could not check", () => {
    const { lines, notices, failed } = applyLookups(
      [line(A, 1, "10.00"), line(B, 2, "5.00"), line(C, 9, "7.50"), line(D, 1, "3.00"), line(E, 2, null, null)],
      [
        { itemId: A, gone: true },
        { itemId: B, item: item(B, "5", 0) },
        { itemId: C, item: item(C, "8.00", 4) },
        { itemId: D, failed: true },
        { itemId: E, item: item(E, "2.25", null, "Tea") },
      ],
    );
    expect(lines.map((l) => [l.itemId, l.quantity, l.price])).toEqual([[C, 4, "8.00"], [D, 1, "3.00"], [E, 2, "2.25"]]);
    expect(lines[2]!.title).toBe("Tea");
    expect(failed).toBe(true);
    expect(notices).toEqual([
      "Item a is no longer available and was removed from your cart.",
      "Item b is sold out and was removed from your cart.",
      "The price of Item c changed from $7.50 to $8.00.",
      "Only 4 of Item c are available, so your cart now holds 4.",
    ]);
  });

  it("says nothing when an equal price is only written differently", () => {
    const { notices } = applyLookups([line(A, 1, "349.00")], [{ itemId: A, item: item(A, "349", null) }]);
    expect(notices).toEqual([]);
  });
});
