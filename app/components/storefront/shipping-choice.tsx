/**
 * The checkout's country picker and shipping methods (ADR 035). Country names come from the loader (Intl.DisplayNames
 * in the page's language, on the server only); picking a country or a method re-prices the summary through the loader (?country=, ?method=).
 * The form sends the method's id only: the server prices it again when the order is placed.
 */
import { useSearchParams } from "@remix-run/react";
import { useState } from "react";
import type { CheckoutQuote } from "#app/routes/checkout.server.ts";
import { FieldError, type Meta } from "./checkout-fields.tsx";

type Shipping = NonNullable<CheckoutQuote["shipping"]>;

function useRequote() {
  const [, setSearchParams] = useSearchParams();
  return (changes: Record<string, string | null>) =>
    setSearchParams((prev) => {
      for (const [k, v] of Object.entries(changes)) if (v === null) prev.delete(k); else prev.set(k, v);
      return prev;
    }, { replace: true, preventScrollReset: true });
}

export function CountryPicker({ shipping, lang, name, id, meta, label = "Country" }: {
  shipping: Shipping; lang: string; name: string; id: string; meta?: Meta; label?: string;
}) {
  const requote = useRequote();
  const options = shipping.countries;
  const shipsTo = new Set(shipping.shipsTo);
  // The choice shows (and submits) at once; the loader's re-priced quote follows. Bound straight to the quote, a buyer
  // who picked a country and tapped "Place order" before the re-quote came back sent an empty country.
  const [country, setCountry] = useState(shipping.country ?? "");
  const [quoted, setQuoted] = useState(shipping.country);
  if (quoted !== shipping.country) {
    // A new quote (or a country the server normalised): show what the server priced.
    setQuoted(shipping.country);
    setCountry(shipping.country ?? "");
  }
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-semibold text-gray-900">{label}</label>
      <select
        id={id} name={name} value={country} autoComplete="shipping country" data-testid="country-picker"
        aria-invalid={meta?.errors?.length ? true : undefined} aria-describedby={meta?.errors?.length ? meta.errorId : undefined}
        onChange={(e) => {
          setCountry(e.target.value);
          requote({ country: e.target.value || null, method: null });
        }}
        className="mt-1.5 block w-full rounded-xl border-0 bg-white px-3.5 py-2.5 text-gray-900 shadow-sm ring-1 ring-inset ring-gray-300 focus:outline-none focus:ring-2 focus:ring-inset focus:ring-gray-900 aria-[invalid=true]:ring-red-500"
      >
        <option value="">—</option>
        {shipsTo.size ? (
          <optgroup label={lang === "fa" ? "ارسال می‌شود به" : "We ship to"}>
            {options.filter((o) => shipsTo.has(o.code)).map((o) => <option key={o.code} value={o.code}>{o.name}</option>)}
          </optgroup>
        ) : null}
        <optgroup label={lang === "fa" ? "همه کشورها" : "All countries"}>
          {options.filter((o) => !shipsTo.has(o.code)).map((o) => <option key={o.code} value={o.code}>{o.name}</option>)}
        </optgroup>
      </select>
      {meta ? <FieldError meta={meta} /> : null}
    </div>
  );
}

export function ShippingMethods({ shipping, meta }: { shipping: Shipping; lang?: string; meta: Meta }) {
  const requote = useRequote();
  if (!shipping.zonesConfigured) return null;
  if (!shipping.shipsToCountry) {
    return (
      <p role="alert" data-testid="shipping-unavailable" className="mt-4 rounded-2xl bg-amber-50 px-4 py-3 font-medium text-amber-950 ring-1 ring-amber-200">
        {shipping.country
          ? `This shop does not ship to ${shipping.countries.find((o) => o.code === shipping.country)?.name ?? shipping.country}. Choose another country to place the order.`
          : "Choose the country to see the shipping methods."}
      </p>
    );
  }
  return (
    <fieldset className="mt-6" aria-describedby={meta.errors?.length ? meta.errorId : undefined}>
      <legend className="text-sm font-semibold text-gray-900">Shipping method</legend>
      <div className="mt-2 space-y-2">
        {shipping.offers.map((o) => (
          <label key={o.id} className="flex cursor-pointer items-center gap-3 rounded-2xl bg-white p-4 ring-1 ring-gray-300 has-[:checked]:ring-2 has-[:checked]:ring-gray-900">
            <input
              type="radio" name="shippingMethodId" value={o.id} checked={shipping.methodId === o.id} data-testid={`shipping-method-${o.id}`}
              onChange={() => requote({ method: o.id })} className="size-4 accent-gray-900"
            />
            <span className="min-w-0 flex-1">
              <span className="block font-semibold text-gray-900">{o.name}</span>
              <span className="block text-sm text-gray-600">{o.minDays === o.maxDays ? `${o.maxDays}` : `${o.minDays}–${o.maxDays}`} business days</span>
            </span>
            <span className="shrink-0 font-semibold text-gray-900">{o.label}</span>
          </label>
        ))}
      </div>
      <FieldError meta={meta} />
    </fieldset>
  );
}
