import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigate, useNavigation, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { useEffect, type ReactNode } from "react";
import { useCartLines, writeCart, type CartLine } from "#app/components/storefront/cart.ts";
import { CheckoutForm, EmptyCart, Problems } from "#app/components/storefront/checkout-form.tsx";
import { checkoutFormSchema } from "#app/components/storefront/checkout-schema.ts";
import { shopMeta } from "#app/components/storefront/seo.ts";
import { ShopLayout } from "#app/components/storefront/shop-layout.tsx";
import { useShop } from "#app/components/storefront/shop.ts";
import { requireShop } from "#app/utils/storefront.server.ts";
import { countryParam, parseCart, placeOrder, quoteCart } from "./checkout.server.ts";

export const meta: MetaFunction = (args) => shopMeta(args, { title: "Checkout", noindex: true });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const tenant = requireShop(context);
  // The cart is in the buyer's browser: the page puts its lines in ?cart= and the server prices them.
  const params = new URL(request.url).searchParams;
  const cartParam = params.get("cart");
  const cart = cartParam === null ? null : parseCart(cartParam);
  // The buyer's country and shipping method (ADR 035) re-price the summary; the order is priced again on submit.
  const where = { country: countryParam(params.get("country")), method: params.get("method")?.slice(0, 40) ?? null };
  return { cartParam, unreadable: cartParam !== null && cart === null, quote: cart ? await quoteCart(context, tenant, cart, where) : null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const tenant = requireShop(context);
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: checkoutFormSchema(formData.get("needsShipping") === "on") });
  if (submission.status !== "success") return json({ result: submission.reply(), orderPath: null, redirectUrl: null }, { status: 400 });
  // A card payment returns to the order page on the host the buyer is on.
  const { body, status } = await placeOrder(context, tenant, submission, submission.value, new URL(request.url).origin, request.headers.get("cookie"));
  return json(body, { status });
}

// Once the order exists the page only clears the cart and leaves: re-pricing the cart would be wasted work.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  (actionResult as { orderPath?: string | null } | undefined)?.orderPath ? false : defaultShouldRevalidate;

const encodeCart = (lines: CartLine[]) => lines.map((l) => `${l.itemId}:${l.quantity}`).join(",");

export default function CheckoutPage() {
  const { cartParam, unreadable, quote } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const shop = useShop();
  const lines = useCartLines();
  const [, setSearchParams] = useSearchParams();
  const navigate = useNavigate();
  const encoded = lines ? encodeCart(lines) : null;
  const orderPath = actionData?.orderPath ?? null;
  const redirectUrl = actionData?.redirectUrl ?? null;

  useEffect(() => {
    if (encoded && encoded !== cartParam && !orderPath) {
      setSearchParams((prev) => { prev.set("cart", encoded); return prev; }, { replace: true, preventScrollReset: true });
    }
  }, [encoded, cartParam, orderPath, setSearchParams]);
  // Only once the submission has settled: navigating while its revalidation is in flight aborts that fetch.
  const settled = useNavigation().state === "idle";
  useEffect(() => {
    if (!orderPath || !settled) return;
    writeCart([]);
    // Card orders: on to Stripe's hosted page (it sends the buyer back to the order page when done).
    if (redirectUrl) window.location.assign(redirectUrl);
    else navigate(orderPath, { replace: true });
  }, [orderPath, redirectUrl, settled, navigate]);

  if (!shop) return null;
  let body: ReactNode;
  if (orderPath) body = <p role="status" className="mt-8 text-gray-700">{redirectUrl ? "Order placed — opening the card payment page…" : "Order placed — opening your order…"}</p>;
  else if (lines === null) body = <p className="mt-8 text-gray-700">Checking your cart…</p>;
  else if (lines.length === 0) body = <EmptyCart />;
  else if (unreadable && encoded === cartParam) body = <Problems problems={["Your cart could not be read. Review it and try again."]} />;
  else if (!quote) body = <p className="mt-8 text-gray-700">Checking your cart…</p>;
  else body = <CheckoutForm quote={quote} cartParam={cartParam ?? ""} stale={encoded !== cartParam} lastResult={actionData?.result} />;
  return (
    <ShopLayout shop={shop}>
      <div className="mx-auto max-w-6xl px-4 pt-8 sm:pt-12">
        <h1 className="text-3xl font-extrabold tracking-tight text-gray-900 sm:text-4xl">Checkout</h1>
        {body}
      </div>
    </ShopLayout>
  );
}

export { StorefrontErrorBoundary as ErrorBoundary } from "#app/components/storefront/error-page.tsx";
