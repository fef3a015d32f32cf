/**
 * Every registered mail template renders in every language with its sample data (tests/mail-samples.ts): no missing
 * string, no "undefined", "NaN" or "[object", both parts non-empty, Persian right-to-left. Templates added later are
 * covered by walking TEMPLATES; one without a sample fails here.
 */
import { describe, expect, it } from "vitest";
import { MAIL_LOCALES, TEMPLATES, renderMail } from "#server/mail/index.ts";
import { SAMPLE_BRAND, SAMPLES } from "./mail-samples.ts";

const BROKEN = /undefined|NaN|\[object|null/;

describe("mail templates", () => {
  it("has sample data for every registered template", () => {
    expect([...TEMPLATES.keys()].filter((name) => !(name in SAMPLES))).toEqual([]);
  });

  for (const [name, template] of TEMPLATES) {
    for (const locale of MAIL_LOCALES) {
      it(`${name} renders in ${locale}`, () => {
        for (const key of Object.keys(template.text.en)) expect(template.text[locale], `${name} ${locale} lacks "${key}"`).toHaveProperty(key);
        const mail = renderMail({ template: name, locale, data: SAMPLES[name], brand: SAMPLE_BRAND });
        for (const part of [mail.subject, mail.html, mail.text]) {
          expect(part.trim()).not.toBe("");
          expect(part).not.toMatch(BROKEN);
        }
        expect(mail.html).toContain(SAMPLE_BRAND.name.replace("&", "&amp;"));
        if (locale === "fa") {
          expect(mail.html).toContain('dir="rtl"');
          expect(mail.subject).toMatch(/[\u0600-\u06FF]/);
        } else {
          expect(mail.subject).not.toMatch(/[\u0600-\u06FF]/);
        }
      });
    }
  }

  it("formats amounts exactly, with Persian digits in Persian", () => {
    const en = renderMail({ template: "order.confirmation", locale: "en", data: SAMPLES["order.confirmation"], brand: SAMPLE_BRAND });
    expect(en.text).toContain("89.99 USD");
    expect(en.text).toContain("Platform fee (included): 2.25 USD");
    const fa = renderMail({ template: "order.confirmation", locale: "fa", data: SAMPLES["order.confirmation"], brand: SAMPLE_BRAND });
    expect(fa.text).toContain("۸۹٫۹۹ USD");
    expect(fa.text).toContain("#3F2A91BC");
  });

  it("never puts a delivery code in the reminder", () => {
    for (const locale of MAIL_LOCALES) {
      const mail = renderMail({ template: "order.delivery_code", locale, data: SAMPLES["order.delivery_code"], brand: SAMPLE_BRAND });
      expect(mail.text.replace(SAMPLES["order.delivery_code"]!.orderUrl as string, "")).not.toMatch(/\b\d{6}\b/);
      expect(TEMPLATES.get("order.delivery_code")!.data.safeParse({ ...SAMPLES["order.delivery_code"], code: "123456" }).data).not.toHaveProperty("code");
    }
  });
});
