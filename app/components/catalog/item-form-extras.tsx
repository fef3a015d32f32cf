/**
 * The item form's merchant fields of issue 22 point 6, kept in their own cards (fieldsets) so other sections of the
 * form (digital delivery, shipping) can grow next to them without touching these.
 */
import type { FieldMetadata } from "@conform-to/react";
import { MAX_SEO_DESCRIPTION, MAX_SEO_TITLE, MAX_SKU, MAX_SLUG } from "#server/catalog/shared.ts";
import { TextareaField, TextField } from "#app/components/ui/field.tsx";
import { Card } from "#app/components/ui/page.tsx";

type Meta = FieldMetadata<unknown, Record<string, unknown>, string[]>;

export function ProductDataCard({ fields, currency }: { fields: { sku: Meta; compareAtPrice: Meta; weightGrams: Meta }; currency: string }) {
  return (
    <Card title="Product data">
      <fieldset className="grid gap-5 sm:grid-cols-3" data-testid="product-data">
        <legend className="sr-only">Product data</legend>
        <TextField meta={fields.sku} label="SKU" optional maxLength={MAX_SKU} autoComplete="off" placeholder="CND-001" help="Your own code; unique in your shop." />
        <TextField
          meta={fields.compareAtPrice}
          label="Compare-at price"
          optional
          inputMode="decimal"
          autoComplete="off"
          placeholder="15.00"
          addon={<span className="shrink-0 text-sm text-gray-500">{currency}</span>}
          help="Shown struck through; must be above the price."
        />
        <TextField
          meta={fields.weightGrams}
          label="Weight"
          optional
          type="number"
          min={0}
          step={1}
          inputMode="numeric"
          addon={<span className="shrink-0 text-sm text-gray-500">g</span>}
          help="Shipping weight in grams."
        />
      </fieldset>
    </Card>
  );
}

export function SearchEnginesCard({ fields }: { fields: { slug: Meta; seoTitle: Meta; seoDescription: Meta } }) {
  return (
    <Card title="Search engines" description="How the item's page appears in search results and in its address.">
      <fieldset className="grid gap-5" data-testid="search-engines">
        <legend className="sr-only">Search engines</legend>
        <TextField
          meta={fields.slug}
          label="URL"
          optional
          maxLength={MAX_SLUG}
          autoComplete="off"
          addon={<span className="order-first shrink-0 text-sm text-gray-500">/items/</span>}
          help="Made from the title when empty. Old addresses keep redirecting here after a change."
        />
        <TextField meta={fields.seoTitle} label="Page title" optional maxLength={MAX_SEO_TITLE} help={`Up to ${MAX_SEO_TITLE} characters; the item's title when empty.`} />
        <TextareaField meta={fields.seoDescription} label="Meta description" optional rows={2} maxLength={MAX_SEO_DESCRIPTION} help={`Up to ${MAX_SEO_DESCRIPTION} characters; the start of the description when empty.`} />
      </fieldset>
    </Card>
  );
}
