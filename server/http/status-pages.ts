import type { Response } from "express";

/**
 * Plain pages for hosts that must not reveal anything: unknown hosts (no tenant data, no platform branding)
 * and suspended/closed shops (neutral "unavailable"). Rendered without Remix: cheap and leak-free. The edge serves
 * the very same pages for hosts it answers itself (server/edge/routes.ts).
 */
const PAGES = {
  404: { title: "Not found", body: "There is nothing at this address." },
  503: { title: "Shop unavailable", body: "This shop is temporarily unavailable. Please check back later." },
  410: { title: "Shop unavailable", body: "This shop is no longer available." },
} as const;
export type StatusPage = keyof typeof PAGES;

export const STATUS_PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Robots-Tag": "noindex",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
  "X-Content-Type-Options": "nosniff",
} as const;

export function statusPageHtml(status: StatusPage) {
  const page = PAGES[status];
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${page.title}</title>` +
    `<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;color:#333;background:#fafafa}main{text-align:center;padding:2rem}</style>` +
    `</head><body><main><h1>${page.title}</h1><p>${page.body}</p></main></body></html>`
  );
}

export function renderStatusPage(res: Response, status: StatusPage) {
  res.status(status).set(STATUS_PAGE_HEADERS).send(statusPageHtml(status));
}
