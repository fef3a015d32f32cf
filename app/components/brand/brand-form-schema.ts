import { z } from "zod";
import { brandSchema, timeZoneSchema } from "#server/tenancy/shared.ts";

// The brand is validated by the very schema the API and manifests use; the form adds the tenant's version (CAS)
// and optional logo/favicon files, which are uploaded on save and then become brand.logoUrl / brand.faviconUrl.
export const brandFormSchema = z.object({
  version: z.number().int().positive(),
  displayName: z.string({ error: "Give your shop a name." }).trim().min(1).max(80),
  brand: brandSchema,
  timeZone: timeZoneSchema,
  logoFile: z.file().optional(),
  faviconFile: z.file().optional(),
});
