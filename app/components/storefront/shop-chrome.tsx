import { Link } from "@remix-run/react";
import { useCartCount } from "./cart.ts";
import { BagIcon } from "./icons.tsx";
import { initials, type ShopInfo } from "./shop.ts";
import { focusRing } from "./styles.ts";

export type ShopChrome = Pick<ShopInfo, "name" | "logoUrl" | "supportEmail" | "hidePlatformBadge">;

/** The cart link with its live count (0 until hydrated: the server cannot see the buyer's localStorage). */
export function CartLink({ className = "" }: { className?: string }) {
  const count = useCartCount();
  return (
    <Link
      to="/cart"
      className={`relative inline-flex items-center gap-2 rounded-full px-3 py-2 text-sm font-semibold hover:bg-current/10 ${focusRing} ${className}`}
    >
      <BagIcon />
      <span>Cart</span>
      {count ? (
        <span data-testid="cart-count" className="grid h-5 min-w-5 place-items-center rounded-full bg-accent px-1.5 text-xs font-bold text-accent-fg">
          {count}
          <span className="sr-only"> {count === 1 ? "item" : "items"}</span>
        </span>
      ) : null}
    </Link>
  );
}

export function ShopMark({ shop, className = "size-9" }: { shop: ShopChrome; className?: string }) {
  return shop.logoUrl ? (
    <img src={shop.logoUrl} alt="" className={`${className} rounded-lg object-cover`} />
  ) : (
    <span aria-hidden="true" className={`${className} grid place-items-center rounded-xl bg-accent text-sm font-bold text-accent-fg`}>
      {initials(shop.name)}
    </span>
  );
}
