import { Link } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { addToCart, clampQuantity, MAX_LINE_QUANTITY } from "./cart.ts";
import { BagIcon } from "./icons.tsx";
import { QuantityInput } from "./quantity-input.tsx";
import { primaryButton, textLink } from "./styles.ts";

export interface AddToCartItem {
  id: string;
  slug: string;
  title: string;
  price: string;
  currency: string;
  maxQuantity: number | null;
  images: { url: string; alt: string }[];
}

/**
 * Quantity + "Add to cart". With JavaScript the line goes straight into the cart (localStorage); before the page
 * has hydrated the plain GET form lands on /cart?add=<id>&qty=<n>, which adds it there.
 */
export function AddToCart({ item, soldOut }: { item: AddToCartItem; soldOut: boolean }) {
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState<AddResult | null>(null);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const asked = clampQuantity(quantity, item.maxQuantity);
    const image = item.images[0];
    const result = addToCart(
      { itemId: item.id, title: item.title, price: item.price, currency: item.currency, imageUrl: image?.url ?? null, imageAlt: image?.alt ?? null, maxQuantity: item.maxQuantity, slug: item.slug },
      asked,
    );
    setAdded({ asked, added: result.added, inCart: result.line.quantity });
  };
  if (soldOut) {
    return <p className="rounded-2xl bg-gray-100 px-4 py-3 font-medium text-gray-800">This item is sold out for now.</p>;
  }
  return (
    <form method="get" action="/cart" onSubmit={onSubmit} className="space-y-4">
      <input type="hidden" name="add" value={item.id} />
      <div className="flex flex-wrap items-center gap-3">
        <QuantityInput id="quantity" name="qty" label="Quantity" value={quantity} maxQuantity={item.maxQuantity} onChange={(n) => { setQuantity(n); setAdded(null); }} />
        <button type="submit" className={`${primaryButton} flex-1 sm:flex-none sm:px-10`}>
          <BagIcon /> Add to cart
        </button>
      </div>
      {item.maxQuantity !== null ? <p className="text-sm text-gray-600">Up to {item.maxQuantity} per order.</p> : null}
      <p role="status" data-testid="add-to-cart-status" className="min-h-6 text-sm text-gray-900">
        {added ? (
          <>
            <span className="font-semibold">{addedMessage(added, item.maxQuantity)}</span>{" "}
            <Link to="/cart" className={textLink}>View cart</Link>
          </>
        ) : null}
      </p>
    </form>
  );
}

interface AddResult {
  asked: number;
  added: number;
  inCart: number;
}

/** What happened, and when the line's limit cut the add short, why: the buyer must not think they got what they asked. */
export function addedMessage({ asked, added, inCart }: AddResult, maxQuantity: number | null) {
  // Limited stock below the cart's own per-line cap is "what is available"; otherwise the cap is the limit.
  const limit = maxQuantity !== null && maxQuantity < MAX_LINE_QUANTITY ? "the most available" : "the most one order can hold";
  if (added === 0) return `You already have the most we can sell you (${inCart}).`;
  if (added < asked) return `Added ${added} — you now have ${inCart}, ${limit}.`;
  return inCart === added ? `Added ${added} to your cart.` : `Added ${added} to your cart (${inCart} in cart).`;
}
