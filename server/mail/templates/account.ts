/**
 * Account mail (ADR 030): platform mail about one person's account, sent in the platform's brand. The reset and
 * verification links are one-time secrets, so those templates are `sensitive` (scrubbed once delivered).
 */
import { z } from "zod";
import { defineTemplate } from "./define.ts";

const link = z.url().max(2000);
const faNumber = (n: number) => n.toLocaleString("fa-IR");
const footerEn = "You get this mail because of a change to your account. If you did not expect it, you can ignore it.";
const footerFa = "این ایمیل را دریافت کرده‌اید چون در حساب شما کاری انجام شده است. اگر انتظارش را نداشتید، می‌توانید آن را نادیده بگیرید.";

export const verifyEmail = defineTemplate({
  name: "account.verify_email",
  sensitive: true,
  data: z.object({ email: z.string().max(320), verifyUrl: link, expiresInHours: z.number().int().positive() }),
  text: {
    en: {
      subject: "Confirm your email address",
      heading: "Confirm your email",
      body: (d) => `Please confirm that ${d.email} is your email address, so we can reach you about your account and your shops.`,
      button: "Confirm email",
      expiry: (d) => `The link works once and expires in ${d.expiresInHours} hours.`,
      footer: "You get this mail because an account was opened with this address. If it wasn't you, ignore it: nothing happens unless the link is opened.",
    },
    fa: {
      subject: "نشانی ایمیل خود را تأیید کنید",
      heading: "ایمیل خود را تأیید کنید",
      body: (d) => `لطفاً تأیید کنید که ${d.email} نشانی ایمیل شماست تا بتوانیم دربارهٔ حساب و فروشگاه‌هایتان با شما در تماس باشیم.`,
      button: "تأیید ایمیل",
      expiry: (d) => `این پیوند فقط یک بار کار می‌کند و تا ${faNumber(d.expiresInHours)} ساعت دیگر معتبر است.`,
      footer: "این ایمیل را دریافت کرده‌اید چون با این نشانی حسابی باز شده است. اگر شما نبوده‌اید، آن را نادیده بگیرید؛ تا پیوند باز نشود اتفاقی نمی‌افتد.",
    },
  },
  build: (d, t) => ({
    preheader: t("body"),
    blocks: [
      { kind: "heading", text: t("heading") },
      { kind: "paragraph", text: t("body") },
      { kind: "button", label: t("button"), url: d.verifyUrl },
      { kind: "note", text: t("expiry") },
    ],
    footer: [t("footer")],
  }),
});

export const passwordReset = defineTemplate({
  name: "account.password_reset",
  sensitive: true,
  data: z.object({ email: z.string().max(320), resetUrl: link, expiresInMinutes: z.number().int().positive(), ip: z.string().max(100) }),
  text: {
    en: {
      subject: "Reset your password",
      heading: "Reset your password",
      body: (d) => `Someone (hopefully you) asked to reset the password of the account ${d.email}. Choose a new password with the button below.`,
      button: "Choose a new password",
      expiry: (d) => `The link works once and expires in ${d.expiresInMinutes} minutes. Using it signs you out on every other device.`,
      ignore: "If you did not ask for this, ignore this mail: your password stays as it is.",
      requestedFrom: "Requested from IP address",
      footer: footerEn,
    },
    fa: {
      subject: "بازنشانی رمز عبور",
      heading: "رمز عبور خود را بازنشانی کنید",
      body: (d) => `کسی (امیدواریم خودتان) درخواست کرده است که رمز عبور حساب ${d.email} بازنشانی شود. با دکمهٔ زیر رمز تازه‌ای انتخاب کنید.`,
      button: "انتخاب رمز عبور تازه",
      expiry: (d) => `این پیوند فقط یک بار کار می‌کند و ${faNumber(d.expiresInMinutes)} دقیقه اعتبار دارد. با استفاده از آن، از همهٔ دستگاه‌های دیگر خارج می‌شوید.`,
      ignore: "اگر شما این درخواست را نداده‌اید، این ایمیل را نادیده بگیرید؛ رمز عبورتان تغییری نمی‌کند.",
      requestedFrom: "درخواست از نشانی IP",
      footer: footerFa,
    },
  },
  build: (d, t) => ({
    preheader: t("body"),
    blocks: [
      { kind: "heading", text: t("heading") },
      { kind: "paragraph", text: t("body") },
      { kind: "button", label: t("button"), url: d.resetUrl },
      { kind: "note", text: t("expiry") },
      { kind: "facts", rows: [{ label: t("requestedFrom"), value: d.ip }] },
      { kind: "paragraph", text: t("ignore") },
    ],
    footer: [t("footer")],
  }),
});

export const newDevice = defineTemplate({
  name: "account.new_device",
  data: z.object({ email: z.string().max(320), at: z.iso.datetime({ offset: true }), device: z.string().max(100), ip: z.string().max(100), accountUrl: link }),
  text: {
    en: {
      subject: "New sign-in to your account",
      heading: "A new device signed in",
      body: (d) => `Someone just signed in to your account ${d.email} from a device we have not seen before.`,
      when: "When",
      device: "Device",
      ip: "IP address",
      ifYou: "If this was you, there is nothing to do.",
      notYou: "If it wasn't you, change your password now and sign out of every other device:",
      button: "Review your account",
      footer: footerEn,
    },
    fa: {
      subject: "ورود تازه به حساب شما",
      heading: "ورود از یک دستگاه تازه",
      body: (d) => `همین حالا از دستگاهی که پیش‌تر ندیده بودیم به حساب ${d.email} وارد شدند.`,
      when: "زمان",
      device: "دستگاه",
      ip: "نشانی IP",
      ifYou: "اگر خودتان بودید، لازم نیست کاری بکنید.",
      notYou: "اگر شما نبودید، همین حالا رمز عبورتان را تغییر دهید و از همهٔ دستگاه‌های دیگر خارج شوید:",
      button: "بررسی حساب",
      footer: footerFa,
    },
  },
  build: (d, t, { locale }) => ({
    preheader: t("body"),
    blocks: [
      { kind: "heading", text: t("heading") },
      { kind: "paragraph", text: t("body") },
      {
        kind: "facts",
        rows: [
          { label: t("when"), value: formatWhen(d.at, locale) },
          { label: t("device"), value: d.device },
          { label: t("ip"), value: d.ip },
        ],
      },
      { kind: "paragraph", text: t("ifYou") },
      { kind: "paragraph", text: t("notYou") },
      { kind: "button", label: t("button"), url: d.accountUrl },
    ],
    footer: [t("footer")],
  }),
});

/** "7 Dec 2026, 14:05 UTC"; in Persian with the Persian calendar and digits. */
function formatWhen(iso: string, locale: "en" | "fa") {
  const f = new Intl.DateTimeFormat(locale === "fa" ? "fa-IR" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  return `${f.format(new Date(iso))} UTC`;
}
