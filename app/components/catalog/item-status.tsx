import { Badge } from "#app/components/ui/badge.tsx";

/** At or below this many left, the dashboard highlights an item's stock. */
export const LOW_STOCK = 5;

export function itemStatus(item: { active: boolean; archivedAt: string | Date | null }) {
  return item.archivedAt ? "archived" : item.active ? "active" : "inactive";
}

const STATUS = {
  active: { tone: "green", label: "Active", help: "Visible to buyers" },
  inactive: { tone: "gray", label: "Inactive", help: "Hidden from buyers" },
  archived: { tone: "amber", label: "Archived", help: "Hidden and kept for order history" },
} as const;

export function ItemStatusBadge({ item }: { item: { active: boolean; archivedAt: string | Date | null } }) {
  const s = STATUS[itemStatus(item)];
  return (
    <span title={s.help}>
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}

/** "Unlimited", or the count, amber when low and red when none are left. */
export function StockLabel({ stock }: { stock: number | null }) {
  if (stock === null) return <span className="text-gray-500">Unlimited</span>;
  if (stock === 0) return <span className="font-medium text-red-700">0 <span className="text-xs font-normal">· sold out</span></span>;
  if (stock <= LOW_STOCK) return <span className="font-medium text-amber-700">{stock} <span className="text-xs font-normal">· low</span></span>;
  return <span className="text-gray-900">{stock}</span>;
}

/** A square thumbnail, or a neutral placeholder when the item has no image. */
export function Thumb({ src, size = "md" }: { src?: string; size?: "md" | "lg" }) {
  const box = size === "lg" ? "h-24 w-24" : "h-10 w-10";
  return src ? (
    <img src={src} alt="" loading="lazy" className={`${box} shrink-0 rounded-md border border-gray-200 bg-gray-50 object-cover`} />
  ) : (
    <span aria-hidden className={`${box} grid shrink-0 place-items-center rounded-md border border-dashed border-gray-300 bg-gray-50 text-gray-300`}>
      <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" className="h-5 w-5">
        <rect x="3" y="4" width="18" height="16" rx="2" />
        <circle cx="9" cy="10" r="1.5" />
        <path d="m4 18 5-5 4 4 3-3 4 4" />
      </svg>
    </span>
  );
}
