import { useRef, useState } from "react";
import { Form, Link, useNavigation } from "@remix-run/react";
import { getCollectionProps, getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
// schemas.ts only needs zod, so the form validates in the browser with the very rules the API applies.
import { itemFieldsSchema } from "#server/catalog/shared.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button, ReloadLink, buttonClass } from "#app/components/ui/button.tsx";
import { CheckboxField, FieldErrors, FormErrors, TextareaField, TextField } from "#app/components/ui/field.tsx";
import { Card } from "#app/components/ui/page.tsx";
import { formatBytes } from "./media.ts";

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
});
type ItemFormValue = z.output<typeof itemFormFields>;

function checkStockAndImages(v: ItemFormValue, ctx: z.RefinementCtx<ItemFormValue>) {
  if (!v.unlimited && v.stock === undefined) {
    ctx.addIssue({ code: "custom", path: ["stock"], message: "Enter how many you have, or tick Unlimited." });
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
  const { unlimited, stock, image: _files, ...rest } = v;
  return { ...rest, stock: unlimited ? null : (stock ?? null) };
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
};

export function itemDefaults(item?: { title: string; description: string; price: string; category: string | null; kind: string; stock: number | null; active: boolean; images: Array<{ uploadId: string }> }): ItemDefaults {
  if (!item) return { title: "", description: "", price: "", category: "", kind: "physical", stock: "", unlimited: false, active: true, imageIds: [] };
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
  };
}

const KINDS = [
  { value: "physical", label: "Physical", text: "Shipped; checkout asks for an address." },
  { value: "digital", label: "Digital", text: "Delivered online; no shipping address." },
] as const;

const iconButton =
  "grid h-7 w-7 place-items-center rounded-md border border-gray-200 bg-white text-sm text-gray-600 shadow-xs hover:bg-gray-50 hover:text-gray-900 disabled:cursor-not-allowed disabled:opacity-40";

type PendingFile = { name: string; size: number; src?: string };

