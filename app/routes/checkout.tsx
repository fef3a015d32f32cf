import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigate, useNavigation, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { getFormProps, getInputProps, useForm, type FieldMetadata } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { z } from "zod";
// policy.ts is free of server-only imports, so the rail enum can validate in the browser too.
import { PAYMENT_RAILS } from "#server/tenancy/shared.ts";
import { useCartLines, writeCart, type CartLine } from "#app/components/storefront/cart.ts";
import { ArrowIcon, ShieldIcon } from "#app/components/storefront/icons.tsx";
import { ItemImage } from "#app/components/storefront/item-image.tsx";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { ShopLayout } from "#app/components/storefront/shop-layout.tsx";
import { useShop } from "#app/components/storefront/shop.ts";
import { focusRing, primaryButton, textLink } from "#app/components/storefront/styles.ts";
import { requireShop } from "#app/utils/storefront.server.ts";
import { parseCart, placeOrder, quoteCart, type CheckoutQuote } from "./checkout.server.ts";

const text = (missing: string, max: number) => z.string({ error: missing }).trim().max(max, `Use at most ${max} characters.`);
const optionalText = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`).optional();

const shippingFieldsSchema = z.object({
  name: text("Enter the recipient’s name.", 120),
  line1: text("Enter the street address.", 200),
  line2: optionalText(200),
  city: text("Enter the city.", 100),
  region: optionalText(100),
  postalCode: text("Enter the postal code.", 20),
  country: z.string({ error: "Enter the country code." }).trim().regex(/^[A-Za-z]{2}$/, "Use the two-letter country code, like US or DE."),
});

/**
 * The form as typed (shared by browser and server). The money core validates the same body again and enforces
 * the PAY-3 acknowledgement itself, so that error always comes from the server.
 */
const checkoutFormSchema = (needsShipping: boolean) =>
  z.object({
    cart: z.string({ error: "Your cart is empty." }),
    idempotencyKey: z.string({ error: "This page is out of date. Reload it and try again." }),
    email: z.email({ error: (iss) => (iss.input === undefined ? "Enter your email address." : "Enter a valid email address, like you@example.com.") }).max(254),
    rail: z.enum(PAYMENT_RAILS, { error: "Choose how you’d like to pay." }),
    acknowledgeNoEscrow: z.boolean().default(false),
    // Optional, not bare z.undefined(): conform's zod adapter wraps a missing field as non-optional, so a digital
    // cart's absent address would fail validation on a field the page never renders (issue 21).
    shippingAddress: needsShipping ? shippingFieldsSchema : z.undefined().optional(),
  });

export const meta: MetaFunction = (args) => shopMeta(args, { title: "Checkout", noindex: true });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const tenant = requireShop(context);
  // The cart is in the buyer's browser: the page puts its lines in ?cart= and the server prices them.
  const cartParam = new URL(request.url).searchParams.get("cart");
  const cart = cartParam === null ? null : parseCart(cartParam);
  return { cartParam, unreadable: cartParam !== null && cart === null, quote: cart ? await quoteCart(context, tenant, cart) : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const tenant = requireShop(context);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: checkoutFormSchema(formData.get("needsShipping") === "on") });
  if (submission.status !== "success") return json({ result: submission.reply(), orderPath: null }, { status: 400 });
  const { body, status } = await placeOrder(context, tenant, submission, submission.value);
  return json(body, { status });
}

// Once the order exists the page only clears the cart and leaves: re-pricing the cart would be wasted work.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as { orderPath?: string | null } | undefined)?.orderPath ? false : defaultShouldRevalidate;

const encodeCart = (lines: CartLine[]) => lines.map((l) => `${l.itemId}:${l.quantity}`).join(",");

/** One key per checkout attempt (page visit): a double submit or a retry after a lost answer places one order. */
const subscribeNothing = () => () => {};

function newAttemptKey() {
  // getRandomValues, not randomUUID: the latter is missing on plain-http shop hosts (not a secure context).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `checkout-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export default function CheckoutPage() {
  const { cartParam, unreadable, quote } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const shop = useShop();
  const lines = useCartLines();
  const [, setSearchParams] = useSearchParams();
  const navigate = useNavigate();
  const encoded = lines ? encodeCart(lines) : null;
  const orderPath = actionData?.orderPath ?? null;

  useEffect(() => {
    if (encoded && encoded !== cartParam && !orderPath) setSearchParams({ cart: encoded }, { replace: true, preventScrollReset: true });
  }, [encoded, cartParam, orderPath, setSearchParams]);
  // Only once the submission has settled: navigating while its revalidation is in flight aborts that fetch.
  const settled = useNavigation().state === "idle";
  useEffect(() => {
    if (!orderPath || !settled) return;
    writeCart([]);
    navigate(orderPath, { replace: true });
  }, [orderPath, settled, navigate]);

  if (!shop) return null;
  let body: ReactNode;
  if (orderPath) body = <p role="status" className="mt-8 text-gray-700">Order placed — opening your order…</p>;
  else if (lines === null) body = <p className="mt-8 text-gray-700">Checking your cart…</p>;
  else if (lines.length === 0) body = <EmptyCart />;
  else if (unreadable && encoded === cartParam) body = <Problems problems={["Your cart could not be read. Review it and try again."]} />;
  else if (!quote) body = <p className="mt-8 text-gray-700">Checking your cart…</p>;
  else body = <CheckoutForm quote={quote} cartParam={cartParam ?? ""} stale={encoded !== cartParam} />;
  return (
    <ShopLayout shop={shop}>
      <div className="mx-auto max-w-6xl px-4 pt-8 sm:pt-12">
        <h1 className="text-3xl font-extrabold tracking-tight text-gray-900 sm:text-4xl">Checkout</h1>
        {body}
      </div>
    </ShopLayout>
  );
}

