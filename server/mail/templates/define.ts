/**
 * How a template is declared: its data schema, its strings in every language (the type makes a missing key a compile
 * error; tests/mail-templates.test.ts walks them all at run time too) and the blocks it shows.
 */
import type { z } from "zod";
import type { MailBrand, MailLocale } from "../types.ts";
import type { Block } from "./blocks.ts";

export type Msg<D> = string | ((d: D) => string);

export interface BuiltMail {
  blocks: Block[];
  /** Why the recipient gets this mail (one or two short lines); the layout adds the shop's name. */
  footer?: string[];
  preheader?: string;
}

export interface MailTemplate<D = unknown, K extends string = string> {
  name: string;
  /** Marketing mail carries an unsubscribe link and List-Unsubscribe; transactional mail (orders, accounts) does not. */
  marketing: boolean;
  /** Carries a one-time secret (a reset or verification link): the row's data and bodies are scrubbed once delivered. */
  sensitive: boolean;
  data: z.ZodType<D>;
  text: Record<MailLocale, Record<K | "subject", Msg<D>>>;
  build(d: D, t: (key: K) => string, ctx: { locale: MailLocale; brand: MailBrand }): BuiltMail;
}

export function defineTemplate<D, K extends string>(def: {
  name: string;
  marketing?: boolean;
  sensitive?: boolean;
  data: z.ZodType<D>;
  text: Record<MailLocale, Record<K | "subject", Msg<D>>>;
  build: MailTemplate<D, K>["build"];
}): MailTemplate<D, K> {
  return { marketing: false, sensitive: false, ...def };
}

/** Resolves one string of a template for the data. */
export function message<D>(msg: Msg<D>, d: D) {
  return typeof msg === "function" ? msg(d) : msg;
}
