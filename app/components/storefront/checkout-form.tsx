/** The checkout page's form (contact, shipping, payment) beside the order summary, and its empty and problem states. */
import { Form, Link, useNavigation, useRouteLoaderData } from "@remix-run/react";
import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { useState, useSyncExternalStore } from "react";
import type { CheckoutQuote } from "#app/routes/checkout.server.ts";
import { checkoutFormSchema } from "./checkout-schema.ts";
import { ErrorSummary, FieldError, Section, shownFields, TextField, unshownErrors } from "./checkout-fields.tsx";
import { OrderSummary } from "./checkout-summary.tsx";
import { ArrowIcon } from "./icons.tsx";
import { RailChoice } from "./rail-choice.tsx";
import { CountryPicker, ShippingMethods } from "./shipping-choice.tsx";
import { primaryButton, textLink } from "./styles.ts";

/** One key per checkout attempt (page visit): a double submit or a retry after a lost answer places one order. */
const subscribeNothing = () => () => {};

function newAttemptKey() {
  // getRandomValues, not randomUUID: the latter is missing on plain-http shop hosts (not a secure context).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `checkout-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function EmptyCart() {
  return (
    <div className="mt-8 rounded-3xl border border-dashed border-gray-300 bg-gray-50 px-6 py-16 text-center">
      <p className="text-lg font-semibold text-gray-900">Your cart is empty.</p>
      <Link to="/" className={`mt-6 ${primaryButton}`}>Browse the shop</Link>
    </div>
  );
}

export function Problems({ problems }: { problems: string[] }) {
  return (
    <div role="alert" className="mt-6 rounded-2xl bg-amber-50 px-4 py-3 text-amber-950 ring-1 ring-amber-200">
      {problems.map((p) => <p key={p} className="font-medium">{p}</p>)}
      <Link to="/cart" className={`mt-2 inline-block text-sm ${textLink}`}>Review your cart</Link>
    </div>
  );
}

