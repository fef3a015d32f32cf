/** Payment policy per tenant (PAY-1/2): which rails buyers may use, and when escrow is mandatory. */
import { Prisma, type PrismaClient } from "@prisma/client";
import { getAddress, isAddress } from "viem";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { PaymentPolicyInput } from "./policy-schema.ts";

const select = {
  allowedRails: true, defaultRail: true, escrowRequiredAboveAmount: true, escrowRequiredForCategories: true,
  buyerDisclosureMode: true, payoutAddress: true, invoiceInstructions: true, invoiceShowPlatformFee: true, invoiceShowTxHash: true,
  version: true, updatedAt: true,
} as const;

function present(row: { escrowRequiredAboveAmount: { toString(): string } | null } & Record<string, unknown>) {
  return { ...row, escrowRequiredAboveAmount: row.escrowRequiredAboveAmount?.toString() ?? null };
}

/** EIP-55: an all-lower or all-upper address is taken and checksummed; a mixed-case one must carry a valid checksum. */
function checksummed(address: string) {
  const mixed = address.slice(2) !== address.slice(2).toLowerCase() && address.slice(2) !== address.slice(2).toUpperCase();
  if (!isAddress(address, { strict: mixed })) {
    const message = "This address's capitalisation does not match its EIP-55 checksum: copy it again from the wallet.";
    throw new ApiError(400, "VALIDATION_ERROR", `payoutAddress: ${message}`, { issues: [{ in: "body", path: "payoutAddress", message }] });
  }
  return getAddress(address);
}

/** Omitted stays unchanged (undefined); null clears the column (a JSON null would still count as "set"). */
const jsonOrDbNull = <T>(v: T | null | undefined) => (v === null ? Prisma.DbNull : v ?? undefined);

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
  if (fields.payoutAddress) fields.payoutAddress = checksummed(fields.payoutAddress);
  const row = await prisma.$transaction(async (tx) => {
    const before = fields.payoutAddress === undefined ? null : await tx.tenantPaymentPolicy.findUnique({ where: { tenantId }, select: { payoutAddress: true } });
    const { count } = await tx.tenantPaymentPolicy.updateMany({
      where: { tenantId, version },
      data: { ...fields, invoiceInstructions: jsonOrDbNull(fields.invoiceInstructions), version: { increment: 1 } },
    });
    if (count === 0) throw new ApiError(409, "CONFLICT", "The policy changed since you loaded it. Reload and try again.");
    await writeAudit(tx, actor, { action: "policy.update", tenantId, target: `payment_policy:${tenantId}`, details: fields });
    if (before && before.payoutAddress !== fields.payoutAddress) {
      await writeAudit(tx, actor, { action: "policy.payout_address", tenantId, target: `payment_policy:${tenantId}`, details: { from: before.payoutAddress, to: fields.payoutAddress } });
    }
    return tx.tenantPaymentPolicy.findUniqueOrThrow({ where: { tenantId }, select });
  });
  // The bootstrap payload carries the allowed rails, so storefront caches must drop the old ones.
  await publish(`policy.update:${tenantId}`);
  return present(row);
}
