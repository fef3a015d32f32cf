/** Payment policy per tenant (PAY-1/2): which rails buyers may use, and when escrow is mandatory. */
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { ApiError } from "#server/http/errors.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";

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
  })
  .refine((p) => p.allowedRails.includes(p.defaultRail), { message: "The default rail must be one of the allowed rails.", path: ["defaultRail"] })
  .refine((p) => (p.escrowRequiredAboveAmount === null && p.escrowRequiredForCategories.length === 0) || p.allowedRails.includes("escrow"), {
    message: "Escrow rules need the escrow rail allowed.",
    path: ["allowedRails"],
  });
export type PaymentPolicyInput = z.infer<typeof paymentPolicySchema>;

const select = {
  allowedRails: true, defaultRail: true, escrowRequiredAboveAmount: true, escrowRequiredForCategories: true,
  buyerDisclosureMode: true, version: true, updatedAt: true,
} as const;

function present(row: { escrowRequiredAboveAmount: { toString(): string } | null } & Record<string, unknown>) {
  return { ...row, escrowRequiredAboveAmount: row.escrowRequiredAboveAmount?.toString() ?? null };
}

export async function getPaymentPolicy(prisma: PrismaClient, tenantId: string) {
  const row = await prisma.tenantPaymentPolicy.findUnique({ where: { tenantId }, select });
  if (!row) throw new ApiError(404, "NOT_FOUND", "This shop has no payment policy.");
  return present(row);
}

export async function putPaymentPolicy(
  prisma: PrismaClient,
  publish: (reason: string) => Promise<void>,
  actor: AuditActor,
  tenantId: string,
  input: PaymentPolicyInput,
) {
  const { version, ...fields } = input;
  const row = await prisma.$transaction(async (tx) => {
    const { count } = await tx.tenantPaymentPolicy.updateMany({
      where: { tenantId, version },
      data: { ...fields, version: { increment: 1 } },
    });
    if (count === 0) throw new ApiError(409, "CONFLICT", "The policy changed since you loaded it. Reload and try again.");
    await writeAudit(tx, actor, { action: "policy.update", tenantId, target: `payment_policy:${tenantId}`, details: fields });
    return tx.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId }, select });
  });
  // The bootstrap payload carries the allowed rails, so storefront caches must drop the old ones.
  await publish(`policy.update:${tenantId}`);
  return present(row);
}
