/** The item page's digital delivery section, server side (ADR 039): its data and its two form intents. */
import type { AppLoadContext } from "@remix-run/node";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { auditActor } from "#app/utils/auth.server.ts";
import { ApiError } from "#server/http/index.ts";
import { digitalSettingsSchema, licenceKeysSchema } from "#server/digital/index.ts";

export const DIGITAL_INTENTS = ["digital-keys", "digital-settings"] as const;

const keysForm = licenceKeysSchema;
const settingsForm = digitalSettingsSchema.extend({ linkUrl: z.preprocess((v) => v ?? "", digitalSettingsSchema.shape.linkUrl) });

export async function digitalSection(context: AppLoadContext, tenantId: string, itemId: string, kind: string) {
  if (kind !== "digital") return null;
  return {
    settings: await context.services.digital.settings(tenantId, itemId),
    uploadUrl: `/api/tenants/${tenantId}/catalog/items/${itemId}/digital/file`,
  };
}

/** Runs one digital intent; a refusal comes back as the section's error message, never a 500. */
export async function digitalAction(context: AppLoadContext, tenantId: string, itemId: string, intent: string, formData: FormData) {
  const { digital } = context.services;
  try {
    if (intent === "digital-keys") {
      const s = parseWithZod(formData, { schema: keysForm });
      if (s.status !== "success") return { error: "Paste the keys, one per line." };
      const r = await digital.addKeys(auditActor(context), tenantId, itemId, s.value.keys);
      return { keysAdded: r.added, keysSkipped: r.skipped };
    }
    const s = parseWithZod(formData, { schema: settingsForm });
    if (s.status !== "success") return { error: Object.values(s.error ?? {}).flat()[0] ?? "Check the link and the number of downloads." };
    await digital.updateSettings(auditActor(context), tenantId, itemId, s.value);
    return { saved: true };
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) return { error: err.message };
    throw err;
  }
}
