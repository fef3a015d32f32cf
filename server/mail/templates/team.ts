/**
 * Team mail (ADR 030, G9-6): invitations and role changes, about one shop, so they carry its tenantId and go out
 * in its brand and through its sender. The invitation link is a one-time secret (`sensitive`).
 */
import { z } from "zod";
import type { TenantRole } from "@prisma/client";
import { TENANT_ROLES } from "#server/auth/shared.ts";
import type { MailLocale } from "../types.ts";
import { defineTemplate } from "./define.ts";

const ROLE_NAMES: Record<MailLocale, Record<TenantRole, string>> = {
  en: { owner: "Owner", manager: "Manager", finance: "Finance", support: "Support", developer: "Developer" },
  fa: { owner: "مالک", manager: "مدیر", finance: "امور مالی", support: "پشتیبانی", developer: "توسعه‌دهنده" },
};
const en = (r: TenantRole) => ROLE_NAMES.en[r];
const fa = (r: TenantRole) => ROLE_NAMES.fa[r];

const base = z.object({ shopName: z.string().max(200), actorName: z.string().max(320), role: z.enum(TENANT_ROLES) });

export const teamInvitation = defineTemplate({
  name: "team.invitation",
  sensitive: true,
  data: base.extend({ email: z.string().max(320), acceptUrl: z.url().max(2000), expiresInDays: z.number().int().positive() }),
  text: {
    en: {
      subject: (d) => `You're invited to join ${d.shopName}`,
      heading: (d) => `Join ${d.shopName}`,
      body: (d) => `${d.actorName} invited you to help run ${d.shopName}, with the ${en(d.role)} role.`,
      button: "Accept the invitation",
      expiry: (d) => `The link works once and expires in ${d.expiresInDays} days. To accept, sign in (or create an account) with ${d.email}.`,
      footer: "You get this mail because a member of this shop invited this address. If you don't know them, ignore it.",
    },
    fa: {
      subject: (d) => `دعوت به همکاری در ${d.shopName}`,
      heading: (d) => `به ${d.shopName} دعوت شده‌اید`,
      body: (d) => `${d.actorName} از شما دعوت کرده است که با نقش «${fa(d.role)}» در ادارهٔ ${d.shopName} همکاری کنید.`,
      button: "پذیرفتن دعوت",
      expiry: (d) => `این پیوند فقط یک بار کار می‌کند و تا ${d.expiresInDays.toLocaleString("fa-IR")} روز معتبر است. برای پذیرفتن، با ${d.email} وارد شوید (یا حساب تازه بسازید).`,
      footer: "این ایمیل را دریافت کرده‌اید چون یکی از اعضای این فروشگاه این نشانی را دعوت کرده است. اگر او را نمی‌شناسید، این ایمیل را نادیده بگیرید.",
    },
  },
  build: (d, t) => ({
    preheader: t("body"),
    blocks: [
      { kind: "heading", text: t("heading") },
      { kind: "paragraph", text: t("body") },
      { kind: "button", label: t("button"), url: d.acceptUrl },
      { kind: "note", text: t("expiry") },
    ],
    footer: [t("footer")],
  }),
});

const roleChangeData = base.extend({ dashboardUrl: z.url().max(2000) });
const roleFooter = {
  en: "You get this mail because your role in this shop changed.",
  fa: "این ایمیل را دریافت کرده‌اید چون نقش شما در این فروشگاه تغییر کرده است.",
};

export const teamRoleGranted = defineTemplate({
  name: "team.role_granted",
  data: roleChangeData,
  text: {
    en: {
      subject: (d) => `You now have the ${en(d.role)} role at ${d.shopName}`,
      heading: "You have a new role",
      body: (d) => `${d.actorName} gave you the ${en(d.role)} role at ${d.shopName}.`,
      button: "Open the dashboard",
      footer: roleFooter.en,
    },
    fa: {
      subject: (d) => `نقش «${fa(d.role)}» در ${d.shopName} به شما داده شد`,
      heading: "نقش تازه‌ای به شما داده شد",
      body: (d) => `${d.actorName} نقش «${fa(d.role)}» را در ${d.shopName} به شما داد.`,
      button: "رفتن به پیشخوان",
      footer: roleFooter.fa,
    },
  },
  build: (d, t) => ({
    preheader: t("body"),
    blocks: [{ kind: "heading", text: t("heading") }, { kind: "paragraph", text: t("body") }, { kind: "button", label: t("button"), url: d.dashboardUrl }],
    footer: [t("footer")],
  }),
});

export const teamRoleRevoked = defineTemplate({
  name: "team.role_revoked",
  data: roleChangeData,
  text: {
    en: {
      subject: (d) => `Your ${en(d.role)} role at ${d.shopName} was removed`,
      heading: "A role of yours was removed",
      body: (d) => `${d.actorName} removed your ${en(d.role)} role at ${d.shopName}.`,
      mistake: "If you think this is a mistake, contact the shop's owner.",
      button: "Open the dashboard",
      footer: roleFooter.en,
    },
    fa: {
      subject: (d) => `نقش «${fa(d.role)}» شما در ${d.shopName} برداشته شد`,
      heading: "یکی از نقش‌های شما برداشته شد",
      body: (d) => `${d.actorName} نقش «${fa(d.role)}» شما را در ${d.shopName} برداشت.`,
      mistake: "اگر فکر می‌کنید اشتباهی رخ داده است، با مالک فروشگاه تماس بگیرید.",
      button: "رفتن به پیشخوان",
      footer: roleFooter.fa,
    },
  },
  build: (d, t) => ({
    preheader: t("body"),
    blocks: [
      { kind: "heading", text: t("heading") },
      { kind: "paragraph", text: t("body") },
      { kind: "paragraph", text: t("mistake") },
      { kind: "button", label: t("button"), url: d.dashboardUrl },
    ],
    footer: [t("footer")],
  }),
});
