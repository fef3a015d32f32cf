import type { Response } from "express";

/**
 * Plain pages for hosts that must not reveal anything: unknown hosts (no tenant data, no platform branding)
 * and suspended/closed shops (neutral "unavailable"). Rendered without Remix: cheap and leak-free.
 */
const PAGES = {
  404: { title: "Not found", body: "There is nothing at this address." },
  503: { title: "Shop unavailable", body: "This shop is temporarily unavailable. Please check back later." },
  410: { title: "Shop unavailable", body: "This shop is no longer available." },
} as const;

export function renderStatusPage(res: Response, status: keyof typeof PAGES) {
  const page = PAGES[status];
  res
    .status(status)
    .set({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Robots-Tag": "noindex",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
      "X-Content-Type-Options": "nosniff",
    })
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
        `<meta name="robots" content="noindex"><title>${page.title}</title>` +
        `<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;color:#333;background:#fafafa}main{text-align:center;padding:2rem}</style>` +
        `</head><body><main><h1>${page.title}</h1><p>${page.body}</p></main></body></html>`,
    );
}
