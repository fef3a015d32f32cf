export { enqueueMail, type MailInput } from "./outbox.ts";
export { renderMail, type RenderInput } from "./render.ts";
export { TEMPLATES, defineTemplate, type TemplateName, type MailTemplate, type Block } from "./templates/index.ts";
export { MAIL_LOCALES, mailLocale, type MailLocale, type MailBrand, type MailAttachmentRef, type RenderedMail } from "./types.ts";
export { createPrepare, prepareOrderMail, type PrepareDeps, type PrepareRow } from "./prepare.ts";
export { localLinks, type MailLinks } from "./order-links.ts";
export { enqueueTeamMail, type TeamMailInput } from "./team-mail.ts";
