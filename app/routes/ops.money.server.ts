/**
 * The console's money page: kill switches (global and per shop) and reconciliation reports, from MoneyService.
 * Reconciliation only reports; nothing here corrects a balance.
 */
import type { AppLoadContext } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { ApiError } from "#server/http/index.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { CHAIN_OFF_MESSAGE } from "#server/money/index.ts";
import { loadChainOps, runChainOpsAction } from "./ops.money.chain.server.ts";

const REPORT_LIMIT = 10;
/** Violations listed from the latest report; the stored report keeps up to 1000. */
const DETAIL_LIMIT = 25;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A schedule that has not produced a run for this many intervals is shown as overdue (one late run is not news). */
const OVERDUE_AFTER_INTERVALS = 2;

const reasonField = z
  .string({ error: "Give a reason: it goes in the audit log." })
  .trim()
  .min(3, "Give a reason of at least 3 characters: it goes in the audit log.")
  .max(500, "Keep the reason under 500 characters.");

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("kill_global"), engaged: z.enum(["on", "off"]), reason: reasonField }),
  z.object({
    intent: z.literal("kill_tenant"),
    engaged: z.enum(["on", "off"]),
    shop: z.string({ error: "Enter the shop's address (its slug)." }).trim().toLowerCase().max(63),
    reason: reasonField,
  }),
  z.object({ intent: z.literal("reconcile") }),
]);

const violationSchema = z.object({ check: z.string(), subject: z.string(), detail: z.record(z.string(), z.unknown()) });

export async function loadMoneyOps(context: AppLoadContext) {
  const { money, prisma } = context.services;
  const [kill, recon, chain] = await Promise.all([money.killSwitchState(), money.reconciliationReports(REPORT_LIMIT), loadChainOps(context)]);
  const shops = await prisma.tenant.findMany({ where: { id: { in: kill.tenants.map((t) => t.tenantId) } }, select: { id: true, slug: true, displayName: true } });
  const latest = recon.reports[0];
  const now = new Date();
  const everyMs = money.reconcileEveryMs;
  const overdue = !latest || now.getTime() - latest.startedAt.getTime() > OVERDUE_AFTER_INTERVALS * everyMs;
  return {
    killSwitch: {
      global: kill.global,
      globalReason: kill.globalReason,
      globalSince: iso(kill.globalSince),
      tenants: kill.tenants.map((t) => {
        const shop = shops.find((s) => s.id === t.tenantId);
        return { tenantId: t.tenantId, slug: shop?.slug ?? t.tenantId, displayName: shop?.displayName ?? "", reason: t.reason, since: t.since.toISOString() };
      }),
    },
    reconciliation: {
      everyMs,
      overdue,
      violationTotal: recon.ledgerInvariantViolationTotal,
      reports: recon.reports.map((r) => ({
        id: r.id,
        trigger: r.trigger,
        startedAt: r.startedAt.toISOString(),
        durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
        violations: r.violations,
      })),
      latest: latest
        ? {
            checks: Object.entries(z.record(z.string(), z.number()).catch({}).parse(latest.checks)).map(([name, count]) => ({ name, count })),
            details: z.array(violationSchema).catch([]).parse(latest.details).slice(0, DETAIL_LIMIT).map((v) => ({ ...v, detail: JSON.stringify(v.detail) })),
          }
        : null,
    },
    chain,
    chainOffMessage: CHAIN_OFF_MESSAGE,
    now: now.toISOString(),
  };
}

export async function runMoneyOpsAction(context: AppLoadContext, formData: FormData) {
  if (String(formData.get("intent") ?? "").startsWith("chain_")) return runChainOpsAction(context, formData);
  const form = String(formData.get("form") ?? "");
  const submission = parseWithZod(formData, { schema: actionSchema });
  if (submission.status !== "success") return { form, result: submission.reply(), message: null, status: 400 };
  const input = submission.value;
  const { money, prisma } = context.services;
  try {
    if (input.intent === "reconcile") {
      const run = await money.reconcile("manual", auditActor(context));
      const message = run.skipped
        ? "Another reconciliation is running; its report appears here when it finishes."
        : run.violations === 0
          ? "Reconciliation finished: no violations."
          : `Reconciliation finished: ${run.violations} ${run.violations === 1 ? "violation" : "violations"} reported. Nothing was changed.`;
      return { form, result: submission.reply(), message, status: 200 };
    }
    let tenantId: string | null = null;
    if (input.intent === "kill_tenant") {
      const shop = await prisma.tenant.findUnique({ where: { slug: input.shop }, select: { id: true } });
      if (!shop) return { form, result: submission.reply({ fieldErrors: { shop: ["No shop has this address."] } }), message: null, status: 404 };
      tenantId = shop.id;
    }
    await money.setKillSwitch(auditActor(context), { tenantId, engaged: input.engaged === "on", reason: input.reason });
    return { form, result: submission.reply({ resetForm: true }), message: null, status: 200 };
  } catch (err) {
    return { form, result: replyWithApiError(submission, err), message: null, status: err instanceof ApiError ? err.status : 400 };
  }
}
