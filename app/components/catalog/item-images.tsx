import { useRef, useState } from "react";
import { getInputProps, type FormMetadata } from "@conform-to/react";
import type { z } from "zod";
import { FieldErrors } from "#app/components/ui/field.tsx";
import { Card } from "#app/components/ui/page.tsx";
import { MAX_IMAGES, type itemFormSchema } from "./item-form-schema.ts";
import { formatBytes } from "./media.ts";

const iconButton =
  "grid h-7 w-7 place-items-center rounded-md border border-gray-200 bg-white text-sm text-gray-600 shadow-xs hover:bg-gray-50 hover:text-gray-900 disabled:cursor-not-allowed disabled:opacity-40";

type PendingFile = { name: string; size: number; src?: string };

/** The item's images: the current ones (reorder, remove) and new files, previewed until they are uploaded on save. */
export function ImagesCard({ form, thumbs, maxImageBytes, uploadError }: {
  form: FormMetadata<z.input<typeof itemFormSchema>, string[]>;
  thumbs: Record<string, string | undefined>;
  maxImageBytes: number;
  uploadError?: string | null;
}) {
  const fields = form.getFieldset();
  const [pending, setPending] = useState<PendingFile[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const images = fields.imageIds.getFieldList();
  const imageErrors = [...(fields.image.errors ?? []), ...(uploadError ? [uploadError] : [])];
  const { key: fileKey, ...fileProps } = getInputProps(fields.image, { type: "file" });

  function pickFiles(list: FileList | null) {
    const files = Array.from(list ?? []);
    setPending(files.map((file) => ({ name: file.name, size: file.size })));
    // Previews as data: URLs (the CSP allows data: images, not blob:); huge files are not read just to preview.
    files.forEach((file, i) => {
      if (file.size > 2 * maxImageBytes) return;
      const reader = new FileReader();
      reader.onload = () => {
        const src = typeof reader.result === "string" && /^data:image\/(png|jpeg|gif|webp);/.test(reader.result) ? reader.result : undefined;
        setPending((all) => all.map((p, j) => (j === i && p.name === file.name ? { ...p, src } : p)));
      };
      reader.readAsDataURL(file);
    });
  }

  return (
    <Card title="Images" description={`The first image is the main one. Up to ${MAX_IMAGES} per item.`}>
      {images.length ? (
        <ul className="grid grid-cols-3 gap-3 sm:grid-cols-5" aria-label="Current images">
          {images.map((meta, i) => {
            const id = String(meta.value ?? meta.initialValue ?? "");
            const { key, ...hidden } = getInputProps(meta, { type: "hidden" });
            return (
              <li key={key} className="space-y-1.5" data-testid="item-image">
                <input key={key} {...hidden} />
                <div className="relative">
                  {thumbs[id] ? (
                    <img src={thumbs[id]} alt={`Image ${i + 1}`} className="aspect-square w-full rounded-lg border border-gray-200 bg-gray-50 object-cover" />
                  ) : (
                    <div className="grid aspect-square w-full place-items-center rounded-lg border border-dashed border-gray-300 text-xs text-gray-400">Image {i + 1}</div>
                  )}
                  {i === 0 ? <span className="absolute left-1.5 top-1.5 rounded bg-white/90 px-1.5 py-0.5 text-[11px] font-semibold text-gray-800 shadow-xs">Main</span> : null}
                </div>
                <div className="flex justify-center gap-1">
                  <button {...form.reorder.getButtonProps({ name: fields.imageIds.name, from: i, to: i - 1 })} disabled={i === 0} aria-label={`Move image ${i + 1} up`} title="Move up" className={iconButton}>
                    <span aria-hidden>↑</span>
                  </button>
                  <button {...form.reorder.getButtonProps({ name: fields.imageIds.name, from: i, to: i + 1 })} disabled={i === images.length - 1} aria-label={`Move image ${i + 1} down`} title="Move down" className={iconButton}>
                    <span aria-hidden>↓</span>
                  </button>
                  <button {...form.remove.getButtonProps({ name: fields.imageIds.name, index: i })} aria-label={`Remove image ${i + 1}`} title="Remove" className={`${iconButton} hover:text-red-700`}>
                    <span aria-hidden>✕</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="text-sm text-gray-500">No images yet.</p>
      )}
      <div className={images.length ? "mt-5 border-t border-gray-100 pt-5" : "mt-3"}>
        <label htmlFor={fields.image.id} className="block text-sm font-medium text-gray-800">Add images</label>
        <input
          key={fileKey}
          ref={fileInput}
          {...fileProps}
          multiple
          accept="image/png,image/jpeg,image/gif,image/webp"
          aria-describedby={`${fields.image.descriptionId}${imageErrors.length ? ` ${fields.image.errorId}` : ""}`}
          aria-invalid={imageErrors.length ? true : undefined}
          onChange={(e) => pickFiles(e.currentTarget.files)}
          className="mt-1.5 block w-full text-sm text-gray-600 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-gray-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-gray-800 file:shadow-xs hover:file:bg-gray-50"
        />
        <p id={fields.image.descriptionId} className="mt-1.5 text-xs text-gray-500">
          PNG, JPEG, GIF or WebP, up to {formatBytes(maxImageBytes)} each. They are uploaded when you save.
        </p>
        <FieldErrors id={fields.image.errorId} errors={imageErrors.length ? imageErrors : undefined} />
        {pending.length ? (
          <div className="mt-3">
            <ul className="grid grid-cols-3 gap-3 sm:grid-cols-5" aria-label="Images to upload">
              {pending.map((p, i) => {
                const tooLarge = p.size > maxImageBytes;
                return (
                  <li key={`${p.name}-${i}`} className="space-y-1">
                    {p.src ? (
                      <img src={p.src} alt="" className="aspect-square w-full rounded-lg border border-dashed border-indigo-300 object-cover" />
                    ) : (
                      <div className="grid aspect-square w-full place-items-center rounded-lg border border-dashed border-gray-300 text-[11px] text-gray-400">No preview</div>
                    )}
                    <p className="truncate text-[11px] text-gray-600" title={p.name}>{p.name}</p>
                    <p className={`text-[11px] ${tooLarge ? "font-medium text-red-700" : "text-gray-500"}`}>
                      {formatBytes(p.size)}{tooLarge ? " · too large" : " · new"}
                    </p>
                  </li>
                );
              })}
            </ul>
            <button
              type="button"
              className="mt-2 text-xs font-medium text-gray-600 underline hover:text-gray-900"
              onClick={() => {
                if (fileInput.current) fileInput.current.value = "";
                setPending([]);
              }}
            >
              Clear selection
            </button>
          </div>
        ) : null}
      </div>
    </Card>
  );
}
