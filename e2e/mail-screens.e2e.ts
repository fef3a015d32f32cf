/**
 * The order confirmation and payment receipt as mail clients get them (renderMail's HTML, loaded as is), in English
 * and Persian, at a phone's and a desktop mail pane's width: e2e/artifacts/mail-<template>-<locale>-<width>.png (git-ignored).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMail } from "#server/mail/index.ts";
import { SAMPLE_BRAND, SAMPLES } from "../tests/mail-samples.ts";

const OUT = path.resolve(import.meta.dirname, "artifacts");
let browser: Browser;

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
});
afterAll(async () => browser?.close());

describe("order mail as rendered HTML", () => {
  for (const template of ["order.confirmation", "order.payment_received"]) {
    for (const locale of ["en", "fa"] as const) {
      it(`${template} in ${locale}`, async () => {
        const mail = renderMail({ template, locale, data: SAMPLES[template], brand: SAMPLE_BRAND });
        for (const width of [390, 800]) {
          const page = await browser.newPage({ viewport: { width, height: 900 } });
          await page.setContent(mail.html, { waitUntil: "load" });
          expect(await page.locator("html").getAttribute("dir")).toBe(locale === "fa" ? "rtl" : "ltr");
          // Nothing wider than the window: a phone must not scroll sideways.
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          await page.screenshot({ path: path.join(OUT, `mail-${template.replace(".", "-")}-${locale}-${width}.png`), fullPage: true });
          await page.close();
        }
      });
    }
  }
});
