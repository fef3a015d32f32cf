/**
 * Mail to the shop's owner and the members who manage domains or the bot: a domain that failed or degraded, a
 * certificate that needs attention, a suspended bot. The dashboard is in English, so its button names are quoted
 * as they appear there.
 */
import { z } from "zod";
import { defineTemplate } from "./define.ts";
import { localDigits, ltr, shown, standardMail, when } from "./order-words.ts";

const iso = z.iso.datetime({ offset: true });
const host = z.string().min(1).max(253);
const detail = z.string().max(1000).nullable();
/** Both domain mails end on the Domains page. */
const DOMAINS_PAGE = {
  en: { button: "Open your domains", footer: "You get this email because you manage this shop's domains." },
  fa: { button: "باز کردن دامنه‌ها", footer: "این ایمیل را دریافت می‌کنید چون دامنه‌های این فروشگاه را مدیریت می‌کنید." },
};

export const merchantDomainProblem = defineTemplate({
  name: "merchant.domain_problem",
  data: z.object({ hostname: host, status: z.enum(["failed", "degraded", "suspended"]), deadline: iso.nullable(), detail, dashboardUrl: z.url() }),
  text: {
    en: {
      subject: (d) => ({ failed: `${d.hostname} could not be verified`, degraded: `${d.hostname} no longer points at your shop`, suspended: `${d.hostname} is no longer served` })[d.status],
      heading: "Your domain needs attention",
      body: (d) => ({
        failed: `We could not verify ${d.hostname} in time, so it was set to failed. Fix its DNS records, then press “Check now” on the Domains page.`,
        degraded: `${d.hostname} no longer points at your shop. It keeps working ${d.deadline ? `until ${when(d.deadline, "en")}` : "for a short grace period"}; fix its DNS records before then.`,
        suspended: `${d.hostname} has not pointed at your shop for too long and is no longer served. Fix its DNS records, then press “Check now” on the Domains page.`,
      })[d.status],
      detail: (d) => `What we found: ${d.detail ?? ""}`,
      ...DOMAINS_PAGE.en,
    },
    fa: {
      subject: (d) => ({ failed: `دامنهٔ ${ltr(d.hostname)} تأیید نشد`, degraded: `دامنهٔ ${ltr(d.hostname)} دیگر به فروشگاه شما اشاره نمی‌کند`, suspended: `دامنهٔ ${ltr(d.hostname)} دیگر در دسترس نیست` })[d.status],
      heading: "دامنهٔ شما نیاز به رسیدگی دارد",
      body: (d) => ({
        failed: `نتوانستیم دامنهٔ ${ltr(d.hostname)} را در زمان مقرر تأیید کنیم و وضعیت آن «ناموفق» شد. رکوردهای DNS آن را اصلاح کنید و سپس در صفحهٔ Domains دکمهٔ «Check now» را بزنید.`,
        degraded: `دامنهٔ ${ltr(d.hostname)} دیگر به فروشگاه شما اشاره نمی‌کند. این دامنه ${d.deadline ? `تا ${when(d.deadline, "fa")}` : "برای مدت کوتاهی"} همچنان کار می‌کند؛ پیش از آن رکوردهای DNS آن را اصلاح کنید.`,
        suspended: `دامنهٔ ${ltr(d.hostname)} مدت زیادی به فروشگاه شما اشاره نکرده و دیگر سرویس داده نمی‌شود. رکوردهای DNS آن را اصلاح کنید و سپس در صفحهٔ Domains دکمهٔ «Check now» را بزنید.`,
      })[d.status],
      detail: (d) => `آنچه یافتیم (به انگلیسی): ${d.detail ?? ""}`,
      ...DOMAINS_PAGE.fa,
    },
  },
  build: (d, t) => standardMail(t, [...shown(d.detail, { kind: "note", text: t("detail") })], { label: t("button"), url: d.dashboardUrl }),
});

