/**
 * The Telegram Mini App bridge, without Telegram's telegram-web-app.js (the CSP allows no third-party scripts):
 * read the launch initData, sign the buyer in with it (BOT-6), and talk to the Telegram client through the same
 * channels the official script uses — the native webview proxy, or postMessage to web.telegram.org in an iframe.
 * Browser-only: call from effects.
 */
import { useEffect, useState } from "react";

declare global {
  interface Window {
    /** WebView.receiveEvent: how native Telegram clients deliver events to the page (app/components/storefront/telegram-mode.ts). */
    Telegram?: { WebApp?: { initData?: string }; WebView?: { receiveEvent?: (eventType: string, eventData?: unknown) => void } };
    TelegramWebviewProxy?: { postEvent?: (eventType: string, eventData?: string) => void };
  }
}

const TELEGRAM_WEB_ORIGIN = "https://web.telegram.org";

/** initData from the official object when present, else from the launch URL's `#tgWebAppData=…` (null outside Telegram). */
export function readInitData(win: Window = window): string | null {
  const fromSdk = win.Telegram?.WebApp?.initData;
  if (fromSdk) return fromSdk;
  const hash = win.location.hash.replace(/^#/, "");
  if (!hash) return null;
  try {
    return new URLSearchParams(hash).get("tgWebAppData") || null;
  } catch {
    return null;
  }
}

function inIframe(win: Window) {
  try {
    return win.parent != null && win.parent !== win;
  } catch {
    return true; // A cross-origin parent can make even the comparison throw in old engines.
  }
}

/** Sends one event to the Telegram client; false when there is no Telegram client to talk to. */
export function postTelegramEvent(eventType: string, eventData?: Record<string, unknown>, win: Window = window): boolean {
  const proxy = win.TelegramWebviewProxy;
  if (typeof proxy?.postEvent === "function") {
    proxy.postEvent(eventType, eventData === undefined ? undefined : JSON.stringify(eventData));
    return true;
  }
  if (inIframe(win)) {
    win.parent.postMessage(JSON.stringify({ eventType, eventData }), TELEGRAM_WEB_ORIGIN);
    return true;
  }
  return false;
}

/** Paints Telegram's header in the brand colour and its background white, then tells the client the app is ready. */
export function applyTelegramChrome(primaryColor: string, win: Window = window) {
  if (!/^#[0-9a-f]{6}$/i.test(primaryColor)) return;
  if (!postTelegramEvent("web_app_set_header_color", { color: primaryColor }, win)) return;
  postTelegramEvent("web_app_set_background_color", { color: "#ffffff" }, win);
  postTelegramEvent("web_app_ready", undefined, win);
}

export interface TelegramBuyer {
  telegramUserId: string;
  name: string | null;
}

/** Exchanges initData for the shop's buyer cookie; null on any failure (outside Telegram that is normal). */
export async function signInWithInitData(initData: string, signal?: AbortSignal): Promise<TelegramBuyer | null> {
  try {
    const res = await fetch("/api/storefront/telegram/session", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ initData }),
      signal,
    });
    if (!res.ok) return null;
    const body = (await res.json()) as { success?: boolean; data?: { buyer?: TelegramBuyer } };
    return body.success && body.data?.buyer ? body.data.buyer : null;
  } catch {
    return null;
  }
}

/**
 * On mount: colours Telegram's chrome and signs the buyer in when the page was opened from the bot. Returns the
 * buyer once signed in (null before, and for good when the page is not inside Telegram).
 */
export function useTelegramWebApp(primaryColor: string | null) {
  const [buyer, setBuyer] = useState<TelegramBuyer | null>(null);
  useEffect(() => {
    if (primaryColor) applyTelegramChrome(primaryColor);
  }, [primaryColor]);
  useEffect(() => {
    const initData = readInitData();
    if (!initData) return;
    const controller = new AbortController();
    signInWithInitData(initData, controller.signal).then((b) => {
      if (b) setBuyer(b);
    });
    return () => controller.abort();
  }, []);
  return buyer;
}
