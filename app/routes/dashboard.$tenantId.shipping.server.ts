/** Server side of the shipping & tax page: the settings as a draft, and saving the whole document (ADR 035, 045). */
import type { AppLoadContext } from "@remix-run/node";
import { countryOptions, getShippingTax, putShippingTax } from "#server/shipping/index.ts";
import { ApiError } from "#app/utils/api-error.server.ts";
import { auditActor } from "#app/utils/auth.server.ts";
import { checkShippingDocument, toDraft, type DraftErrors } from "#app/components/shipping/draft.ts";

/** The dashboard is in English; country names follow it (the storefront picker follows the shop's language). */
const DASHBOARD_LANG = "en";

export async function loadShippingPage(context: AppLoadContext, tenantId: string) {
  const { prisma } = context.services;
  const [settings, categories] = await Promise.all([
    getShippingTax(prisma, tenantId),
    prisma.catalogItem.findMany({ where: { tenantId, category: { not: null } }, distinct: ["category"], select: { category: true }, orderBy: { category: "asc" }, take: 50 }),
  ]);
  return {
    draft: toDraft(settings), version: settings.version, currency: settings.currency,
    categories: categories.flatMap((c) => (c.category ? [c.category] : [])),
    // Named and sorted here, once: the browser's CLDR names differ from Node's (see CountryListPicker).
    countries: countryOptions(DASHBOARD_LANG),
  };
}

/** Checks the submitted JSON with the API's schema and saves it; a refusal comes back as errors by field path. */
export async function saveShippingPage(context: AppLoadContext, tenantId: string, raw: FormDataEntryValue | null): Promise<{ saved: boolean; errors: DraftErrors | null }> {
  let doc: unknown;
  try {
    doc = JSON.parse(typeof raw === "string" ? raw : "");
  } catch {
    return { saved: false, errors: { "": ["The form was sent incomplete. Reload and try again."] } };
  }
  const checked = checkShippingDocument(doc);
  if (!checked.value) return { saved: false, errors: checked.errors };
  try {
    await putShippingTax(context.services.prisma, auditActor(context), tenantId, checked.value);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status >= 500) throw err;
    return { saved: false, errors: { "": [err.message] } };
  }
  return { saved: true, errors: null };
}