export const merchantCertificateExpiring = defineTemplate({
  name: "merchant.certificate_expiring",
  data: z.object({ hostname: host, notAfter: iso.nullable(), daysLeft: z.number().int().nullable(), detail, dashboardUrl: z.url() }),
  text: {
    en: {
      subject: (d) => `The HTTPS certificate for ${d.hostname} needs attention`,
      heading: "Your certificate needs attention",
      body: (d) => d.notAfter && d.daysLeft !== null && d.daysLeft >= 0
        ? `The HTTPS certificate for ${d.hostname} expires on ${when(d.notAfter, "en")} (${d.daysLeft === 1 ? "1 day" : `${d.daysLeft} days`} left). It renews by itself while the domain points at your shop; if it does not, check the domain's DNS records.`
        : `The HTTPS certificate for ${d.hostname} is not working, so visitors may see a security warning. Check the domain's DNS records on the Domains page.`,
      detail: (d) => `What we found: ${d.detail ?? ""}`,
      ...DOMAINS_PAGE.en,
    },
    fa: {
      subject: (d) => `گواهی HTTPS دامنهٔ ${ltr(d.hostname)} نیاز به رسیدگی دارد`,
      heading: "گواهی امنیتی شما نیاز به رسیدگی دارد",
      body: (d) => d.notAfter && d.daysLeft !== null && d.daysLeft >= 0
        ? `گواهی HTTPS دامنهٔ ${ltr(d.hostname)} در ${when(d.notAfter, "fa")} منقضی می‌شود (${localDigits(String(d.daysLeft), "fa")} روز مانده). تا وقتی دامنه به فروشگاه شما اشاره کند، گواهی خودکار تمدید می‌شود؛ اگر تمدید نشد، رکوردهای DNS دامنه را بررسی کنید.`
        : `گواهی HTTPS دامنهٔ ${ltr(d.hostname)} کار نمی‌کند و ممکن است بازدیدکنندگان هشدار امنیتی ببینند. رکوردهای DNS دامنه را در صفحهٔ Domains بررسی کنید.`,
      detail: (d) => `آنچه یافتیم (به انگلیسی): ${d.detail ?? ""}`,
      ...DOMAINS_PAGE.fa,
    },
  },
  build: (d, t) => standardMail(t, [...shown(d.detail, { kind: "note", text: t("detail") })], { label: t("button"), url: d.dashboardUrl }),
});

export const merchantBotSuspended = defineTemplate({
  name: "merchant.bot_suspended",
  data: z.object({ botUsername: z.string().max(100).nullable(), detail, dashboardUrl: z.url() }),
  text: {
    en: {
      subject: "Your Telegram bot was suspended",
      heading: "Your Telegram bot was suspended",
      body: (d) => `Telegram rejected the token of ${d.botUsername ? `@${d.botUsername}` : "your shop's bot"}, so we suspended the bot: it sends no order alerts and answers no buyers until you register it again with a new token from @BotFather.`,
      detail: (d) => `What Telegram said: ${d.detail ?? ""}`,
      button: "Open your bot settings",
      footer: "You get this email because you manage this shop's Telegram bot.",
    },
    fa: {
      subject: "ربات تلگرام شما تعلیق شد",
      heading: "ربات تلگرام شما تعلیق شد",
      body: (d) => `تلگرام توکن ${d.botUsername ? `ربات @${d.botUsername}` : "ربات فروشگاه شما"} را نپذیرفت، بنابراین ربات را تعلیق کردیم: تا وقتی آن را با توکن تازه‌ای از @BotFather دوباره ثبت نکنید، نه هشدار سفارش می‌فرستد و نه به خریداران پاسخ می‌دهد.`,
      detail: (d) => `پاسخ تلگرام (به انگلیسی): ${d.detail ?? ""}`,
      button: "باز کردن تنظیمات ربات",
      footer: "این ایمیل را دریافت می‌کنید چون ربات تلگرام این فروشگاه را مدیریت می‌کنید.",
    },
  },
  build: (d, t) => standardMail(t, [...shown(d.detail, { kind: "note", text: t("detail") })], { label: t("button"), url: d.dashboardUrl }),
});
