export { enqueueMail, type MailInput } from "./outbox.ts";
export { renderMail, type RenderInput } from "./render.ts";
export { TEMPLATES, defineTemplate, type TemplateName, type MailTemplate, type Block } from "./templates/index.ts";
export { MAIL_LOCALES, mailLocale, type MailLocale, type MailBrand, type MailAttachmentRef, type RenderedMail } from "./types.ts";
