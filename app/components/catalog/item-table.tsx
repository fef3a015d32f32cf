import { useState } from "react";
import { Link, useFetcher, useLocation } from "@remix-run/react";
import type { CatalogListData } from "#app/routes/dashboard.$tenantId.catalog._index.server.ts";
import { buttonClass } from "#app/components/ui/button.tsx";
import { ItemRow, type Row } from "./item-row.tsx";

/** The list's query string with some parameters changed (a null drops one); "?" for none. */
export function searchFor(query: CatalogListData["query"], change: Record<string, string | null>) {
  const params = new URLSearchParams();
  const all = { q: query.q, category: query.category, status: query.status, ...change };
  for (const [k, v] of Object.entries(all)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : "?";
}

type Page = { cursor: string | null; items: Row[]; nextCursor: string | null };

export function ItemTable({ data }: { data: CatalogListData }) {
  const { query, currency } = data;
  const location = useLocation();
  const more = useFetcher<CatalogListData>();
  // Pages fetched with "Load more", by cursor: a revalidated page replaces itself instead of being added twice.
  const [extra, setExtra] = useState<Page[]>([]);
  const [seenData, setSeenData] = useState(more.data);
  if (more.data !== seenData) {
    setSeenData(more.data);
    const d = more.data;
    if (d?.query.cursor) {
      const page = { cursor: d.query.cursor, items: d.items, nextCursor: d.nextCursor };
      setExtra((pages) => (pages.some((p) => p.cursor === page.cursor) ? pages.map((p) => (p.cursor === page.cursor ? page : p)) : [...pages, page]));
    }
  }
  const seen = new Set<string>();
  const rows = [data.items, ...extra.map((p) => p.items)].flat().filter((r) => !seen.has(r.id) && seen.add(r.id));
  const nextCursor = extra.length ? extra[extra.length - 1]!.nextCursor : data.nextCursor;
  const nextHref = nextCursor ? `${searchFor(query, { cursor: nextCursor })}` : null;

  if (rows.length === 0) {
    return (
      <div className="rounded-xl border border-gray-200 bg-white px-6 py-12 text-center shadow-sm">
        <p className="text-sm font-medium text-gray-900">No items here</p>
        <p className="mt-1 text-sm text-gray-500">
          {query.q || query.category ? "Nothing matches this search. Try other words or another category." : `No ${query.status === "all" ? "" : `${query.status} `}items yet.`}
        </p>
      </div>
    );
  }

  return (
    <div className="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm">
      {/* A table from sm up; on phones each row stacks into a small card. */}
      <div className="sm:overflow-x-auto">
        <table className="block w-full text-sm sm:table sm:min-w-full sm:divide-y sm:divide-gray-100" data-testid="catalog-table">
          <thead className="hidden bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500 sm:table-header-group">
            <tr>
              <th scope="col" className="px-4 py-2.5">Item</th>
              <th scope="col" className="px-4 py-2.5 text-right">Price</th>
              <th scope="col" className="px-4 py-2.5">Stock</th>
              <th scope="col" className="px-4 py-2.5">Status</th>
              <th scope="col" className="px-4 py-2.5"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="block divide-y divide-gray-100 sm:table-row-group">
            {rows.map((item) => (
              <ItemRow key={item.id} item={item} currency={currency} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex items-center justify-between gap-3 border-t border-gray-100 px-4 py-3 text-sm">
        <span className="text-gray-500">
          {rows.length} shown{query.cursor ? " (from a later page)" : ""}
        </span>
        <span className="flex items-center gap-3">
          {query.cursor ? (
            <Link to={searchFor(query, {})} className="font-medium text-gray-600 hover:text-gray-900">Back to the first page</Link>
          ) : null}
          {nextHref ? (
            <Link
              to={nextHref}
              className={buttonClass("secondary", "sm")}
              onClick={(e) => {
                // With JavaScript the next page is appended below; without it the link opens the next page.
                e.preventDefault();
                more.load(`${location.pathname}${nextHref}&index`);
              }}
            >
              {more.state === "loading" ? "Loading…" : "Load more"}
            </Link>
          ) : null}
        </span>
      </div>
    </div>
  );
}
