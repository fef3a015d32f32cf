/** The payments page's form → the API's policy body; shared by the action and the browser. */
import { z } from "zod";
import { PAYMENT_RAILS, paymentPolicySchema } from "#server/tenancy/shared.ts";

/** Categories typed comma-separated, an empty amount meaning "no threshold", an empty payout address removing it. */
export const policyFormSchema = z
  .object({
    version: z.number().int().positive(),
    allowedRails: z.array(z.enum(PAYMENT_RAILS)).default([]),
    defaultRail: z.enum(PAYMENT_RAILS, { error: "Choose a default rail." }),
    escrowRequiredAboveAmount: z.string().trim().optional(),
    escrowRequiredForCategories: z.string().optional(),
    buyerDisclosureMode: z.enum(["strict", "plain"]).default("strict"),
    payoutAddress: z.string().trim().optional(),
    // Checkboxes: unticked is absent from the form, which means off (ADR 028).
    invoiceShowPlatformFee: z.boolean().default(false),
    invoiceShowTxHash: z.boolean().default(false),
  })
  .transform((v): z.input<typeof paymentPolicySchema> => ({
    ...v,
    escrowRequiredAboveAmount: v.escrowRequiredAboveAmount ? v.escrowRequiredAboveAmount : null,
    escrowRequiredForCategories: (v.escrowRequiredForCategories ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    payoutAddress: v.payoutAddress ? v.payoutAddress : null,
  }))
  .pipe(paymentPolicySchema);
