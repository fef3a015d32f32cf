import { Link, useLocation, useNavigate } from "@remix-run/react";
import { useCallback, type ReactNode } from "react";
import { ArrowIcon } from "./icons.tsx";
import { CartLink, ShopMark, type ShopChrome } from "./shop-chrome.tsx";
import { focusRing } from "./styles.ts";
import { useTelegramBackButton } from "./telegram-mode.ts";

/** The Mini App's entry: the bot's menu button opens <primaryHost>/telegram. */
export const TELEGRAM_HOME = "/telegram";

/**
 * The Mini App's compact frame (slim header, no footer, safe-area padding) for the catalog and every page reached
 * from it. Off the catalog, Telegram's back button (and one in the header, for clients without it) goes back.
 */
export function TelegramFrame({ shop, notice, children }: { shop: ShopChrome; notice?: ReactNode; children: ReactNode }) {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const atHome = pathname === TELEGRAM_HOME;
  // A page opened directly (a reload, a link from a bot message) has no history entry to go back to: the catalog.
  const back = useCallback(() => {
    const idx = (window.history.state as { idx?: number } | null)?.idx ?? 0;
    if (idx > 0) navigate(-1);
    else navigate(TELEGRAM_HOME);
  }, [navigate]);
  useTelegramBackButton(!atHome, back);
  return (
    <div
      data-layout="telegram"
      className={`min-h-screen pb-[max(1rem,env(safe-area-inset-bottom))] pl-[env(safe-area-inset-left)] pr-[env(safe-area-inset-right)] ${atHome ? "bg-gray-50" : "bg-white"}`}
    >
      <header className="sticky top-0 z-40 bg-brand pt-[env(safe-area-inset-top)] text-brand-fg shadow-sm">
        <div className="flex h-12 items-center gap-2 px-3">
          {atHome ? null : (
            <button type="button" onClick={back} aria-label="Back" className={`-ml-1 grid size-9 shrink-0 place-items-center rounded-full hover:bg-current/10 ${focusRing}`}>
              <ArrowIcon back className="size-5" />
            </button>
          )}
          <Link to={TELEGRAM_HOME} className={`flex min-w-0 items-center gap-2 rounded-lg ${focusRing}`}>
            <ShopMark shop={shop} className="size-7" />
            <span data-testid="shop-name" className="truncate text-base font-bold">{shop.name}</span>
          </Link>
          <nav aria-label="Shop" className="ml-auto">
            <CartLink className="py-1.5" />
          </nav>
        </div>
      </header>
      {notice}
      <main id="main" tabIndex={-1} className="outline-none">
        {children}
      </main>
    </div>
  );
}
