/**
 * Renders an outbox row's template into subject, HTML and plain text, in the row's language and the shop's brand.
 * Called once per message, before its first delivery attempt; the result is frozen on the row (ADR 026).
 */
import { ApiError } from "#server/http/index.ts";
import { TEMPLATES } from "./templates/index.ts";
import { message } from "./templates/define.ts";
import { layoutHtml, layoutText } from "./templates/layout.ts";
import type { MailBrand, MailLocale, RenderedMail } from "./types.ts";

export interface RenderInput {
  template: string;
  locale: MailLocale;
  data: unknown;
  brand: MailBrand;
  /** Marketing mail only: where the recipient unsubscribes from this shop. */
  unsubscribeUrl?: string;
}

const FOOTER: Record<MailLocale, { sentBy: (shop: string) => string; unsubscribe: string }> = {
  en: { sentBy: (shop) => `Sent by ${shop}.`, unsubscribe: "Unsubscribe from these emails" },
  fa: { sentBy: (shop) => `ارسال‌شده از طرف ${shop}.`, unsubscribe: "لغو اشتراک این ایمیل‌ها" },
};

export function renderMail(input: RenderInput): RenderedMail {
  const template = TEMPLATES.get(input.template);
  if (!template) throw new ApiError(400, "MAIL_TEMPLATE_UNKNOWN", `No mail template named ${input.template}.`);
  const parsed = template.data.safeParse(input.data);
  if (!parsed.success) throw new ApiError(400, "MAIL_DATA_INVALID", `The data for ${input.template} is not what the template needs.`);
  const strings = template.text[input.locale];
  const t = (key: string) => message(strings[key]!, parsed.data);
  const built = template.build(parsed.data, t, { locale: input.locale, brand: input.brand });
  const subject = t("subject");
  const layout = {
    brand: input.brand,
    locale: input.locale,
    subject,
    preheader: built.preheader,
    blocks: built.blocks,
    footer: [...(built.footer ?? []), FOOTER[input.locale].sentBy(input.brand.name)],
    unsubscribe: template.marketing && input.unsubscribeUrl ? { label: FOOTER[input.locale].unsubscribe, url: input.unsubscribeUrl } : undefined,
  };
  return { subject, html: layoutHtml(layout), text: layoutText(layout) };
}
