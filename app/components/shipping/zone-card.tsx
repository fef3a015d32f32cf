/** A shipping zone: its name, its countries and its methods. */
import { Button } from "#app/components/ui/button.tsx";
import { Card } from "#app/components/ui/page.tsx";
import { CountryListPicker, type CountryOption } from "./country-list-picker.tsx";
import { emptyRate, type DraftErrors, type ZoneDraft } from "./draft.ts";
import { DraftInput, PathErrors } from "./inputs.tsx";
import { RateEditor } from "./rate-editor.tsx";

export function ZoneCard({ zone, index, currency, countryOptions, elsewhere, errors, onChange, onRemove }: {
  zone: ZoneDraft; index: number; currency: string; countryOptions: readonly CountryOption[]; elsewhere: ReadonlyMap<string, string>; errors: DraftErrors;
  onChange: (z: ZoneDraft) => void; onRemove: () => void;
}) {
  const path = `zones.${index}`;
  const set = (patch: Partial<ZoneDraft>) => onChange({ ...zone, ...patch });
  return (
    <Card title={zone.name || `Zone ${index + 1}`} description="Buyers in these countries see these methods at checkout.">
      <div className="space-y-5" data-testid="zone-card">
        <DraftInput path={`${path}.name`} label="Zone name" value={zone.name} onChange={(name) => set({ name })} errors={errors} placeholder="Europe" className="sm:max-w-sm" />
        <div>
          <CountryListPicker id={`shipping-${path.replace(".", "-")}-countries`} countries={zone.countries} elsewhere={elsewhere} options={countryOptions} onChange={(countries) => set({ countries })} />
          <PathErrors path={`${path}.countries`} errors={errors} />
        </div>
        <div className="space-y-4">
          {zone.rates.map((r, i) => (
            <RateEditor
              key={r.id} rate={r} path={`${path}.rates.${i}`} currency={currency} errors={errors}
              onChange={(next) => set({ rates: zone.rates.map((x, j) => (j === i ? next : x)) })}
              onRemove={zone.rates.length > 1 ? () => set({ rates: zone.rates.filter((_, j) => j !== i) }) : null}
            />
          ))}
          <PathErrors path={`${path}.rates`} errors={errors} />
        </div>
        <div className="flex flex-wrap gap-2">
          <Button type="button" variant="secondary" size="sm" onClick={() => set({ rates: [...zone.rates, emptyRate(zone.rates.map((r) => r.id))] })}>Add method</Button>
          <Button type="button" variant="secondary" size="sm" onClick={onRemove}>Remove zone</Button>
        </div>
        <PathErrors path={path} errors={errors} />
      </div>
    </Card>
  );
}
