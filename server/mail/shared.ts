/** Browser-safe mail values (no server imports): the languages mail is written in, for forms and other modules' schemas. */
export { MAIL_LOCALES, mailLocale, type MailLocale } from "./types.ts";