function EmptyCart() {
  return (
    <div className="mt-8 rounded-3xl border border-dashed border-gray-300 bg-gray-50 px-6 py-16 text-center">
      <p className="text-lg font-semibold text-gray-900">Your cart is empty.</p>
      <Link to="/" className={`mt-6 ${primaryButton}`}>Browse the shop</Link>
    </div>
  );
}

function Problems({ problems }: { problems: string[] }) {
  return (
    <div role="alert" className="mt-6 rounded-2xl bg-amber-50 px-4 py-3 text-amber-950 ring-1 ring-amber-200">
      {problems.map((p) => <p key={p} className="font-medium">{p}</p>)}
      <Link to="/cart" className={`mt-2 inline-block text-sm ${textLink}`}>Review your cart</Link>
    </div>
  );
}

function CheckoutForm({ quote, cartParam, stale }: { quote: CheckoutQuote; cartParam: string; stale: boolean }) {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formMethod === "POST";
  // The key is random, so the server cannot render it: it appears once the page is hydrated (the button waits for it).
  const [clientKey] = useState(newAttemptKey);
  const attemptKey = useSyncExternalStore(subscribeNothing, () => clientKey, () => null);
  const [form, fields] = useForm({
    id: "checkout",
    lastResult: actionData?.result,
    defaultValue: { rail: quote.defaultRail ?? undefined },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: checkoutFormSchema(formData.get("needsShipping") === "on") }),
  });
  const rail = quote.rails.find((r) => r.rail === fields.rail.value) ?? null;
  const needsAck = quote.strictDisclosure && rail !== null && rail.rail !== "escrow";
  const address = fields.shippingAddress.getFieldset();
  const blocked = quote.problems.length > 0 || quote.rails.length === 0;
  return (
    <>
      {quote.problems.length ? <Problems problems={quote.problems} /> : null}
      {/* minmax(0, …): a grid track never grows past the screen for a long unbreakable line (phone overflow). */}
      <div className="mt-6 grid grid-cols-[minmax(0,1fr)] gap-8 lg:grid-cols-[minmax(0,1fr)_24rem] lg:items-start">
        <Form method="post" {...getFormProps(form)} className="min-w-0 space-y-8">
          <input type="hidden" name="cart" value={cartParam} />
          <input type="hidden" name="idempotencyKey" value={attemptKey ?? ""} />
          {quote.requiresShipping ? <input type="hidden" name="needsShipping" value="on" /> : null}

          <Section title="Contact" id="contact-heading">
            <TextField meta={fields.email} label="Email" type="email" autoComplete="email" help="Your order link and updates go here." />
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
                <TextField meta={address.country} label="Country code" autoComplete="shipping country" maxLength={2} help="Two letters, like US or DE." />
              </div>
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

/** The fields this page renders an input (and so an inline error) for. */
function shownFields(requiresShipping: boolean, needsAck: boolean) {
  return (name: string) =>
    name === "email" || name === "rail" || (needsAck && name === "acknowledgeNoEscrow") || (requiresShipping && name.startsWith("shippingAddress."));
}

/** Form-level errors plus every error whose field has no input on the page: none of them may go unseen. */
function unshownErrors(formErrors: string[] | undefined, all: Record<string, string[]>, shown: (name: string) => boolean) {
  const hidden = Object.entries(all).flatMap(([name, errors]) => (name === "" || shown(name) ? [] : errors));
  return [...new Set([...(formErrors ?? []), ...hidden])];
}

/**
 * Errors the buyer could not otherwise see, above the button, with focus moved to them: a submit that seems to do
 * nothing is never acceptable.
 */
function ErrorSummary({ id, errors }: { id: string; errors: string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const key = errors.join("\n");
  useEffect(() => {
    if (key) ref.current?.focus();
  }, [key]);
  if (!errors.length) return null;
  return (
    <div ref={ref} id={id} tabIndex={-1} role="alert" data-testid="checkout-errors" className="rounded-2xl bg-red-50 px-4 py-3 font-medium text-red-900 ring-1 ring-red-200 focus:outline-none focus:ring-2 focus:ring-red-500">
      <p className="font-bold">We couldn’t place your order:</p>
      <ul className="mt-1 list-disc pl-5">
        {errors.map((e) => <li key={e}>{e}</li>)}
      </ul>
    </div>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="text-xl font-bold text-gray-900">{title}</h2>
      <div className="mt-4">{children}</div>
    </section>
  );
}

type Meta = FieldMetadata<unknown, Record<string, unknown>, string[]>;

function FieldError({ meta }: { meta: Meta }) {
  if (!meta.errors?.length) return null;
  return (
    <p id={meta.errorId} className="mt-1.5 text-sm font-medium text-red-700">
      {meta.errors.join(" ")}
    </p>
  );
}

const inputClass =
  "mt-1.5 block w-full rounded-xl border-0 bg-white px-3.5 py-2.5 text-gray-900 shadow-sm ring-1 ring-inset ring-gray-300 placeholder:text-gray-500 focus:outline-none focus:ring-2 focus:ring-inset focus:ring-gray-900 aria-[invalid=true]:ring-red-500";

function TextField({ meta, label, type = "text", autoComplete, optional, help, maxLength, className = "" }: {
  meta: Meta; label: string; type?: "text" | "email"; autoComplete: string; optional?: boolean; help?: string; maxLength?: number; className?: string;
}) {
  const { key, ...props } = getInputProps(meta, { type, ariaDescribedBy: help ? meta.descriptionId : undefined });
  return (
    <div className={className}>
      <label htmlFor={meta.id} className="block text-sm font-semibold text-gray-900">
        {label}
        {optional ? <span className="font-normal text-gray-600"> (optional)</span> : null}
      </label>
      <input key={key} {...props} autoComplete={autoComplete} maxLength={maxLength} className={inputClass} />
      {help ? <p id={meta.descriptionId} className="mt-1 text-sm text-gray-600">{help}</p> : null}
      <FieldError meta={meta} />
    </div>
  );
}

/** The rails this cart may use (PAY-2), each with its PAY-3 disclosure; why escrow is the only one when it is. */
function RailChoice({ quote, meta }: { quote: CheckoutQuote; meta: Meta }) {
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
                <span id={`${id}-name`} className="block font-semibold text-gray-900">{r.name}</span>
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

function OrderSummary({ quote, rail }: { quote: CheckoutQuote; rail: CheckoutQuote["rails"][number] | null }) {
  return (
    <section aria-labelledby="summary-heading" className="min-w-0 rounded-3xl bg-gray-50 p-6 ring-1 ring-gray-200 lg:sticky lg:top-24">
      <h2 id="summary-heading" className="text-lg font-bold text-gray-900">Order summary</h2>
      <ul role="list" className="mt-4 divide-y divide-gray-200">
        {quote.lines.map((l) => (
          <li key={l.itemId} className="flex items-center gap-3 py-3" data-testid="checkout-line">
            <div className="w-14 shrink-0">
              <ItemImage id={l.itemId} title={l.title} image={l.image} size="sm" decorative />
            </div>
            <div className="min-w-0 flex-1">
              <p className="truncate font-semibold text-gray-900">{l.title}</p>
              <p className="text-sm text-gray-600">{l.quantity} × {l.unitPriceLabel}</p>
            </div>
            <p className="shrink-0 font-semibold text-gray-900">{l.lineTotalLabel}</p>
          </li>
        ))}
      </ul>
      <dl className="mt-2 border-t border-gray-200 pt-3">
        <div className="flex justify-between text-lg font-bold text-gray-900">
          <dt>Total</dt>
          <dd data-testid="checkout-total">{quote.totalLabel}</dd>
        </div>
      </dl>
      {rail ? (
        <p data-testid="protection-label" className={`mt-4 flex items-center gap-2 text-sm font-semibold ${rail.rail === "escrow" ? "text-emerald-800" : "text-gray-800"}`}>
          {rail.rail === "escrow" ? <ShieldIcon className="size-4" /> : null}
          {rail.protection}
        </p>
      ) : null}
      <Link to="/cart" className={`mt-4 inline-flex items-center gap-2 text-sm ${textLink} ${focusRing}`}>
        <ArrowIcon back /> Edit cart
      </Link>
    </section>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary } from "#app/components/storefront/error-page.tsx";
