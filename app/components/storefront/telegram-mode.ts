/**
 * Telegram mode: once a tab has opened the Mini App (/telegram), every page it navigates to keeps the compact
 * Telegram layout and Telegram's back button. Telegram launches the Mini App in its own webview (or an iframe on
 * web.telegram.org), so a sessionStorage flag is scoped to exactly that launch — Telegram's own script keeps its
 * launch parameters there too — and a shop opened in an ordinary browser tab is not affected.
 */
import { useEffect, useSyncExternalStore } from "react";
import { postTelegramEvent } from "./telegram-webapp.ts";

const FLAG = "telegram-mini-app:v1";
const listeners = new Set<() => void>();

function session() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // Storage disabled: each page then falls back to the web layout, as before.
  }
}

/** Called by the Mini App's entry page. */
export function rememberTelegramMode() {
  if (session()?.getItem(FLAG) === "1") return;
  session()?.setItem(FLAG, "1");
  listeners.forEach((l) => l());
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True inside a Mini App launch; false on the server and during hydration (the server cannot see the flag). */
export function useTelegramMode() {
  return useSyncExternalStore(subscribe, () => session()?.getItem(FLAG) === "1", () => false);
}

type TelegramEventHandler = (eventType: string) => void;
const handlers = new Set<TelegramEventHandler>();

/**
 * Telegram's clients deliver events the way telegram-web-app.js receives them: native apps call
 * window.Telegram.WebView.receiveEvent, web.telegram.org posts `{eventType, eventData}` to the frame.
 */
function listenToTelegram(handler: TelegramEventHandler) {
  const telegram = (window.Telegram ??= {});
  telegram.WebView ??= {};
  telegram.WebView.receiveEvent ??= (eventType) => handlers.forEach((h) => h(eventType));
  const onMessage = (e: MessageEvent) => {
    if (e.origin !== "https://web.telegram.org" || typeof e.data !== "string") return;
    try {
      const { eventType } = JSON.parse(e.data) as { eventType?: unknown };
      if (typeof eventType === "string") handler(eventType);
    } catch {
      // Not a Telegram event.
    }
  };
  handlers.add(handler);
  window.addEventListener("message", onMessage);
  return () => {
    handlers.delete(handler);
    window.removeEventListener("message", onMessage);
  };
}

/** Shows Telegram's native back button while mounted (hides it after) and calls `onBack` when it is pressed. */
export function useTelegramBackButton(enabled: boolean, onBack: () => void) {
  useEffect(() => {
    if (!enabled) return;
    postTelegramEvent("web_app_setup_back_button", { is_visible: true });
    const stop = listenToTelegram((eventType) => eventType === "back_button_pressed" && onBack());
    return () => {
      stop();
      postTelegramEvent("web_app_setup_back_button", { is_visible: false });
    };
  }, [enabled, onBack]);
}
