import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { CartLink, ShopMark, type ShopChrome } from "./shop-chrome.tsx";
import { TelegramFrame } from "./telegram-frame.tsx";
import { useTelegramMode } from "./telegram-mode.ts";
import { focusRing } from "./styles.ts";
import { useShop } from "./shop.ts";
import { SHOP_PAUSED_MESSAGE } from "#server/tenancy/shared.ts";

// Moved to shop-chrome.tsx (the Telegram frame shares them); re-exported for the routes that import them from here.
export { CartLink, ShopMark, type ShopChrome };

/** What the platform host's preview (/t/:slug) says about the shop it shows. */
export interface PreviewBanner {
  status: "pending" | "active" | "suspended" | "closed";
  /** The shop's own address, where buyers see it once it is active. */
  liveUrl: string;
}

function PreviewNotice({ banner }: { banner: PreviewBanner }) {
  const host = new URL(banner.liveUrl).host;
  return (
    <div role="status" data-testid="preview-banner" className="bg-amber-300 px-4 py-2 text-center text-sm font-medium text-amber-950 [overflow-wrap:anywhere]">
      {banner.status === "active" ? (
        <>
          Preview — this shop is live at <a href={banner.liveUrl} className={`font-semibold underline underline-offset-4 ${focusRing}`}>{host}</a>.
        </>
      ) : banner.status === "pending" ? (
        "Preview — this shop is not public yet."
      ) : (
        `Preview — this shop is ${banner.status}: buyers cannot see it.`
      )}
    </div>
  );
}

/** While the shop is paused (/pause or the dashboard toggle), every storefront page says so before the buyer shops. */
export function PausedNotice() {
  const shop = useShop();
  if (!shop || shop.acceptingOrders) return null;
  return (
    <div role="status" data-testid="paused-banner" className="bg-gray-900 px-4 py-2 text-center text-sm font-medium text-white [overflow-wrap:anywhere]">
      {SHOP_PAUSED_MESSAGE}
    </div>
  );
}

export function ShopFooter({ shop }: { shop: ShopChrome }) {
  return (
    <footer className="mt-16 border-t border-gray-200 bg-gray-50">
      <div className="mx-auto flex max-w-6xl flex-col gap-3 px-4 py-8 text-sm text-gray-700 sm:flex-row sm:items-center sm:justify-between">
        <p className="flex items-center gap-2 font-semibold text-gray-900">
          <ShopMark shop={shop} className="size-7" />
          {shop.name}
        </p>
        <div className="flex flex-col gap-1 sm:items-end">
          {shop.supportEmail ? (
            <p>
              Questions? <a className={`font-medium text-gray-900 underline underline-offset-4 ${focusRing}`} href={`mailto:${shop.supportEmail}`}>{shop.supportEmail}</a>
            </p>
          ) : null}
          {shop.hidePlatformBadge ? null : <p className="text-gray-600">Powered by Storefront</p>}
        </div>
      </div>
    </footer>
  );
}

/**
 * The branded shop frame: skip link, header (brand colours, name, cart), main landmark and footer. In `preview`
 * (the platform host's /t/:slug) the shop's links would lead to the platform, so it renders without them. Inside
 * the Telegram Mini App every page keeps the Mini App's compact frame and back button instead.
 */
export function ShopLayout({ shop, preview, children }: { shop: ShopChrome; preview?: PreviewBanner; children: ReactNode }) {
  const telegram = useTelegramMode();
  if (telegram && !preview) return <TelegramFrame shop={shop}><PausedNotice />{children}</TelegramFrame>;
  const brand = (
    <>
      <ShopMark shop={shop} />
      <span data-testid="shop-name" className="truncate text-lg font-bold tracking-tight sm:text-xl">{shop.name}</span>
    </>
  );
  return (
    <div className="flex min-h-screen flex-col bg-white">
      <a href="#main" className="sr-only z-50 rounded-md bg-white px-4 py-2 font-semibold text-gray-900 focus:not-sr-only focus:fixed focus:left-4 focus:top-4">
        Skip to content
      </a>
      {preview ? <PreviewNotice banner={preview} /> : null}
      <PausedNotice />
      <header className="sticky top-0 z-40 bg-brand text-brand-fg shadow-sm">
        <div className="mx-auto flex h-16 max-w-6xl items-center gap-3 px-4">
          {preview ? (
            <span className="flex min-w-0 items-center gap-3">{brand}</span>
          ) : (
            <Link to="/" className={`flex min-w-0 items-center gap-3 rounded-lg ${focusRing}`}>{brand}</Link>
          )}
          {preview ? null : (
            <nav aria-label="Shop" className="ml-auto">
              <CartLink />
            </nav>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} className="flex-1 outline-none">
        {children}
      </main>
      <ShopFooter shop={shop} />
    </div>
  );
}
