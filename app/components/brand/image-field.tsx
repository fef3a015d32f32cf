import { useRef } from "react";
import { getInputProps, type FieldMetadata, type FormMetadata } from "@conform-to/react";
import type { z } from "zod";
import { FieldErrors, TextField } from "#app/components/ui/field.tsx";
import { formatBytes } from "#app/components/catalog/media.ts";
import type { brandFormSchema } from "./brand-form-schema.ts";

/**
 * A logo or favicon: the current image (or the chosen file, previewed as a data: URL), a file input whose file is
 * uploaded on save, and the address field it fills in (which also takes an https:// address).
 */
export function ImageField({ form, file, url, label, current, pending, onPick, onRemove, limit, accept, help, error }: {
  form: FormMetadata<z.input<typeof brandFormSchema>, string[]>;
  file: FieldMetadata<File | undefined, Record<string, unknown>, string[]>;
  url: FieldMetadata<string | undefined, Record<string, unknown>, string[]>;
  label: string;
  current: string | undefined;
  pending: string | undefined;
  onPick: (file: File | undefined) => void;
  onRemove: () => void;
  limit: number;
  accept: string;
  help: string;
  error?: string | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  const { key, ...fileProps } = getInputProps(file, { type: "file" });
  const shown = pending ?? current;
  const errors = [...(file.errors ?? []), ...(error ? [error] : [])];
  return (
    <div className="flex min-w-0 gap-4">
      <div className="grid h-16 w-16 shrink-0 place-items-center overflow-hidden rounded-lg border border-gray-200 bg-[repeating-conic-gradient(#f3f4f6_0_25%,#fff_0_50%)] bg-[length:12px_12px]">
        {shown ? <img src={shown} alt={`${label} preview`} className="max-h-full max-w-full object-contain" /> : <span className="text-[11px] text-gray-400">None</span>}
      </div>
      <div className="min-w-0 flex-1 space-y-3">
        <div>
          <label htmlFor={file.id} className="block text-sm font-medium text-gray-800">{label}</label>
          <div className="mt-1.5 flex flex-wrap items-center gap-3">
            <input
              key={key}
              ref={input}
              {...fileProps}
              accept={accept}
              onChange={(e) => onPick(e.currentTarget.files?.[0])}
              className="block min-w-0 flex-1 text-sm text-gray-600 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-gray-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-gray-800 file:shadow-xs hover:file:bg-gray-50"
            />
            {shown ? (
              <button
                type="button"
                className="text-sm font-medium text-gray-600 underline hover:text-red-700"
                onClick={() => {
                  if (input.current) input.current.value = "";
                  form.update({ name: url.name, value: "" });
                  onRemove();
                }}
              >
                Remove
              </button>
            ) : null}
          </div>
          <p className="mt-1.5 text-xs text-gray-500">{help} Up to {formatBytes(limit)}; uploaded when you save.</p>
          <FieldErrors id={file.errorId} errors={errors.length ? errors : undefined} />
        </div>
        <TextField meta={url} label={`…or the ${label.toLowerCase()}'s address`} optional placeholder="https://…" spellCheck={false} />
      </div>
    </div>
  );
}
