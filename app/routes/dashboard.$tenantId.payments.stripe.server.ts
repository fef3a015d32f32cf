/** Server side of the Payments page's Stripe section (ADR 024): connect and disconnect through the money core. */
import type { AppLoadContext } from "@remix-run/node";
import { connectIntegrationSchema } from "#server/money/index.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { ApiError } from "#app/utils/api-error.server.ts";

export function listStripe(context: AppLoadContext, tenantId: string) {
  return context.services.money.listIntegrations(tenantId);
}

/** A refusal (a key Stripe refuses, a bad paste, Stripe unreachable) comes back as the section's message. */
export async function stripeSectionAction(context: AppLoadContext, tenantId: string, form: FormData) {
  try {
    if (form.get("intent") === "disconnect") {
      await context.services.money.disconnectIntegration(auditActor(context), tenantId, String(form.get("integrationId") ?? ""));
      return { body: { ok: true, error: null }, status: 200 };
    }
    const input = connectIntegrationSchema.safeParse({
      kind: "payment", provider: "stripe", secretKey: form.get("secretKey"), webhookSecret: form.get("webhookSecret"), allowTestMode: form.get("allowTestMode") === "on",
    });
    if (!input.success) return { body: { ok: false, error: input.error.issues[0]?.message ?? "Check the keys and try again." }, status: 400 };
    await context.services.money.connectIntegration(auditActor(context), tenantId, input.data);
    return { body: { ok: true, error: null }, status: 200 };
  } catch (err) {
    if (err instanceof ApiError && err.status !== 500) return { body: { ok: false, error: err.message }, status: err.status };
    throw err;
  }
}
