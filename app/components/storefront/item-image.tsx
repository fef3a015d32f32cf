import { initials } from "./shop.ts";

/** Deterministic small number from an id, so a placeholder looks the same on the server and the client. */
function hashOf(id: string) {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return Math.abs(h);
}

// Decorative circles in three arrangements, picked per item so a grid of placeholders does not look repeated.
const BLOBS = [
  ["-right-[18%] -top-[18%] size-[62%]", "-bottom-[22%] -left-[12%] size-[48%]"],
  ["-left-[20%] -top-[10%] size-[55%]", "-bottom-[25%] -right-[10%] size-[70%]"],
  ["left-[30%] -top-[30%] size-[60%]", "-bottom-[15%] -left-[20%] size-[45%]"],
] as const;

export interface ItemImageProps {
  id: string;
  title: string;
  image: { url: string; alt: string } | null;
  /** "lg" on the item page, "md" in grids, "sm" for cart thumbnails. */
  size?: "sm" | "md" | "lg";
  /** Alt text for a real image when the card already names the item next to it. */
  decorative?: boolean;
  className?: string;
}

/**
 * The item's image, or a branded placeholder tile (its initials on a tint of the brand colour) when it has none.
 * The placeholder is decorative: the item's title is always in the text beside it.
 */
export function ItemImage({ id, title, image, size = "md", decorative, className = "" }: ItemImageProps) {
  const frame = `relative aspect-square w-full overflow-hidden ${size === "sm" ? "rounded-lg" : "rounded-2xl"} ${className}`;
  if (image) {
    return (
      <div className={`${frame} bg-gray-100`}>
        <img src={image.url} alt={decorative ? "" : image.alt || title} loading={size === "lg" ? "eager" : "lazy"} className="size-full object-cover" />
      </div>
    );
  }
  const [a, b] = BLOBS[hashOf(id) % BLOBS.length]!;
  const text = size === "lg" ? "text-7xl sm:text-8xl" : size === "sm" ? "text-lg" : "text-4xl sm:text-5xl";
  return (
    <div aria-hidden="true" className={`${frame} grid place-items-center bg-ink/10 text-ink`}>
      <span className={`absolute rounded-full bg-accent/35 ${a}`} />
      <span className={`absolute rounded-full bg-ink/10 ${b}`} />
      <span className={`relative font-brand font-bold tracking-tight ${text}`}>{initials(title)}</span>
    </div>
  );
}
