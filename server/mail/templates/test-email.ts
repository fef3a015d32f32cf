import { z } from "zod";
import { defineTemplate } from "./define.ts";

/** "Send test email" from the Notifications page: proves the shop's sender works, to the shop's owner. */
export const testEmail = defineTemplate({
  name: "shop.test_email",
  data: z.object({ senderLabel: z.string().max(200) }),
  text: {
    en: {
      subject: "Test email from your shop",
      heading: "Your shop can send email",
      body: (d) => `This message went out through ${d.senderLabel}. Order confirmations, receipts and alerts will be sent the same way.`,
      footer: "You get this mail because someone on your team pressed “Send test email”.",
    },
    fa: {
      subject: "ایمیل آزمایشی از فروشگاه شما",
      heading: "فروشگاه شما می‌تواند ایمیل بفرستد",
      body: (d) => `این پیام از طریق ${d.senderLabel} فرستاده شد. تأیید سفارش‌ها، رسیدها و هشدارها هم به همین شکل فرستاده می‌شوند.`,
      footer: "این ایمیل را دریافت کرده‌اید چون یکی از اعضای تیم شما «ارسال ایمیل آزمایشی» را زد.",
    },
  },
  build: (_d, t) => ({ blocks: [{ kind: "heading", text: t("heading") }, { kind: "paragraph", text: t("body") }], footer: [t("footer")] }),
});
