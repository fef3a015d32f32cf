/** The payment policy form (PAY-1/2), shared by the API, the dashboard form and the browser. */
import { z } from "zod";
import { invoiceInstructionsSchema } from "./invoice-instructions.ts";

export const PAYMENT_RAILS = ["escrow", "direct", "external_provider", "manual_invoice"] as const;

export const paymentPolicySchema = z
  .object({
    version: z.number().int().positive(),
    allowedRails: z
      .array(z.enum(PAYMENT_RAILS))
      .min(1, "Allow at least one payment rail.")
      .max(PAYMENT_RAILS.length)
      .refine((a) => new Set(a).size === a.length, "Each rail may appear once."),
    defaultRail: z.enum(PAYMENT_RAILS),
    // Decimal string in the tenant currency; money is never a float.
    escrowRequiredAboveAmount: z
      .string()
      .regex(/^\d{1,20}(\.\d{1,18})?$/, "Use a plain amount like 250 or 99.90.")
      .nullable()
      .default(null),
    escrowRequiredForCategories: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
    buyerDisclosureMode: z.enum(["strict", "plain"]).default("strict"),
    // Where the on-chain rails pay the shop. Omitted: unchanged; null: removed (the chain rails stop being offered).
    // The EIP-55 checksum of a mixed-case address is checked on the server (putPaymentPolicy).
    payoutAddress: z.string().trim().regex(/^0x[0-9a-fA-F]{40}$/, "Use a 0x address of 40 hex characters.").nullable().optional(),
    // The bank details manual-invoice buyers pay into (ADR 025). Omitted: unchanged; null: removed (the rail is hidden).
    invoiceInstructions: invoiceInstructionsSchema.nullable().optional(),
    // What invoices show (ADR 028). Omitted: unchanged. The platform fee is part of the total; an on-chain order's
    // transaction hash identifies the buyer's wallet, so both stay off unless the shop turns them on (G7-6).
    invoiceShowPlatformFee: z.boolean().optional(),
    invoiceShowTxHash: z.boolean().optional(),
  })
  .refine((p) => p.allowedRails.includes(p.defaultRail), { message: "The default rail must be one of the allowed rails.", path: ["defaultRail"] })
  .refine((p) => (p.escrowRequiredAboveAmount === null && p.escrowRequiredForCategories.length === 0) || p.allowedRails.includes("escrow"), {
    message: "Escrow rules need the escrow rail allowed.",
    path: ["allowedRails"],
  });
export type PaymentPolicyInput = z.infer<typeof paymentPolicySchema>;
