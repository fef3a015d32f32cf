/** Money as text: the decimal string from the server, never a float (docs/money.md "Amounts"). */
import { formatPrice } from "#app/components/storefront/money.ts";

/** "-40" USD → "−$40.00"; the sign stays outside the currency symbol. */
export function formatSignedPrice(amount: string, currency: string) {
  return amount.startsWith("-") ? `−${formatPrice(amount.slice(1), currency)}` : formatPrice(amount, currency);
}

export function Amount({ value, currency, className = "" }: { value: string; currency: string; className?: string }) {
  return <span className={`whitespace-nowrap tabular-nums ${className}`}>{formatSignedPrice(value, currency)}</span>;
}
