/** The console's disputes queue: open disputes oldest first, then the latest resolved ones; resolution with a note. */
import type { AppLoadContext } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { ApiError } from "#server/http/index.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CONFIRM_REFUND_VALUE } from "#app/components/ops/refund-confirm.tsx";

const OPEN_LIMIT = 200;
const RESOLVED_SHOWN = 25;

// A refund sends the held money back and cannot be undone, so the server (not only the browser) refuses one whose
// confirm box was not ticked: a stray press of "Refund buyer", or a no-JS submit, never refunds.
const resolveSchema = z
  .object({
    disputeId: z.uuid(),
    resolution: z.enum(["release", "refund"], { error: "Choose “Release to merchant” or “Refund buyer”." }),
    note: z
      .string({ error: "Write a note: it is kept in the audit log." })
      .trim()
      .min(3, "Write a note of at least 3 characters: it is kept in the audit log.")
      .max(2000, "Keep the note under 2000 characters."),
    confirmRefund: z.literal(CONFIRM_REFUND_VALUE).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.resolution === "refund" && v.confirmRefund !== CONFIRM_REFUND_VALUE) {
      ctx.addIssue({ code: "custom", path: [], message: "Tick “Yes, refund the buyer” to confirm: a refund cannot be undone. Nothing was changed." });
    }
  });

type Dispute = Awaited<ReturnType<AppLoadContext["services"]["money"]["listDisputes"]>>[number];

function disputeView(d: Dispute) {
  return {
    id: d.id,
    tenantId: d.tenantId,
    orderId: d.orderId,
    reason: d.reason,
    fromStatus: d.fromStatus,
    orderPath: `/ops/tenants/${d.tenantId}/orders/${d.orderId}`,
    resolution: d.resolution,
    resolutionNote: d.resolutionNote,
    openedAt: d.openedAt.toISOString(),
    resolvedAt: d.resolvedAt?.toISOString() ?? null,
    shop: { slug: d.order.tenant.slug, displayName: d.order.tenant.displayName },
    order: { total: d.order.total, currency: d.order.currency, rail: d.order.rail, status: d.order.status },
  };
}

export async function loadDisputes(context: AppLoadContext) {
  const { money } = context.services;
  // The service lists oldest first (the queue's order); the latest resolved ones are the tail of that list.
  const [open, resolved] = await Promise.all([money.listDisputes("open", OPEN_LIMIT), money.listDisputes("resolved", 200)]);
  return {
    open: open.map(disputeView),
    openLimit: OPEN_LIMIT,
    resolved: resolved
      .map(disputeView)
      .sort((a, b) => (b.resolvedAt ?? "").localeCompare(a.resolvedAt ?? ""))
      .slice(0, RESOLVED_SHOWN),
    now: new Date().toISOString(),
  };
}

export async function resolveDispute(context: AppLoadContext, formData: FormData) {
  const form = String(formData.get("form") ?? "");
  const submission = parseWithZod(formData, { schema: resolveSchema });
  if (submission.status !== "success") return { form, result: submission.reply(), status: 400 };
  const { disputeId, resolution, note } = submission.value;
  try {
    await context.services.money.resolveDispute(auditActor(context), disputeId, resolution, note);
    return { form, result: submission.reply({ resetForm: true }), status: 200 };
  } catch (err) {
    // A paused platform or shop (503) is an answer the operator should read, not a crash.
    if (err instanceof ApiError && err.code === "KILL_SWITCH_ON") return { form, result: submission.reply({ formErrors: [err.message] }), status: 423 };
    return { form, result: replyWithApiError(submission, err), status: err instanceof ApiError ? err.status : 400 };
  }
}
