/** The mail module's shared shapes (ADR 026). Browser code never imports this module. */
export const MAIL_LOCALES = ["en", "fa"] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** Picks a mail language from anything locale-like ("fa-IR", ["fa","en"], null): Persian or else English. */
export function mailLocale(...candidates: (string | readonly string[] | null | undefined)[]): MailLocale {
  for (const c of candidates.flat()) {
    const lang = c?.toLowerCase().split(/[-_]/)[0];
    if (lang && (MAIL_LOCALES as readonly string[]).includes(lang)) return lang as MailLocale;
  }
  return "en";
}

/** A file attached when the message is sent, by reference: the row never holds the bytes. */
export type MailAttachmentRef = { kind: "invoice"; orderId: string } | { kind: "credit_note"; orderId: string };

/** What a shop's mail looks like: its name, logo and colours (the platform's only when the shop has none). */
export interface MailBrand {
  name: string;
  /** Absolute https URL of the logo, or null (the name is set in type instead). */
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}
