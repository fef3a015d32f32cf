import { Form, Link } from "@remix-run/react";
import type { CatalogPage, CatalogParams } from "#app/utils/storefront.server.ts";
import { ArrowIcon, SearchIcon } from "./icons.tsx";
import { ProductCard } from "./product-card.tsx";
import { focusRing, secondaryButton, textLink } from "./styles.ts";

/** A catalog URL that keeps the other filters: `?q=&category=&cursor=`, blanks left out. */
export function catalogHref(basePath: string, params: Partial<CatalogParams>) {
  const search = new URLSearchParams();
  for (const key of ["q", "category", "cursor"] as const) {
    const value = params[key];
    if (value) search.set(key, value);
  }
  const qs = search.toString();
  return qs ? `${basePath}?${qs}` : basePath;
}

export function SearchForm({ basePath, params, compact }: { basePath: string; params: CatalogParams; compact?: boolean }) {
  return (
    <Form method="get" action={basePath} role="search" className="flex w-full gap-2">
      <label htmlFor="catalog-search" className="sr-only">Search products</label>
      <div className="relative flex-1">
        <SearchIcon className="pointer-events-none absolute left-3.5 top-1/2 size-5 -translate-y-1/2 text-gray-500" />
        <input
          id="catalog-search"
          type="search"
          name="q"
          defaultValue={params.q ?? ""}
          placeholder="Search products"
          maxLength={100}
          autoComplete="off"
          enterKeyHint="search"
          className={`w-full rounded-full border border-gray-300 bg-white pl-11 pr-4 text-gray-900 placeholder:text-gray-500 focus:border-gray-900 focus:outline-2 focus:outline-offset-1 focus:outline-gray-900 ${compact ? "h-10 text-sm" : "h-12"}`}
        />
      </div>
      {/* Searching keeps the chosen category; "All" in the filter clears it. */}
      {params.category ? <input type="hidden" name="category" value={params.category} /> : null}
      <button type="submit" className={`shrink-0 rounded-full bg-ink px-5 font-semibold text-white hover:brightness-110 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-gray-900 ${compact ? "h-10 text-sm" : "h-12"}`}>
        Search
      </button>
    </Form>
  );
}

export function CategoryFilter({
  basePath,
  params,
  categories,
  compact,
}: {
  basePath: string;
  params: CatalogParams;
  categories: CatalogPage["categories"];
  compact?: boolean;
}) {
  if (categories.length === 0) return null;
  const chip = (active: boolean) =>
    `relative inline-flex shrink-0 items-center gap-1.5 whitespace-nowrap rounded-full text-sm font-medium transition ${compact ? "px-3 py-1.5" : "px-4 py-2"} ${focusRing} ${
      active ? "bg-ink text-white" : "bg-gray-100 text-gray-800 hover:bg-gray-200"
    }`;
  return (
    <nav aria-label="Categories" className={`overflow-x-auto [scrollbar-width:none] ${compact ? "-mx-3 px-3" : "-mx-4 px-4 md:mx-0 md:px-0"}`}>
      <ul className="flex gap-2 py-1">
        <li>
          <Link to={catalogHref(basePath, { q: params.q })} aria-current={params.category ? undefined : "page"} className={chip(!params.category)}>
            All
          </Link>
        </li>
        {categories.map((c) => {
          const active = params.category === c.name;
          return (
            <li key={c.name}>
              <Link to={catalogHref(basePath, { q: params.q, category: c.name })} aria-current={active ? "page" : undefined} className={chip(active)}>
                {c.name}
                <span className={active ? "text-white/85" : "text-gray-600"}>
                  <span className="sr-only">, </span>
                  {c.count}
                  <span className="sr-only"> {c.count === 1 ? "item" : "items"}</span>
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function catalogHeading(params: CatalogParams) {
  if (params.q && params.category) return `“${params.q}” in ${params.category}`;
  if (params.q) return `Results for “${params.q}”`;
  return params.category ?? "All products";
}

/** The grid with its empty/no-results states and keyset pagination ("More products" carries the cursor). */
export function CatalogResults({
  basePath,
  page,
  headingLevel = "h2",
  compact,
  itemLinks = true,
}: {
  basePath: string;
  page: CatalogPage;
  headingLevel?: "h1" | "h2";
  compact?: boolean;
  itemLinks?: boolean;
}) {
  const { params, items, nextCursor } = page;
  const Heading = headingLevel;
  const filtered = Boolean(params.q || params.category);
  return (
    <section aria-labelledby="catalog-heading">
      <div className="flex items-baseline justify-between gap-4">
        <Heading id="catalog-heading" className={`font-bold tracking-tight text-gray-900 ${compact ? "text-lg" : "text-2xl sm:text-3xl"}`}>
          {catalogHeading(params)}
        </Heading>
        {filtered ? (
          <Link to={basePath} className={`shrink-0 text-sm ${textLink}`}>
            Clear<span className="sr-only"> search and filters</span>
          </Link>
        ) : null}
      </div>
      {items.length === 0 ? (
        <EmptyState basePath={basePath} params={params} />
      ) : (
        <ul role="list" data-testid="catalog-grid" className={`mt-4 grid grid-cols-2 ${compact ? "gap-2.5" : "gap-3 sm:mt-6 sm:gap-6 md:grid-cols-3 lg:grid-cols-4"}`}>
          {items.map((item) => (
            <li key={item.id}>
              <ProductCard item={item} compact={compact} linked={itemLinks} />
            </li>
          ))}
        </ul>
      )}
      {params.cursor || nextCursor ? (
        <nav aria-label="Pagination" className="mt-8 flex flex-wrap items-center justify-center gap-3">
          {params.cursor ? (
            <Link to={catalogHref(basePath, { q: params.q, category: params.category })} className={secondaryButton}>
              <ArrowIcon back /> Back to start
            </Link>
          ) : null}
          {nextCursor ? (
            <Link to={catalogHref(basePath, { ...params, cursor: nextCursor })} rel="next" className={secondaryButton}>
              More products <ArrowIcon />
            </Link>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}

function EmptyState({ basePath, params }: { basePath: string; params: CatalogParams }) {
  const filtered = Boolean(params.q || params.category);
  return (
    <div className="mt-6 rounded-3xl border border-dashed border-gray-300 bg-gray-50 px-6 py-14 text-center">
      <span aria-hidden="true" className="mx-auto grid size-14 place-items-center rounded-full bg-ink/10 text-ink">
        <SearchIcon className="size-7" />
      </span>
      {filtered ? (
        <>
          <p className="mt-4 text-lg font-semibold text-gray-900">No products match {params.q ? `“${params.q}”` : "this filter"}.</p>
          <p className="mt-1 text-gray-700">Check the spelling, try a shorter word, or look through everything.</p>
          <p className="mt-6">
            {params.q && params.category ? (
              <Link to={catalogHref(basePath, { q: params.q })} className={`${textLink} mr-4`}>Search all categories</Link>
            ) : null}
            <Link to={basePath} className={textLink}>See all products</Link>
          </p>
        </>
      ) : params.cursor ? (
        <>
          <p className="mt-4 text-lg font-semibold text-gray-900">That’s everything.</p>
          <p className="mt-6"><Link to={basePath} className={textLink}>Back to the first page</Link></p>
        </>
      ) : (
        <>
          <p className="mt-4 text-lg font-semibold text-gray-900">New products are on their way.</p>
          <p className="mt-1 text-gray-700">This shop is stocking its shelves. Check back soon.</p>
        </>
      )}
    </div>
  );
}
