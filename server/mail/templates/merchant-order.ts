/**
 * Mail to the shop's team about an order (the members the permission table's `orders.notify` names): a new order,
 * its payment, a dispute. Each links to the order in the dashboard; none carries the buyer's order link.
 */
import { z } from "zod";
import { defineTemplate } from "./define.ts";
import { linesBlock, ltr, merchantOrderData, money, railWords, shown, standardMail } from "./order-words.ts";

const footer = {
  en: "You get this email because you handle orders for this shop.",
  fa: "این ایمیل را دریافت می‌کنید چون در این فروشگاه مسئول سفارش‌ها هستید.",
};
const openOrder = { en: "Open the order in your dashboard", fa: "باز کردن سفارش در داشبورد" };

export const merchantNewOrder = defineTemplate({
  name: "merchant.new_order",
  data: merchantOrderData.extend({ requiresShipping: z.boolean() }),
  text: {
    en: {
      subject: (d) => `New order #${d.orderNumber} — ${money(d.total, d.currency, "en")}`,
      heading: "You have a new order",
      body: (d) => `Order #${d.orderNumber} for ${money(d.total, d.currency, "en")} was placed and is waiting for payment (${railWords(d, "en").name}).`,
      ship: "It has items to ship; the buyer's address is in the dashboard.",
      button: openOrder.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `سفارش جدید ${ltr(`#${d.orderNumber}`)} — ${money(d.total, d.currency, "fa")}`,
      heading: "سفارش جدیدی دارید",
      body: (d) => `سفارش ${ltr(`#${d.orderNumber}`)} به مبلغ ${money(d.total, d.currency, "fa")} ثبت شد و در انتظار پرداخت است (${railWords(d, "fa").name}).`,
      ship: "این سفارش کالای ارسالی دارد؛ نشانی خریدار در داشبورد آمده است.",
      button: openOrder.fa,
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => standardMail(t, [linesBlock(d, locale), ...shown(d.requiresShipping, { kind: "note", text: t("ship") })], { label: t("button"), url: d.dashboardUrl }),
});

export const merchantPaymentReceived = defineTemplate({
  name: "merchant.payment_received",
  data: merchantOrderData,
  text: {
    en: {
      subject: (d) => `Order #${d.orderNumber} is paid — ${money(d.total, d.currency, "en")}`,
      heading: "An order was paid",
      body: (d) => d.rail === "escrow"
        ? `The buyer paid ${money(d.total, d.currency, "en")} into escrow for order #${d.orderNumber}. Ship it now; the money is released to you after the buyer confirms delivery.`
        : `The buyer paid ${money(d.total, d.currency, "en")} for order #${d.orderNumber}. You can ship it now.`,
      button: openOrder.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `سفارش ${ltr(`#${d.orderNumber}`)} پرداخت شد — ${money(d.total, d.currency, "fa")}`,
      heading: "یک سفارش پرداخت شد",
      body: (d) => d.rail === "escrow"
        ? `خریدار مبلغ ${money(d.total, d.currency, "fa")} را برای سفارش ${ltr(`#${d.orderNumber}`)} به‌صورت امانی پرداخت کرد. اکنون آن را ارسال کنید؛ مبلغ پس از تأیید تحویل از سوی خریدار به شما پرداخت می‌شود.`
        : `خریدار مبلغ ${money(d.total, d.currency, "fa")} را برای سفارش ${ltr(`#${d.orderNumber}`)} پرداخت کرد. اکنون می‌توانید آن را ارسال کنید.`,
      button: openOrder.fa,
      footer: footer.fa,
    },
  },
  build: (d, t, { locale }) => standardMail(t, [linesBlock(d, locale)], { label: t("button"), url: d.dashboardUrl }),
});

export const merchantDisputeOpened = defineTemplate({
  name: "merchant.dispute_opened",
  data: merchantOrderData.extend({ reason: z.string().max(2000).nullable() }),
  text: {
    en: {
      subject: (d) => `Dispute opened on order #${d.orderNumber}`,
      heading: "A buyer opened a dispute",
      body: (d) => d.rail === "escrow"
        ? `The buyer of order #${d.orderNumber} (${money(d.total, d.currency, "en")}) opened a dispute. The payment stays on hold until the platform resolves it.`
        : `A dispute was opened on the card payment for order #${d.orderNumber} (${money(d.total, d.currency, "en")}). Answer it in your Stripe dashboard.`,
      reason: (d) => `The buyer's reason: “${d.reason ?? ""}”`,
      button: openOrder.en,
      footer: footer.en,
    },
    fa: {
      subject: (d) => `شکایت برای سفارش ${ltr(`#${d.orderNumber}`)}`,
      heading: "خریدار شکایت ثبت کرد",
      body: (d) => d.rail === "escrow"
        ? `خریدار سفارش ${ltr(`#${d.orderNumber}`)} (${money(d.total, d.currency, "fa")}) شکایت ثبت کرد. تا زمانی که پلتفرم شکایت را بررسی و حل کند، مبلغ نگه داشته می‌شود.`
        : `برای پرداخت کارتی سفارش ${ltr(`#${d.orderNumber}`)} (${money(d.total, d.currency, "fa")}) شکایت ثبت شد. در داشبورد Stripe به آن پاسخ دهید.`,
      reason: (d) => `دلیل خریدار: «${d.reason ?? ""}»`,
      button: openOrder.fa,
      footer: footer.fa,
    },
  },
  build: (d, t) => standardMail(t, [...shown(d.reason, { kind: "paragraph", text: t("reason") })], { label: t("button"), url: d.dashboardUrl }),
});
