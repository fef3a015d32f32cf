/** The item form's fields and rules, shared by the new-item and edit routes (server) and the form (browser). */
import { z } from "zod";
// schemas.ts only needs zod, so the form validates in the browser with the very rules the API applies.
import { COMPARE_AT_MESSAGE, decimalGreater, itemFieldsSchema, MAX_WEIGHT_GRAMS, slugify } from "#server/catalog/shared.ts";

/** As itemCreateSchema.imageIds allows. */
export const MAX_IMAGES = 10;

const f = itemFieldsSchema.shape;
// The item's fields as the form posts them: stock comes with an "Unlimited" box, and `image` holds new files to upload.
const itemFormFields = z.object({
  title: z.string({ error: "Give the item a title." }).pipe(f.title),
  description: f.description,
  price: z.string({ error: "Enter a price." }).pipe(f.price),
  category: f.category,
  kind: f.kind,
  stock: z
    .number({ error: "Enter a whole number, or tick Unlimited." })
    .int("Enter a whole number.")
    .min(0, "Stock cannot be below zero.")
    .max(1_000_000_000, "Enter at most 1,000,000,000.")
    .optional(),
  unlimited: z.boolean().default(false),
  active: z.boolean().default(false),
  imageIds: z.array(z.uuid()).max(MAX_IMAGES).default([]),
  image: z.array(z.file()).default([]),
  // Issue 22 point 6 ("Product data" and "Search engines" cards). An empty box means "not set".
  sku: f.sku,
  compareAtPrice: f.compareAtPrice,
  weightGrams: z.number({ error: "Enter the weight in whole grams." }).int("Enter whole grams.").min(0, "A weight cannot be below zero.").max(MAX_WEIGHT_GRAMS).optional(),
  seoTitle: f.seoTitle,
  seoDescription: f.seoDescription,
  // What the merchant types is put in slug form ("Blue Mug!" → "blue-mug"); empty keeps the current one (or generates).
  slug: z.string().max(400).optional().transform((s) => (s ? slugify(s) || undefined : undefined)).pipe(f.slug),
});
type ItemFormValue = z.output<typeof itemFormFields>;

function checkStockAndImages(v: ItemFormValue, ctx: z.RefinementCtx<ItemFormValue>) {
  if (!v.unlimited && v.stock === undefined) {
    ctx.addIssue({ code: "custom", path: ["stock"], message: "Enter how many you have, or tick Unlimited." });
  }
  if (v.compareAtPrice && v.price && !decimalGreater(v.compareAtPrice, v.price)) {
    ctx.addIssue({ code: "custom", path: ["compareAtPrice"], message: COMPARE_AT_MESSAGE });
  }
  if ((v.imageIds?.length ?? 0) + (v.image?.length ?? 0) > MAX_IMAGES) {
    ctx.addIssue({ code: "custom", path: ["image"], message: `An item can have up to ${MAX_IMAGES} images; remove some first.` });
  }
}

/** What the browser validates, for both the new-item and the edit form (`version` is a hidden field of the latter). */
// `when`: the stock rule runs even while other fields are still wrong, so every message shows at once.
const always = { when: (p: { value: unknown }) => typeof p.value === "object" && p.value !== null };
export const itemFormSchema = itemFormFields.extend({ version: z.number().int().positive().optional() }).superRefine(checkStockAndImages, always);
export const itemCreateFormSchema = itemFormFields.superRefine(checkStockAndImages, always);
// Edits must carry the version they started from: the service refuses a stale one with CONFLICT.
export const itemEditFormSchema = itemFormFields.extend({ version: z.number().int().positive() }).superRefine(checkStockAndImages, always);

/** The form's value as CatalogService create/update fields (without the new files, which are uploaded first). */
export function itemInput(v: ItemFormValue) {
  const { unlimited, stock, image: _files, sku, compareAtPrice, weightGrams, seoTitle, seoDescription, ...rest } = v;
  // The form posts every box, so an empty one clears the stored value.
  const cleared = { sku: sku ?? null, compareAtPrice: compareAtPrice ?? null, weightGrams: weightGrams ?? null, seoTitle: seoTitle ?? null, seoDescription: seoDescription ?? null };
  return { ...rest, ...cleared, stock: unlimited ? null : (stock ?? null) };
}

export type ItemDefaults = {
  title: string;
  description: string;
  price: string;
  category: string;
  kind: "physical" | "digital";
  stock: string;
  unlimited: boolean;
  active: boolean;
  imageIds: string[];
  sku: string;
  compareAtPrice: string;
  weightGrams: string;
  seoTitle: string;
  seoDescription: string;
  slug: string;
};

type Extras = { sku: string | null; compareAtPrice: string | null; weightGrams: number | null; seoTitle: string | null; seoDescription: string | null; slug: string };
const extraDefaults = (item?: Extras) => ({
  sku: item?.sku ?? "",
  compareAtPrice: item?.compareAtPrice ?? "",
  weightGrams: item?.weightGrams == null ? "" : String(item.weightGrams),
  seoTitle: item?.seoTitle ?? "",
  seoDescription: item?.seoDescription ?? "",
  slug: item?.slug ?? "",
});

type StoredItem = { title: string; description: string; price: string; category: string | null; kind: string; stock: number | null; active: boolean; images: Array<{ uploadId: string }> } & Extras;
export function itemDefaults(item?: StoredItem): ItemDefaults {
  if (!item) return { title: "", description: "", price: "", category: "", kind: "physical", stock: "", unlimited: false, active: true, imageIds: [], ...extraDefaults() };
  return {
    title: item.title,
    description: item.description,
    price: item.price,
    category: item.category ?? "",
    kind: item.kind === "digital" ? "digital" : "physical",
    stock: item.stock === null ? "" : String(item.stock),
    unlimited: item.stock === null,
    active: item.active,
    imageIds: item.images.map((i) => i.uploadId),
    ...extraDefaults(item),
  };
}
