import { useState } from "react";
import { Form, Link, useNavigation } from "@remix-run/react";
import { getCollectionProps, getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button, ReloadLink, buttonClass } from "#app/components/ui/button.tsx";
import { CheckboxField, FieldErrors, FormErrors, TextareaField, TextField } from "#app/components/ui/field.tsx";
import { Card } from "#app/components/ui/page.tsx";
import { itemFormSchema, type ItemDefaults } from "./item-form-schema.ts";
import { ImagesCard } from "./item-images.tsx";
import { ProductDataCard, SearchEnginesCard } from "./item-form-extras.tsx";

const KINDS = [
  { value: "physical", label: "Physical", text: "Shipped; checkout asks for an address." },
  { value: "digital", label: "Digital", text: "Delivered online; no shipping address." },
] as const;

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
  const { key: unlimitedKey, ...unlimitedProps } = getInputProps(fields.unlimited, { type: "checkbox" });

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

          <ImagesCard form={form} thumbs={thumbs} maxImageBytes={maxImageBytes} uploadError={uploadError} />

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

          <ProductDataCard fields={fields} currency={currency} />
          <SearchEnginesCard fields={fields} />
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
