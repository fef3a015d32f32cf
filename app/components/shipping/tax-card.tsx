/** Tax settings: prices include tax or not, and rates per country, optionally per catalog category. */
import { useMemo } from "react";
import type { CountryOption } from "./country-list-picker.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Card } from "#app/components/ui/page.tsx";
import type { DraftErrors, ShippingDraft, TaxDraft } from "./draft.ts";
import { DraftInput, DraftSelect, PathErrors } from "./inputs.tsx";

export function TaxCard({ draft, categories, countryOptions, errors, onChange }: {
  draft: ShippingDraft; categories: string[]; countryOptions: readonly CountryOption[]; errors: DraftErrors; onChange: (d: ShippingDraft) => void;
}) {
  const countries = useMemo(() => countryOptions.map((o) => ({ value: o.code, label: o.name })), [countryOptions]);
  const setRate = (i: number, patch: Partial<TaxDraft>) => onChange({ ...draft, taxRates: draft.taxRates.map((t, j) => (j === i ? { ...t, ...patch } : t)) });
  return (
    <Card title="Tax" description="Computed at checkout on the items (not on shipping), rounded per line to your currency.">
      <div className="space-y-5">
        <fieldset className="min-w-0">
          <legend className="text-sm font-medium text-gray-800">Your prices</legend>
          <div className="mt-2 grid gap-3 sm:grid-cols-2">
            {([[false, "Exclude tax", "Tax is added on top at checkout."], [true, "Include tax", "The price is what buyers pay; the tax part is shown."]] as const).map(([value, label, text]) => (
              <label key={label} className="flex cursor-pointer gap-3 rounded-lg border border-gray-200 p-4 has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50/40">
                <input type="radio" name="pricesIncludeTax" checked={draft.pricesIncludeTax === value} onChange={() => onChange({ ...draft, pricesIncludeTax: value })} className="mt-0.5 h-4 w-4 accent-indigo-600" />
                <span>
                  <span className="block text-sm font-medium text-gray-900">{label}</span>
                  <span className="mt-0.5 block text-xs text-gray-600">{text}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="space-y-3">
          <p className="text-sm text-gray-700">Rates by country. A category rate wins over the country's rate; a country without a rate pays no tax.</p>
          {draft.taxRates.map((t, i) => (
            <div key={i} className="grid grid-cols-2 items-start gap-2 sm:grid-cols-[2fr_2fr_1fr_auto]" data-testid="tax-rate">
              <DraftSelect path={`taxRates.${i}.country`} label="Country" value={t.country} onChange={(country) => setRate(i, { country })} options={countries} errors={errors} />
              <DraftInput path={`taxRates.${i}.category`} label="Category (optional)" value={t.category} onChange={(category) => setRate(i, { category })} errors={errors} placeholder="All items" />
              <DraftInput path={`taxRates.${i}.rateBps`} label="Rate" value={t.percent} onChange={(percent) => setRate(i, { percent })} errors={errors} inputMode="decimal" addon={<span className="text-sm text-gray-500">%</span>} />
              <Button type="button" variant="secondary" size="sm" className="mt-6 justify-self-start" onClick={() => onChange({ ...draft, taxRates: draft.taxRates.filter((_, j) => j !== i) })} aria-label={`Remove tax rate ${i + 1}`}>×</Button>
            </div>
          ))}
          {categories.length ? <p className="text-xs text-gray-600">Your categories: {categories.join(", ")}</p> : null}
          <PathErrors path="taxRates" errors={errors} />
          <Button type="button" variant="secondary" size="sm" onClick={() => onChange({ ...draft, taxRates: [...draft.taxRates, { country: draft.zones[0]?.countries[0] ?? "US", category: "", percent: "" }] })}>Add tax rate</Button>
        </div>
      </div>
    </Card>
  );
}
