/**
 * Manual-invoice payment instructions (ADR 025): the bank details a buyer pays into. Browser-safe (the Payments
 * form validates with it too). Free text is plain text: no control characters (the note may have line breaks), and
 * an account number that looks like an IBAN must pass the IBAN checksum, so a typo cannot send buyers' money astray.
 */
import { z } from "zod";

/** C0/C1 controls and the bidi overrides that could make a number read differently from what it is. */
function hasControl(s: string, allowBreaks: boolean) {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (allowBreaks && (c === 0x0a || c === 0x0d || c === 0x09)) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}

const line = (label: string, max: number) =>
  z.string().trim().min(1, `${label} is required.`).max(max, `${label}: at most ${max} characters.`)
    .refine((s) => !hasControl(s, false), `${label} must be plain text on one line.`);

/** An IBAN's shape: country, check digits, 10–30 letters or digits (spaces ignored). */
export const looksLikeIban = (s: string) => /^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/.test(s.replace(/\s+/g, "").toUpperCase());

/** ISO 13616 mod-97 check: the country and check digits moved to the end, letters as 10..35, remainder 1. */
export function ibanChecksumOk(iban: string) {
  const s = iban.replace(/\s+/g, "").toUpperCase();
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const v = ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** An IBAN in the usual print form (groups of four), anything else as typed. */
export const formatAccountNumber = (s: string) => (looksLikeIban(s) ? s.replace(/\s+/g, "").toUpperCase().replace(/(.{4})(?=.)/g, "$1 ") : s);

export const REFERENCE_PLACEHOLDER = "{reference}";

export const invoiceInstructionsSchema = z.object({
  accountHolder: line("Account holder", 140),
  accountNumber: line("IBAN or account number", 64)
    .refine((s) => /^[A-Za-z0-9 ./-]+$/.test(s), "Use letters, digits, spaces, dots, slashes and hyphens only.")
    .refine((s) => !looksLikeIban(s) || ibanChecksumOk(s), "This IBAN's check digits do not match: copy it again from your bank.")
    .transform(formatAccountNumber),
  bankName: line("Bank", 140),
  // How the buyer labels the transfer; {reference} is replaced by the order's reference.
  referenceFormat: line("Reference format", 80).default(`Order ${REFERENCE_PLACEHOLDER}`),
  note: z.string().trim().max(1000, "The note can have at most 1,000 characters.")
    .transform((s) => s.replace(/\r\n?/g, "\n"))
    .refine((s) => !hasControl(s, true), "The note must be plain text.")
    .default(""),
});
export type InvoiceInstructions = z.output<typeof invoiceInstructionsSchema>;

/** The reference a buyer quotes for an order: the order number both the buyer and the shop see. */
export const orderReference = (orderId: string) => orderId.slice(0, 8).toUpperCase();

export const referenceFor = (format: string, orderId: string) =>
  format.includes(REFERENCE_PLACEHOLDER) ? format.replaceAll(REFERENCE_PLACEHOLDER, orderReference(orderId)) : `${format} ${orderReference(orderId)}`;
