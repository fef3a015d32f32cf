import { z } from "zod";
import { defineTemplate } from "./define.ts";

/**
 * A shop's announcement to its opted-in customers (ADR 033). Marketing mail: the layout adds the signed one-click
 * unsubscribe link carried in the data (per shop and customer).
 */
export const shopAnnouncement = defineTemplate({
  name: "shop.announcement",
  marketing: true,
  data: z.object({ shopName: z.string().max(200), body: z.string().min(1).max(1_000), unsubscribeUrl: z.url() }),
  text: {
    en: {
      subject: (d) => `News from ${d.shopName}`,
      footer: (d) => `You get this mail because you agreed to hear from ${d.shopName} when you ordered.`,
    },
    fa: {
      subject: (d) => `خبر تازه از ${d.shopName}`,
      footer: (d) => `این ایمیل را دریافت کرده‌اید چون هنگام سفارش پذیرفتید از ${d.shopName} خبر بگیرید.`,
    },
  },
  build: (d, t) => ({ blocks: d.body.split(/\n{2,}/).map((text) => ({ kind: "paragraph" as const, text })), footer: [t("footer")] }),
});
