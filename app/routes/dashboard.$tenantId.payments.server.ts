/** Server side of the payments page: the policy with what checkout can offer, and saving it. */
import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import type { InvoiceInstructions, PaymentPolicyInput, paymentPolicySchema } from "#server/tenancy/shared.ts";
import { ApiError, replyWithApiError } from "#app/utils/api-error.server.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { getPaymentPolicy, putPaymentPolicy, tenantCurrency } from "#app/utils/tenant.server.ts";

type Policy = Omit<z.output<typeof paymentPolicySchema>, "escrowRequiredAboveAmount" | "payoutAddress" | "invoiceInstructions"> & {
  escrowRequiredAboveAmount: string | null;
  payoutAddress: string | null;
  invoiceInstructions: InvoiceInstructions | null;
  updatedAt: Date;
};

async function shopRails(context: AppLoadContext, tenantId: string) {
  const { prisma } = context.services;
  const [policy, currency, stripe] = await Promise.all([getPaymentPolicy(prisma, tenantId), tenantCurrency(prisma, tenantId), context.services.money.activeStripe(tenantId)]);
  // getPaymentPolicy's return type is loose (Record<string, unknown>); these are the columns it selects.
  const p = policy as unknown as Policy;
  // The shop's active Stripe account decides whether the card rail is set up (ADR 024).
  return { policy: p, currency, shop: { currency, payoutAddress: p.payoutAddress, stripe, invoiceInstructions: p.invoiceInstructions } };
}

export async function loadPaymentsPage(context: AppLoadContext, tenantId: string) {
  const { policy, currency, shop } = await shopRails(context, tenantId);
  const chain = context.services.money.chainInfo;
  return {
    policy: { ...policy, updatedAt: policy.updatedAt.toISOString() },
    // Checkout's own registry, so a rail this page calls "not set up" is exactly one checkout leaves out.
    configuredRails: context.services.money.configuredRails(shop),
    currency,
    chain: chain ? { chainId: chain.chainId, contract: chain.contract, token: chain.token, tokenSymbol: chain.tokenSymbol } : null,
    feeStatements: await feeStatements(context, tenantId),
  };
}

/** The last year's platform-fee statements with their lines (ADR 025). */
async function feeStatements(context: AppLoadContext, tenantId: string) {
  const { money } = context.services;
  const list = (await money.feeStatements(tenantId)).slice(0, 12);
  return Promise.all(list.map(async (s) => {
    const d = await money.feeStatement(tenantId, s.id);
    return { id: d.id, month: d.month, total: d.total, currency: d.currency, orderCount: d.orderCount, status: d.status, lines: d.lines.map((l) => ({ orderId: l.orderId, rail: l.rail, orderTotal: l.orderTotal, fee: l.fee })) };
  }));
}

/**
 * Saves (or, with `clear`, removes) the manual-invoice bank details: the rest of the policy is written back as it
 * is, under the same version check, so a concurrent policy edit is a conflict rather than lost.
 */
export async function saveInvoiceInstructions(context: AppLoadContext, tenantId: string, submission: Submission, value: { version: number; instructions: InvoiceInstructions | null }) {
  const { prisma, publishTenancyChange } = context.services;
  const { policy } = await shopRails(context, tenantId);
  try {
    await putPaymentPolicy(prisma, publishTenancyChange, auditActor(context), tenantId, {
      version: value.version, allowedRails: policy.allowedRails, defaultRail: policy.defaultRail, escrowRequiredAboveAmount: policy.escrowRequiredAboveAmount,
      escrowRequiredForCategories: policy.escrowRequiredForCategories, buyerDisclosureMode: policy.buyerDisclosureMode, invoiceInstructions: value.instructions,
    });
  } catch (err) {
    return { result: replyWithApiError(submission, err), saved: false };
  }
  return { result: submission.reply(), saved: true, cleared: value.instructions === null };
}

type Submission = Parameters<typeof replyWithApiError<string[]>>[0];

/**
 * Saves the policy; a refusal comes back as the form's reply. The server's checksum check on the payout address
 * (an issue on path payoutAddress) is shown under that field, with the issue's own sentence.
 */
export async function savePaymentPolicy(context: AppLoadContext, tenantId: string, submission: Submission, value: PaymentPolicyInput) {
  const { prisma, publishTenancyChange, money } = context.services;
  try {
    await putPaymentPolicy(prisma, publishTenancyChange, auditActor(context), tenantId, value);
  } catch (err) {
    const issue = err instanceof ApiError && err.code === "VALIDATION_ERROR" ? fieldIssue(err.details, "payoutAddress") : null;
    return { result: issue ? submission.reply({ fieldErrors: { payoutAddress: [issue] } }) : replyWithApiError(submission, err), saved: false, notOffered: [] as string[] };
  }
  // Saved as asked (the policy may name a rail before it is set up), but the merchant hears what buyers will miss.
  const { shop } = await shopRails(context, tenantId);
  return { result: submission.reply(), saved: true, notOffered: money.unconfiguredRails(value.allowedRails, shop) as string[] };
}

function fieldIssue(details: unknown, path: string) {
  const issues = (details as { issues?: { path?: string; message?: string }[] } | undefined)?.issues ?? [];
  return issues.find((i) => i.path === path)?.message ?? null;
}