export function CheckoutForm({ quote, cartParam, stale, lastResult }: {
  quote: CheckoutQuote; cartParam: string; stale: boolean; lastResult: SubmissionResult<string[]> | undefined;
}) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formMethod === "POST";
  const pageLang = useRouteLoaderData<{ lang?: string }>("root")?.lang;
  const lang = pageLang?.toLowerCase().startsWith("fa") ? "fa" : "en";
  // The key is random, so the server cannot render it: it appears once the page is hydrated (the button waits for it).
  const [clientKey] = useState(newAttemptKey);
  const attemptKey = useSyncExternalStore(subscribeNothing, () => clientKey, () => null);
  const [form, fields] = useForm({
    id: "checkout",
    lastResult,
    defaultValue: { rail: quote.defaultRail ?? undefined },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: checkoutFormSchema(formData.get("needsShipping") === "on") }),
  });
  const rail = quote.rails.find((r) => r.rail === fields.rail.value) ?? null;
  const needsAck = quote.strictDisclosure && rail !== null && rail.rail !== "escrow";
  const address = fields.shippingAddress.getFieldset();
  const blocked = quote.problems.length > 0 || quote.rails.length === 0 || (quote.requiresShipping && quote.shipping?.shipsToCountry === false);
  return (
    <>
      {quote.problems.length ? <Problems problems={quote.problems} /> : null}
      {/* minmax(0, …): a grid track never grows past the screen for a long unbreakable line (phone overflow). */}
      <div className="mt-6 grid grid-cols-[minmax(0,1fr)] gap-8 lg:grid-cols-[minmax(0,1fr)_24rem] lg:items-start">
        <Form method="post" {...getFormProps(form)} className="min-w-0 space-y-8">
          <input type="hidden" name="cart" value={cartParam} />
          <input type="hidden" name="idempotencyKey" value={attemptKey ?? ""} />
          {/* The page's language: mail about the order is written in it (ADR 029). */}
          <input type="hidden" name="locale" value={pageLang ?? ""} />
          {quote.requiresShipping ? <input type="hidden" name="needsShipping" value="on" /> : null}

          <Section title="Contact" id="contact-heading">
            <TextField meta={fields.email} label="Email" type="email" autoComplete="email" help="Your order link and updates go here." />
            {/* G14-4: marketing consent, unticked by default; opt out any time by the mail's link or /unsubscribe. */}
            <label className="mt-3 flex items-start gap-3 text-sm text-gray-700">
              <input {...getInputProps(fields.marketingOptIn, { type: "checkbox" })} key={fields.marketingOptIn.key} className="mt-0.5 size-4 shrink-0 accent-gray-900" />
              <span>Send me news and offers from this shop. You can unsubscribe at any time.</span>
            </label>
          </Section>

          {quote.requiresShipping ? (
            <Section title="Shipping address" id="shipping-heading">
              <div className="grid gap-4 sm:grid-cols-2">
                <TextField meta={address.name} label="Full name" autoComplete="shipping name" className="sm:col-span-2" />
                <TextField meta={address.line1} label="Street address" autoComplete="shipping address-line1" className="sm:col-span-2" />
                <TextField meta={address.line2} label="Apartment, suite, etc." optional autoComplete="shipping address-line2" className="sm:col-span-2" />
                <TextField meta={address.city} label="City" autoComplete="shipping address-level2" />
                <TextField meta={address.region} label="State / region" optional autoComplete="shipping address-level1" />
                <TextField meta={address.postalCode} label="Postal code" autoComplete="shipping postal-code" />
                {quote.shipping ? (
                  <CountryPicker shipping={quote.shipping} lang={lang} name={address.country.name} id={address.country.id} meta={address.country} />
                ) : null}
              </div>
              {quote.shipping ? <ShippingMethods shipping={quote.shipping} lang={lang} meta={fields.shippingMethodId} /> : null}
            </Section>
          ) : quote.shipping?.hasTaxRates ? (
            <Section title="Your country" id="country-heading">
              <CountryPicker shipping={quote.shipping} lang={lang} name="country" id="checkout-country" label="Country (for tax)" />
            </Section>
          ) : null}

          <Section title="Payment" id="payment-heading">
            <RailChoice quote={quote} meta={fields.rail} />
            {rail && needsAck ? (
              <div className="mt-4 rounded-2xl bg-amber-50 p-4 ring-1 ring-amber-200">
                <div className="flex gap-3">
                  <input
                    {...getInputProps(fields.acknowledgeNoEscrow, { type: "checkbox" })}
                    key={fields.acknowledgeNoEscrow.key}
                    aria-required="true"
                    className="mt-1 size-4 shrink-0 accent-gray-900"
                  />
                  <label htmlFor={fields.acknowledgeNoEscrow.id} className="text-sm text-amber-950">
                    <span className="font-semibold">I understand this payment has no escrow protection.</span> The money goes to the shop
                    when I pay, and the platform cannot hold it back if something goes wrong. <span className="text-amber-900">(Required)</span>
                  </label>
                </div>
                <FieldError meta={fields.acknowledgeNoEscrow} />
              </div>
            ) : null}
          </Section>

          <div className="space-y-3 border-t border-gray-200 pt-6">
            <ErrorSummary id={form.errorId} errors={unshownErrors(form.errors, form.allErrors, shownFields(quote.requiresShipping, needsAck))} />
            <button type="submit" disabled={!attemptKey || stale || blocked || busy} className={`w-full sm:w-auto ${primaryButton}`}>
              {busy ? "Placing your order…" : `Place order · ${quote.totalLabel}`} <ArrowIcon />
            </button>
            <p className="text-sm text-gray-600">Prices and availability are confirmed by the shop when you place the order.</p>
          </div>
        </Form>
        <OrderSummary quote={quote} rail={rail} />
      </div>
    </>
  );
}
