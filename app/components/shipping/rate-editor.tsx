/** One shipping method of a zone: flat, by weight band or by order-value band, free-over and the delivery estimate. */
import { Button } from "#app/components/ui/button.tsx";
import type { DraftErrors, RateDraft } from "./draft.ts";
import { DraftInput, DraftSelect, PathErrors } from "./inputs.tsx";

const KINDS = [
  { value: "flat", label: "Flat price" },
  { value: "weight", label: "By weight (bands)" },
  { value: "value", label: "By order value (bands)" },
] as const;

export function RateEditor({ rate, path, currency, errors, onChange, onRemove }: {
  rate: RateDraft; path: string; currency: string; errors: DraftErrors; onChange: (r: RateDraft) => void; onRemove: (() => void) | null;
}) {
  const set = (patch: Partial<RateDraft>) => onChange({ ...rate, ...patch });
  const cur = <span className="shrink-0 text-sm text-gray-500">{currency}</span>;
  const setBand = (i: number, patch: Partial<RateDraft["bands"][number]>) => set({ bands: rate.bands.map((b, j) => (j === i ? { ...b, ...patch } : b)) });
  return (
    <fieldset className="min-w-0 space-y-4 rounded-lg border border-gray-200 p-4" data-testid="rate-editor">
      <legend className="px-1 text-sm font-medium text-gray-700">Method</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <DraftInput path={`${path}.name`} label="Name buyers see" value={rate.name} onChange={(name) => set({ name })} errors={errors} placeholder="Standard" />
        <DraftSelect path={`${path}.kind`} label="Price" value={rate.kind} onChange={(kind) => set({ kind })} options={KINDS} errors={errors} />
      </div>
      {rate.kind === "flat" ? (
        <DraftInput path={`${path}.amount`} label="Shipping price" value={rate.amount} onChange={(amount) => set({ amount })} errors={errors} inputMode="decimal" placeholder="4.90" addon={cur} className="sm:max-w-xs" />
      ) : (
        <div className="space-y-3">
          <p className="text-xs text-gray-600">
            {rate.kind === "weight" ? "Each band covers parcels above the previous band's limit, up to its own (whole grams)." : "Each band covers item subtotals above the previous band's limit, up to its own."}
            {" "}Above the last band this method is not offered.
          </p>
          {rate.bands.map((b, i) => (
            <div key={i} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2" data-testid="rate-band">
              <DraftInput
                path={`${path}.bands.${i}.upTo`} label={rate.kind === "weight" ? "Up to (g)" : `Up to (${currency})`} value={b.upTo}
                onChange={(upTo) => setBand(i, { upTo })} errors={errors} inputMode={rate.kind === "weight" ? "numeric" : "decimal"}
              />
              <DraftInput path={`${path}.bands.${i}.amount`} label={`Price (${currency})`} value={b.amount} onChange={(amount) => setBand(i, { amount })} errors={errors} inputMode="decimal" />
              <Button type="button" variant="secondary" size="sm" className="mt-6" disabled={rate.bands.length < 2} onClick={() => set({ bands: rate.bands.filter((_, j) => j !== i) })} aria-label={`Remove band ${i + 1}`}>×</Button>
            </div>
          ))}
          <PathErrors path={`${path}.bands`} errors={errors} />
          <Button type="button" variant="secondary" size="sm" onClick={() => set({ bands: [...rate.bands, { upTo: "", amount: "" }] })}>Add band</Button>
        </div>
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        <DraftInput path={`${path}.freeOver`} label="Free over (optional)" value={rate.freeOver} onChange={(freeOver) => set({ freeOver })} errors={errors} inputMode="decimal" addon={cur} help="Item subtotal from which this method is free." />
        <DraftInput path={`${path}.minDays`} label="Delivery from (days)" value={rate.minDays} onChange={(minDays) => set({ minDays })} errors={errors} inputMode="numeric" />
        <DraftInput path={`${path}.maxDays`} label="to (days)" value={rate.maxDays} onChange={(maxDays) => set({ maxDays })} errors={errors} inputMode="numeric" />
      </div>
      {onRemove ? <Button type="button" variant="secondary" size="sm" onClick={onRemove}>Remove method</Button> : null}
    </fieldset>
  );
}
