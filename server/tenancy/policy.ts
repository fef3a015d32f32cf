/** Payment policy per tenant (PAY-1/2): which rails buyers may use, and when escrow is mandatory. */
import type { PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { PaymentPolicyInput } from "./policy-schema.ts";

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
