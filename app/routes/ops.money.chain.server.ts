/**
 * The money page's on-chain escrow section: the indexer's position and halt, flagged fundings with "Refund to payer",
 * failed payouts. Both actions need their confirm box ticked, checked here: a stray press or a no-JS submit changes
 * nothing.
 */
import type { AppLoadContext } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { ApiError } from "#server/http/index.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CHAIN_CONFIRM_FIELD, CHAIN_CONFIRM_VALUE } from "#app/components/ops/chain-escrow-forms.tsx";

const FLAGGED_LIMIT = 50;
const FAILED_LIMIT = 20;

const iso = (d: Date | null) => d?.toISOString() ?? null;

const confirmed = (what: string) =>
  z.literal(CHAIN_CONFIRM_VALUE, { error: `Tick the box to confirm ${what}. Nothing was changed.` });

const chainActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("chain_refund"), eventId: z.uuid(), [CHAIN_CONFIRM_FIELD]: confirmed("the refund: it cannot be undone") }),
  z.object({
    intent: z.literal("chain_clear_halt"),
    rescanFromBlock: z.coerce.number({ error: "Enter a block number, or leave it empty." }).int().min(0).optional(),
    [CHAIN_CONFIRM_FIELD]: confirmed("that you checked the chain"),
  }),
]);

export async function loadChainOps(context: AppLoadContext) {
  const { money } = context.services;
  const [status, flagged, failed] = await Promise.all([money.chainStatus(), money.flaggedChainEvents(FLAGGED_LIMIT), money.failedChainPayouts(FAILED_LIMIT)]);
  if (!status) return null;
  const ix = status.indexer;
  return {
    chainId: status.chainId, escrow: status.escrow, token: status.token, tokenSymbol: status.tokenSymbol, tokenDecimals: status.tokenDecimals,
    confirmations: status.confirmations, reorgWindow: status.reorgWindow, arbiter: status.arbiter, counts: status.counts,
    indexer: ix && {
      lastBlock: ix.lastBlock, headBlock: ix.headBlock, lag: (BigInt(ix.headBlock) > BigInt(ix.lastBlock) ? BigInt(ix.headBlock) - BigInt(ix.lastBlock) : 0n).toString(),
      halted: ix.halted, haltReason: ix.haltReason, updatedAt: ix.updatedAt.toISOString(),
    },
    flagged: flagged.map((f) => ({ ...f, confirmedAt: iso(f.confirmedAt) })),
    failedPayouts: failed.map((p) => ({ ...p, requestedAt: p.requestedAt.toISOString(), sentAt: iso(p.sentAt) })),
  };
}

export type ChainOps = NonNullable<Awaited<ReturnType<typeof loadChainOps>>>;

const STEP_MESSAGES: Record<string, string> = {
  sent: "Refund sent on chain. The payer has the tokens back once it is mined; it shows as confirmed after the confirmations.",
  "no-arbiter": "Refund requested. This process has no arbiter key: a worker sends it on its next chain tick.",
  paused: "Refund recorded. A kill switch is on: it is sent once the switch is off.",
  busy: "Refund requested. Another payout is being signed; the chain tick sends this one next.",
};

export async function runChainOpsAction(context: AppLoadContext, formData: FormData) {
  const form = String(formData.get("form") ?? "");
  const submission = parseWithZod(formData, { schema: chainActionSchema });
  if (submission.status !== "success") return { form, result: submission.reply(), message: null, status: 400 };
  const input = submission.value;
  const { money } = context.services;
  try {
    if (input.intent === "chain_refund") {
      const step = await money.refundFlaggedFunding(auditActor(context), input.eventId);
      return { form, result: submission.reply({ resetForm: true }), message: STEP_MESSAGES[step] ?? `Refund requested (${step}).`, status: 200 };
    }
    const rescanFromBlock = input.rescanFromBlock === undefined ? undefined : BigInt(input.rescanFromBlock);
    await money.clearChainHalt(auditActor(context), { rescanFromBlock });
    const message = rescanFromBlock === undefined ? "Halt cleared: the indexer resumes on its next tick." : `Halt cleared: the indexer rescans from block ${rescanFromBlock}.`;
    return { form, result: submission.reply({ resetForm: true }), message, status: 200 };
  } catch (err) {
    const fieldByCode = { CHAIN_RESCAN_OUT_OF_RANGE: "rescanFromBlock" };
    return { form, result: replyWithApiError(submission, err, fieldByCode), message: null, status: err instanceof ApiError ? err.status : 400 };
  }
}
