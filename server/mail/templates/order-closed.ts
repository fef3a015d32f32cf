/** Buyer mail after delivery: delivered, dispute opened and resolved, refunded (one mail when a refund ends a dispute). */
import { z } from "zod";
import { defineTemplate } from "./define.ts";
import { BUYER_FOOTER as footer, linesBlock, ltr, money, orderFacts, orderMailData, standardMail, VIEW_ORDER as viewOrder, when } from "./order-words.ts";

const iso = z.iso.datetime({ offset: true });
const questions = {
  en: "Questions? Reply to this email to reach the shop.",
  fa: "سؤالی دارید؟ برای تماس با فروشگاه به همین ایمیل پاسخ دهید.",
};

export const orderDelivered = defineTemplate({
  name: "order.delivered",
  sensitive: true,
  data: orderMailData.extend({ releaseAfter: iso.nullable() }),
  text: {
    en: {
      subject: (d) => `Order #${d.orderNumber} was delivered`,
      heading: "Delivery confirmed",
      body: (d) => d.rail === "escrow"
        ? `Your payment is released to the shop ${d.releaseAfter ? `on ${when(d.releaseAfter, "en")}` : "shortly"}. If something is wrong with your order, open a dispute on your order page before then.`
        : "Thank you for shopping with us. We hope you enjoy your order.",
      button: viewOrder.en,
      questions: questions.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `سفارش ${ltr(`#${d.orderNumber}`)} تحویل داده شد`,
      heading: "تحویل سفارش تأیید شد",
      body: (d) => d.rail === "escrow"
        ? `مبلغ پرداختی شما ${d.releaseAfter ? `در ${when(d.releaseAfter, "fa")}` : "به‌زودی"} به فروشگاه پرداخت می‌شود. اگر سفارش مشکلی دارد، پیش از آن در صفحهٔ سفارش شکایت ثبت کنید.`
        : "از خرید شما سپاسگزاریم. امیدواریم از سفارش خود لذت ببرید.",
      button: viewOrder.fa,
      questions: questions.fa,
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => standardMail(t, [linesBlock(d, locale)], { label: t("button"), url: d.orderUrl }, [{ kind: "note", text: t("questions") }]),
});

export const orderDisputeOpened = defineTemplate({
  name: "order.dispute_opened",
  sensitive: true,
  data: orderMailData,
  text: {
    en: {
      subject: (d) => `A dispute is open for order #${d.orderNumber}`,
      heading: "Your dispute is open",
      body: (d) => d.rail === "escrow"
        ? "The platform is reviewing your dispute. Your payment stays on hold until it is resolved, and we will email you the outcome."
        : "The shop and its payment provider are reviewing the dispute. We will email you when it is resolved.",
      button: viewOrder.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `شکایت شما دربارهٔ سفارش ${ltr(`#${d.orderNumber}`)} ثبت شد`,
      heading: "شکایت شما ثبت شد",
      body: (d) => d.rail === "escrow"
        ? "پلتفرم در حال بررسی شکایت شماست. تا روشن شدن نتیجه، مبلغ پرداختی شما نگه داشته می‌شود و نتیجه را با ایمیل به شما خبر می‌دهیم."
        : "فروشگاه و درگاه پرداخت آن در حال بررسی شکایت هستند. وقتی نتیجه روشن شد، با ایمیل به شما خبر می‌دهیم.",
      button: viewOrder.fa,
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => standardMail(t, [orderFacts(d, locale)], { label: t("button"), url: d.orderUrl }),
});

/** A dispute that ended with the payment going to the shop (a refund says so in order.refunded instead). */
export const orderDisputeResolved = defineTemplate({
  name: "order.dispute_resolved",
  sensitive: true,
  data: orderMailData,
  text: {
    en: {
      subject: (d) => `The dispute for order #${d.orderNumber} is resolved`,
      heading: "Your dispute is resolved",
      body: (d) => `After reviewing the dispute, the platform released the payment of ${money(d.total, d.currency, "en")} to the shop.`,
      button: viewOrder.en,
      questions: questions.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `شکایت سفارش ${ltr(`#${d.orderNumber}`)} بررسی شد`,
      heading: "بررسی شکایت شما به پایان رسید",
      body: (d) => `پس از بررسی شکایت، پلتفرم مبلغ ${money(d.total, d.currency, "fa")} را به فروشگاه پرداخت کرد.`,
      button: viewOrder.fa,
      questions: questions.fa,
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => standardMail(t, [orderFacts(d, locale)], { label: t("button"), url: d.orderUrl }, [{ kind: "note", text: t("questions") }]),
});

export const orderRefunded = defineTemplate({
  name: "order.refunded",
  sensitive: true,
  data: orderMailData.extend({ fromDispute: z.boolean() }),
  text: {
    en: {
      subject: (d) => `Refund for order #${d.orderNumber}`,
      heading: "Your payment was refunded",
      body: (d) => d.fromDispute
        ? `Your dispute was resolved in your favour: ${money(d.total, d.currency, "en")} was refunded to you.`
        : `${money(d.total, d.currency, "en")} was refunded to you.`,
      timing: "It can take a few days to show on your statement.",
      button: viewOrder.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `بازپرداخت سفارش ${ltr(`#${d.orderNumber}`)}`,
      heading: "مبلغ پرداختی شما بازگردانده شد",
      body: (d) => d.fromDispute
        ? `شکایت شما به نفع شما حل شد و مبلغ ${money(d.total, d.currency, "fa")} به شما بازگردانده شد.`
        : `مبلغ ${money(d.total, d.currency, "fa")} به شما بازگردانده شد.`,
      timing: "ممکن است چند روز طول بکشد تا این مبلغ در حساب شما دیده شود.",
      button: viewOrder.fa,
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => standardMail(t, [{ kind: "note", text: t("timing") }, linesBlock(d, locale)], { label: t("button"), url: d.orderUrl }),
});
