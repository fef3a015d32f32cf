/**
 * POST /dashboard/:tenantId/pause — the dashboard's pause/resume toggle (ADR 032): the same flag, permission and
 * audit as the bot's /pause and /resume. Action only; it returns to the bot page with a toast.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { redirectWithToast } from "#app/utils/toast.server.ts";
import { invariantResponse } from "#app/utils/invariant.ts";
import { setAcceptingOrders } from "#app/utils/shop-pause.server.ts";

const pauseSchema = z.object({ accepting: z.enum(["true", "false"]).transform((v) => v === "true") });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "shop.pause", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const input = pauseSchema.safeParse(Object.fromEntries(formData));
  invariantResponse(input.success, "Choose pause or resume.", { status: 400 });
  const changed = await setAcceptingOrders(context.services.prisma, auditActor(context), tenantId, input.data.accepting, { via: "dashboard" });
  if (changed) await context.services.publishTenancyChange(input.data.accepting ? "shop resumed" : "shop paused");
  const title = input.data.accepting ? "The shop takes orders again." : "The shop is paused: checkout refuses new orders.";
  return redirectWithToast(context, request, `/dashboard/${tenantId}/bot`, { title });
}
