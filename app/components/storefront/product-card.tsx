import { Link } from "@remix-run/react";
import type { CatalogCard } from "#app/utils/storefront.server.ts";
import { ItemImage } from "./item-image.tsx";
import { itemPath } from "./item-path.ts";

export function AvailabilityNote({ availability, className = "" }: { availability: CatalogCard["availability"]; className?: string }) {
  if (availability.status === "sold_out") return <span className={`font-medium text-gray-600 ${className}`}>Sold out</span>;
  if (availability.status === "low") return <span className={`font-medium text-amber-800 ${className}`}>Only {availability.left} left</span>;
  return null;
}

/** One product in a grid. The whole card is clickable through the title link (stretched over the card). */
export function ProductCard({ item, compact, linked = true }: { item: CatalogCard; compact?: boolean; linked?: boolean }) {
  const soldOut = item.availability.status === "sold_out";
  return (
    <article className="group relative flex h-full flex-col rounded-3xl bg-white p-2 ring-1 ring-gray-200 transition hover:shadow-lg hover:ring-gray-300 has-[a:focus-visible]:ring-2 has-[a:focus-visible]:ring-gray-900">
      <ItemImage id={item.id} title={item.title} image={item.image} decorative className={soldOut ? "opacity-60" : ""} />
      {item.kind === "digital" ? (
        <span className="absolute left-4 top-4 rounded-full bg-white/90 px-2 py-0.5 text-xs font-semibold text-gray-900 shadow-sm">Digital</span>
      ) : null}
      <div className={`flex flex-1 flex-col ${compact ? "px-1.5 pb-1.5 pt-2" : "px-2 pb-2 pt-3"}`}>
        {item.category ? <p className="text-xs font-medium uppercase tracking-wider text-gray-600">{item.category}</p> : null}
        <h3 className={`mt-0.5 font-semibold leading-snug text-gray-900 ${compact ? "text-sm" : "text-sm sm:text-base"}`}>
          {linked ? (
            <Link to={itemPath(item.slug)} prefetch="intent" className="outline-none after:absolute after:inset-0 after:rounded-3xl">
              {item.title}
            </Link>
          ) : (
            item.title
          )}
        </h3>
        <p className={`mt-auto flex flex-wrap items-baseline justify-between gap-x-2 pt-2 ${compact ? "text-sm" : "text-sm sm:text-base"}`}>
          <span>
            <span className="font-bold text-ink">{item.priceLabel}</span>
            {item.compareAtLabel ? <s className="ml-1.5 text-xs text-gray-500" aria-label={`was ${item.compareAtLabel}`}>{item.compareAtLabel}</s> : null}
          </span>
          <AvailabilityNote availability={item.availability} className="text-xs" />
        </p>
      </div>
    </article>
  );
}
