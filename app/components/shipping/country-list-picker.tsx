/**
 * A zone's countries: chips with their names and a select of the ISO 3166 countries to add one. A country already in
 * another zone is marked, since the API refuses a country in two zones. The names come from the loader
 * (countryOptions on the server): Chromium's and Node's CLDR names differ (HK, MO, PS, FK), and names computed again
 * in the browser broke hydration.
 */
import { useMemo } from "react";
import { inputClass } from "#app/components/ui/field.tsx";

export interface CountryOption { code: string; name: string }

export function CountryListPicker({ id, countries, elsewhere, options, onChange }: {
  id: string; countries: string[]; elsewhere: ReadonlyMap<string, string>; options: readonly CountryOption[]; onChange: (next: string[]) => void;
}) {
  const names = useMemo(() => new Map(options.map((o) => [o.code, o.name])), [options]);
  const countryName = (code: string) => names.get(code) ?? code;
  return (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-sm font-medium text-gray-800">Countries</label>
      {countries.length ? (
        <ul className="mt-2 flex flex-wrap gap-2" aria-label="Countries in this zone">
          {countries.map((c) => (
            <li key={c} className="flex items-center gap-1 rounded-full bg-indigo-50 py-1 pl-3 pr-1 text-sm text-indigo-900" data-testid="zone-country">
              <span data-testid="zone-country-name">{countryName(c)} <span className="text-xs text-indigo-700">{c}</span></span>
              <button
                type="button" onClick={() => onChange(countries.filter((x) => x !== c))} aria-label={`Remove ${countryName(c)}`}
                className="rounded-full px-2 text-indigo-700 hover:bg-indigo-100"
              >×</button>
            </li>
          ))}
        </ul>
      ) : <p className="mt-1 text-xs text-gray-600">No countries yet: add at least one.</p>}
      <select
        id={id} value="" className={`mt-2 ${inputClass}`}
        onChange={(e) => { if (e.target.value) onChange([...countries, e.target.value]); }}
      >
        <option value="">Add a country…</option>
        {options.filter((o) => !countries.includes(o.code)).map((o) => (
          <option key={o.code} value={o.code}>{o.name}{elsewhere.has(o.code) ? ` (in ${elsewhere.get(o.code)})` : ""}</option>
        ))}
      </select>
    </div>
  );
}
