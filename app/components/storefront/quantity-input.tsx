import { MinusIcon, PlusIcon } from "./icons.tsx";
import { lineLimit } from "./cart.ts";

/**
 * A −/+ stepper around a number input, clamped to 1…max (the item's stock, or the cart's per-line cap when
 * stock is unlimited). `name` makes it submit with a plain form when JavaScript has not loaded yet.
 */
export function QuantityInput({
  id,
  label,
  value,
  maxQuantity,
  onChange,
  name,
  disabled,
  size = "md",
}: {
  id: string;
  label: string;
  value: number;
  maxQuantity: number | null;
  onChange: (next: number) => void;
  name?: string;
  disabled?: boolean;
  size?: "sm" | "md";
}) {
  const max = Math.max(1, lineLimit(maxQuantity));
  const set = (n: number) => onChange(Math.max(1, Math.min(max, Number.isFinite(n) ? Math.trunc(n) : 1)));
  const button =
    "grid place-items-center rounded-full text-gray-900 hover:bg-gray-100 disabled:cursor-not-allowed disabled:opacity-40 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-gray-900";
  const dim = size === "sm" ? "size-8" : "size-10";
  const what = label.charAt(0).toLowerCase() + label.slice(1);
  return (
    <div className="inline-flex items-center gap-1 rounded-full border border-gray-300 bg-white p-1">
      <button type="button" className={`${button} ${dim}`} onClick={() => set(value - 1)} disabled={disabled || value <= 1} aria-label={`Decrease ${what}`} aria-controls={id}>
        <MinusIcon />
      </button>
      <label htmlFor={id} className="sr-only">{label}</label>
      <input
        id={id}
        name={name}
        type="number"
        inputMode="numeric"
        min={1}
        max={max}
        step={1}
        value={value}
        disabled={disabled}
        onChange={(e) => set(e.currentTarget.valueAsNumber)}
        className={`${size === "sm" ? "w-9 text-sm" : "w-11"} appearance-none bg-transparent text-center font-semibold text-gray-900 [appearance:textfield] focus:outline-none focus-visible:rounded focus-visible:outline-2 focus-visible:outline-gray-900 [&::-webkit-inner-spin-button]:appearance-none [&::-webkit-outer-spin-button]:appearance-none`}
      />
      <button type="button" className={`${button} ${dim}`} onClick={() => set(value + 1)} disabled={disabled || value >= max} aria-label={`Increase ${what}`} aria-controls={id}>
        <PlusIcon />
      </button>
    </div>
  );
}
