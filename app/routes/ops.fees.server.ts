/** The console's platform-fee statements (ADR 025): every shop's, newest month first; an operator settles one. */
import type { AppLoadContext } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { feeSettleSchema, feeStatementsQuerySchema } from "#server/money/index.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";

export async function loadFeeStatements(context: AppLoadContext, url: URL) {
  const filter = feeStatementsQuerySchema.safeParse({ month: url.searchParams.get("month") || undefined, status: url.searchParams.get("status") || undefined });
  const f = filter.success ? filter.data : {};
  const items = await context.services.money.allFeeStatements(f);
  return { filter: f, items: items.map((s) => ({ ...s, settledAt: s.settledAt ? new Date(s.settledAt).toISOString() : null })) };
}

const settleForm = feeSettleSchema.extend({ statementId: z.uuid() });

export async function settleFromConsole(context: AppLoadContext, formData: FormData) {
  const submission = parseWithZod(formData, { schema: settleForm });
  const form = String(formData.get("form") ?? "");
  if (submission.status !== "success") return { form, result: submission.reply(), status: 400 };
  try {
    await context.services.money.settleFeeStatement(auditActor(context), submission.value.statementId, submission.value.note);
    return { form, result: submission.reply({ resetForm: true }), status: 200 };
  } catch (err) {
    return { form, result: replyWithApiError(submission, err), status: 400 };
  }
}