export function ItemEditor({
  mode,
  defaultValue,
  lastResult,
  version,
  categories,
  currency,
  thumbs,
  maxImageBytes,
  uploadError,
  cancelTo,
  onChange,
}: {
  mode: "create" | "edit";
  defaultValue: ItemDefaults;
  lastResult: SubmissionResult<string[]> | null | undefined;
  version?: number;
  categories: string[];
  currency: string;
  /** Upload id → where the dashboard can show it. */
  thumbs: Record<string, string | undefined>;
  maxImageBytes: number;
  /** A refusal before the form was read (too large to send). */
  uploadError?: string | null;
  cancelTo: string;
  onChange?: () => void;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") !== "archive";
  const [form, fields] = useForm<z.input<typeof itemFormSchema>>({
    id: mode === "edit" ? "item-edit" : "item-new",
    lastResult,
    defaultValue,
    constraint: getZodConstraint(itemFormSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: itemFormSchema }),
  });
  const [unlimited, setUnlimited] = useState(defaultValue.unlimited);
  const [pending, setPending] = useState<PendingFile[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const images = fields.imageIds.getFieldList();
  const imageErrors = [...(fields.image.errors ?? []), ...(uploadError ? [uploadError] : [])];
  const { key: unlimitedKey, ...unlimitedProps } = getInputProps(fields.unlimited, { type: "checkbox" });
  const { key: fileKey, ...fileProps } = getInputProps(fields.image, { type: "file" });

  function pickFiles(list: FileList | null) {
    const files = Array.from(list ?? []);
    setPending(files.map((file) => ({ name: file.name, size: file.size })));
    // Previews as data: URLs (the CSP allows data: images, not blob:); huge files are not read just to preview.
    files.forEach((file, i) => {
      if (file.size > 2 * maxImageBytes) return;
      const reader = new FileReader();
      reader.onload = () => {
        const src = typeof reader.result === "string" && /^data:image\/(png|jpeg|gif|webp);/.test(reader.result) ? reader.result : undefined;
        setPending((all) => all.map((p, j) => (j === i && p.name === file.name ? { ...p, src } : p)));
      };
      reader.readAsDataURL(file);
    });
  }

  return (
    <Form method="post" encType="multipart/form-data" {...getFormProps(form)} onChange={onChange} className="space-y-6">
      <CsrfInput />
      {version !== undefined ? <input type="hidden" name="version" value={version} /> : null}
      <FormErrors id={form.errorId} errors={form.errors} action={mode === "edit" ? <ReloadLink /> : undefined} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card title="Details">
            <div className="grid gap-5">
              <TextField meta={fields.title} label="Title" maxLength={200} placeholder="Beeswax pillar candle" />
              <TextareaField meta={fields.description} label="Description" optional rows={5} maxLength={10_000} help="Plain text. Buyers see it on the item's page." />
            </div>
          </Card>

          <Card title="Images" description={`The first image is the main one. Up to ${MAX_IMAGES} per item.`}>
            {images.length ? (
              <ul className="grid grid-cols-3 gap-3 sm:grid-cols-5" aria-label="Current images">
                {images.map((meta, i) => {
                  const id = String(meta.value ?? meta.initialValue ?? "");
                  const { key, ...hidden } = getInputProps(meta, { type: "hidden" });
                  return (
                    <li key={key} className="space-y-1.5" data-testid="item-image">
                      <input key={key} {...hidden} />
                      <div className="relative">
                        {thumbs[id] ? (
                          <img src={thumbs[id]} alt={`Image ${i + 1}`} className="aspect-square w-full rounded-lg border border-gray-200 bg-gray-50 object-cover" />
                        ) : (
                          <div className="grid aspect-square w-full place-items-center rounded-lg border border-dashed border-gray-300 text-xs text-gray-400">Image {i + 1}</div>
                        )}
                        {i === 0 ? <span className="absolute left-1.5 top-1.5 rounded bg-white/90 px-1.5 py-0.5 text-[11px] font-semibold text-gray-800 shadow-xs">Main</span> : null}
                      </div>
                      <div className="flex justify-center gap-1">
                        <button {...form.reorder.getButtonProps({ name: fields.imageIds.name, from: i, to: i - 1 })} disabled={i === 0} aria-label={`Move image ${i + 1} up`} title="Move up" className={iconButton}>
                          <span aria-hidden>↑</span>
                        </button>
                        <button {...form.reorder.getButtonProps({ name: fields.imageIds.name, from: i, to: i + 1 })} disabled={i === images.length - 1} aria-label={`Move image ${i + 1} down`} title="Move down" className={iconButton}>
                          <span aria-hidden>↓</span>
                        </button>
                        <button {...form.remove.getButtonProps({ name: fields.imageIds.name, index: i })} aria-label={`Remove image ${i + 1}`} title="Remove" className={`${iconButton} hover:text-red-700`}>
                          <span aria-hidden>✕</span>
                        </button>
                      </div>
                    </li>
                  );
                })}
              </ul>
            ) : (
              <p className="text-sm text-gray-500">No images yet.</p>
            )}
            <div className={images.length ? "mt-5 border-t border-gray-100 pt-5" : "mt-3"}>
              <label htmlFor={fields.image.id} className="block text-sm font-medium text-gray-800">Add images</label>
              <input
                key={fileKey}
                ref={fileInput}
                {...fileProps}
                multiple
                accept="image/png,image/jpeg,image/gif,image/webp"
                aria-describedby={`${fields.image.descriptionId}${imageErrors.length ? ` ${fields.image.errorId}` : ""}`}
                aria-invalid={imageErrors.length ? true : undefined}
                onChange={(e) => pickFiles(e.currentTarget.files)}
                className="mt-1.5 block w-full text-sm text-gray-600 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-gray-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-gray-800 file:shadow-xs hover:file:bg-gray-50"
              />
              <p id={fields.image.descriptionId} className="mt-1.5 text-xs text-gray-500">
                PNG, JPEG, GIF or WebP, up to {formatBytes(maxImageBytes)} each. They are uploaded when you save.
              </p>
              <FieldErrors id={fields.image.errorId} errors={imageErrors.length ? imageErrors : undefined} />
              {pending.length ? (
                <div className="mt-3">
                  <ul className="grid grid-cols-3 gap-3 sm:grid-cols-5" aria-label="Images to upload">
                    {pending.map((p, i) => {
                      const tooLarge = p.size > maxImageBytes;
                      return (
                        <li key={`${p.name}-${i}`} className="space-y-1">
                          {p.src ? (
                            <img src={p.src} alt="" className="aspect-square w-full rounded-lg border border-dashed border-indigo-300 object-cover" />
                          ) : (
                            <div className="grid aspect-square w-full place-items-center rounded-lg border border-dashed border-gray-300 text-[11px] text-gray-400">No preview</div>
                          )}
                          <p className="truncate text-[11px] text-gray-600" title={p.name}>{p.name}</p>
                          <p className={`text-[11px] ${tooLarge ? "font-medium text-red-700" : "text-gray-500"}`}>
                            {formatBytes(p.size)}{tooLarge ? " · too large" : " · new"}
                          </p>
                        </li>
                      );
                    })}
                  </ul>
                  <button
                    type="button"
                    className="mt-2 text-xs font-medium text-gray-600 underline hover:text-gray-900"
                    onClick={() => {
                      if (fileInput.current) fileInput.current.value = "";
                      setPending([]);
                    }}
                  >
                    Clear selection
                  </button>
                </div>
              ) : null}
            </div>
          </Card>

          <Card title="Price and stock">
            <div className="grid gap-5 sm:grid-cols-2">
              <TextField
                meta={fields.price}
                label="Price"
                inputMode="decimal"
                placeholder="12.50"
                autoComplete="off"
                addon={<span className="shrink-0 text-sm text-gray-500">{currency}</span>}
                help="A plain amount, like 12 or 12.50."
              />
              <TextField
                meta={fields.stock}
                label="Stock"
                type="number"
                min={0}
                step={1}
                inputMode="numeric"
                disabled={unlimited}
                placeholder={unlimited ? "Unlimited" : "0"}
                help="How many you can sell. Checkout never sells more."
                addon={
                  <label htmlFor={fields.unlimited.id} className="flex shrink-0 cursor-pointer items-center gap-2 text-sm text-gray-700">
                    <input key={unlimitedKey} {...unlimitedProps} onChange={(e) => setUnlimited(e.currentTarget.checked)} className="h-4 w-4 rounded border-gray-300 accent-indigo-600" />
                    Unlimited
                  </label>
                }
              />
            </div>
          </Card>
        </div>

        <div className="space-y-6">
          <Card title="Visibility">
            <CheckboxField meta={fields.active} label="Visible to buyers" help="Untick to keep the item in your dashboard but out of your shop." />
          </Card>
          <Card title="Organisation">
            <div className="grid gap-5">
              <TextField meta={fields.category} label="Category" optional list="catalog-categories" autoComplete="off" placeholder="candles" help="Buyers can filter by it. Pick an existing one or type a new one." />
              <datalist id="catalog-categories">
                {categories.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
              <fieldset>
                <legend className="text-sm font-medium text-gray-800">Kind</legend>
                <div className="mt-1.5 grid gap-2">
                  {getCollectionProps(fields.kind, { type: "radio", options: KINDS.map((k) => k.value) }).map(({ key, ...props }) => {
                    const k = KINDS.find((x) => x.value === props.value)!;
                    return (
                      <label key={key} htmlFor={props.id} className="flex cursor-pointer gap-3 rounded-lg border border-gray-200 p-3 has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50/40">
                        <input {...props} className="mt-0.5 h-4 w-4 accent-indigo-600" />
                        <span>
                          <span className="block text-sm font-medium text-gray-900">{k.label}</span>
                          <span className="block text-xs text-gray-600">{k.text}</span>
                        </span>
                      </label>
                    );
                  })}
                </div>
                <FieldErrors id={fields.kind.errorId} errors={fields.kind.errors} />
              </fieldset>
            </div>
          </Card>
        </div>
      </div>
      <div className="flex items-center justify-end gap-3 border-t border-gray-200 pt-5">
        <Link to={cancelTo} className={buttonClass("ghost")}>Cancel</Link>
        <Button type="submit" disabled={busy}>{busy ? "Saving…" : mode === "create" ? "Create item" : "Save item"}</Button>
      </div>
    </Form>
  );
}
