import type { FieldMetadata } from "@conform-to/react";
import { TextField } from "#app/components/ui/field.tsx";

/** A #rrggbb text field with a colour picker beside it; the picker writes into the text field. */
export function ColorField({ meta, label, value, disabled }: { meta: FieldMetadata<string | undefined, Record<string, unknown>, string[]>; label: string; value: unknown; disabled: boolean }) {
  const hex = typeof value === "string" && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : "#000000";
  return (
    <TextField
      meta={meta}
      label={label}
      spellCheck={false}
      autoComplete="off"
      className="font-mono"
      addon={
        <input
          type="color"
          aria-label={`${label}: pick`}
          value={hex}
          disabled={disabled}
          onChange={(e) => {
            const field = e.currentTarget.form?.elements.namedItem(meta.name);
            if (!(field instanceof HTMLInputElement)) return;
            field.value = e.currentTarget.value;
            // Lets conform revalidate the text field as if it had been typed into.
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }}
          className="h-9 w-11 shrink-0 cursor-pointer rounded-md border border-gray-300 bg-white p-1 disabled:cursor-not-allowed"
        />
      }
    />
  );
}
