export { enqueueMail, type MailInput } from "./outbox.ts";
export { renderMail, type RenderInput } from "./render.ts";
export { TEMPLATES, defineTemplate, type TemplateName, type MailTemplate, type Block } from "./templates/index.ts";
export { MAIL_LOCALES, mailLocale, type MailLocale, type MailBrand, type MailAttachmentRef, type RenderedMail } from "./types.ts";
export { ShopSenderService, type ShopSender, type ShopSenderDeps } from "./shop-sender.ts";
export { saveShopSenderSchema, type SaveShopSenderInput } from "./shared.ts";
