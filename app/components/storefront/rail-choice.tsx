import type { CheckoutQuote } from "#app/routes/checkout.server.ts";
import { FieldError, type Meta } from "./checkout-fields.tsx";
import { ShieldIcon } from "./icons.tsx";

/** The rails this cart may use (PAY-2), each with its PAY-3 disclosure; why escrow is the only one when it is. */
export function RailChoice({ quote, meta }: { quote: CheckoutQuote; meta: Meta }) {
  if (quote.rails.length === 0) {
    return <p role="alert" className="rounded-2xl bg-gray-100 px-4 py-3 text-gray-800">This shop can’t take payment for this cart right now. Please try again later.</p>;
  }
  return (
    <fieldset aria-describedby={meta.errors?.length ? meta.errorId : undefined}>
      <legend className="sr-only">Payment method</legend>
      {quote.escrowOnlyBecause ? (
        <p data-testid="escrow-required" className="mb-3 flex gap-2 rounded-2xl bg-emerald-50 px-4 py-3 text-sm text-emerald-950 ring-1 ring-emerald-200">
          <ShieldIcon className="mt-0.5 size-4" /> {quote.escrowOnlyBecause}
        </p>
      ) : null}
      <div className="grid gap-3">
        {quote.rails.map((r) => {
          const id = `rail-${r.rail}`;
          return (
            <label key={r.rail} htmlFor={id} className="flex cursor-pointer gap-3 rounded-2xl p-4 ring-1 ring-gray-300 has-[:checked]:bg-gray-50 has-[:checked]:ring-2 has-[:checked]:ring-gray-900">
              <input
                type="radio"
                id={id}
                name={meta.name}
                value={r.rail}
                defaultChecked={meta.initialValue === r.rail}
                aria-labelledby={`${id}-name`}
                aria-describedby={`${id}-text`}
                aria-invalid={meta.errors?.length ? true : undefined}
                className="mt-1 size-4 shrink-0 accent-gray-900"
              />
              <span className="min-w-0">
                <span id={`${id}-name`} className="block font-semibold text-gray-900">
                  {r.name}
                  {r.testMode ? <span data-testid="test-mode-badge" className="ml-2 rounded bg-amber-200 px-1.5 py-0.5 text-xs font-bold uppercase text-amber-950">Test mode — no real charge</span> : null}
                </span>
                <span id={`${id}-text`} className="block text-sm text-gray-700">
                  <span className={`mt-1 inline-flex items-center gap-1.5 font-semibold ${r.rail === "escrow" ? "text-emerald-800" : "text-gray-900"}`}>
                    {r.rail === "escrow" ? <ShieldIcon className="size-4" /> : null}
                    {r.protection}
                  </span>
                  <span className="block">{r.text}</span>
                </span>
              </span>
            </label>
          );
        })}
      </div>
      <FieldError meta={meta} />
    </fieldset>
  );
}
