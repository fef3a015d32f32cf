import { useState } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useFetcher, useLoaderData, useLocation, useNavigation, type FetcherWithComponents } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { catalogQuerySchema, formatAmount } from "#server/catalog/shared.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError, rethrowAsResponse } from "#app/utils/api-error.server.ts";
import { countItemsByStatus } from "#app/components/catalog/counts.server.ts";
import { ItemStatusBadge, StockLabel, Thumb, itemStatus } from "#app/components/catalog/item-status.tsx";
import { dashboardMediaUrl } from "#app/components/catalog/media.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button, ButtonLink, buttonClass } from "#app/components/ui/button.tsx";
import { inputClass } from "#app/components/ui/field.tsx";
import { EmptyState } from "#app/components/ui/page.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";
import { requireParam } from "#app/utils/params.ts";

const PAGE_SIZE = 25;
const STATUS_TABS = [
  { value: "active", label: "Active" },
  { value: "inactive", label: "Inactive" },
  { value: "archived", label: "Archived" },
  { value: "all", label: "All" },
] as const;

// The list's URL: the API's query shape, with Active as the merchant's default view and a fixed page size.
const listQuerySchema = catalogQuerySchema.extend({
  status: catalogQuerySchema.shape.status.unwrap().catch("active").default("active"),
  category: catalogQuerySchema.shape.category.catch(undefined),
  limit: z.literal(PAGE_SIZE).catch(PAGE_SIZE).default(PAGE_SIZE),
});

// One small form per row; the stock change is a positive amount plus the button pressed (add or remove).
const rowActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("stock"),
    itemId: z.uuid(),
    direction: z.enum(["add", "remove"]),
    amount: z.number({ error: "Enter a whole number." }).int("Enter a whole number.").min(1, "Enter 1 or more.").max(1_000_000_000, "That is too many."),
  }),
  z.object({ intent: z.literal("archive"), itemId: z.uuid() }),
  z.object({ intent: z.literal("restore"), itemId: z.uuid(), version: z.number().int().positive() }),
]);

export const meta: MetaFunction = () => [{ title: "Catalog — Storefront" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "catalog.read", operator: false });
  const search = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const parsed = listQuerySchema.safeParse(search);
  if (!parsed.success) throw new Response("That search is not valid.", { status: 400 });
  const query = parsed.data;
  const { catalog, prisma } = context.services;
  const [page, tenant, categories, counts] = await Promise.all([
    catalog.list(tenantId, query, { forBuyers: false }).catch(rethrowAsResponse),
    prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { currency: true } }),
    catalog.categories(tenantId, { forBuyers: false }),
    countItemsByStatus(prisma, tenantId),
  ]);
  return {
    query: { q: query.q ?? "", category: query.category ?? "", status: query.status, cursor: query.cursor ?? null },
    items: page.items.map((i) => ({
      id: i.id,
      title: i.title,
      // Still the decimal string, padded to the currency's digits ("12.5" → "12.50" in USD).
      price: formatAmount(i.price, tenant.currency),
      category: i.category,
      kind: i.kind,
      stock: i.stock,
      active: i.active,
      archivedAt: i.archivedAt?.toISOString() ?? null,
      version: i.version,
      thumb: dashboardMediaUrl(tenantId, i.images[0]?.url),
    })),
    nextCursor: page.nextCursor,
    currency: tenant.currency,
    categories,
    counts,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "catalog.edit", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: rowActionSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), stock: null as number | null }, { status: 400 });
  const input = submission.value;
  const { catalog } = context.services;
  const actor = auditActor(context);
  try {
    switch (input.intent) {
      case "stock": {
        const { stock } = await catalog.adjustStock(actor, tenantId, input.itemId, input.direction === "add" ? input.amount : -input.amount);
        return json({ result: submission.reply(), stock });
      }
      case "archive":
        await catalog.archive(actor, tenantId, input.itemId);
        break;
      case "restore":
        // Making an archived item active again is what un-archives it (CatalogService.update).
        await catalog.update(actor, tenantId, input.itemId, { version: input.version, active: true });
        break;
    }
  } catch (err) {
    return json({ result: replyWithApiError(submission, err), stock: null }, { status: 400 });
  }
  return json({ result: submission.reply(), stock: null });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = LoaderData["items"][number];

function searchFor(query: LoaderData["query"], change: Record<string, string | null>) {
  const params = new URLSearchParams();
  const all = { q: query.q, category: query.category, status: query.status, ...change };
  for (const [k, v] of Object.entries(all)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : "?";
}

export default function CatalogPage() {
  const data = useLoaderData<typeof loader>();
  const { query, counts, categories } = data;
  const total = counts.active + counts.inactive + counts.archived;
  const searching = useNavigation().state === "loading";

  if (total === 0) {
    return (
      <EmptyState
        title="Add your first item"
        description="Items are what buyers browse and order. Add them one by one with photos, or bring a whole list from a spreadsheet."
        action={
          <div className="flex flex-wrap justify-center gap-3">
            <ButtonLink to="new">New item</ButtonLink>
            <ButtonLink to="import" variant="secondary">Import CSV</ButtonLink>
          </div>
        }
      />
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Item status" className="flex flex-wrap gap-1 rounded-lg bg-gray-100 p-1">
          {STATUS_TABS.map((t) => {
            const current = query.status === t.value;
            const count = t.value === "all" ? total : counts[t.value];
            return (
              <Link
                key={t.value}
                to={searchFor(query, { status: t.value })}
                aria-current={current ? "page" : undefined}
                className={`flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium ${current ? "bg-white text-gray-900 shadow-sm" : "text-gray-600 hover:text-gray-900"}`}
              >
                {t.label}
                <span className={`rounded-full px-1.5 text-xs tabular-nums ${current ? "bg-indigo-50 text-indigo-700" : "bg-gray-200/70 text-gray-600"}`}>{count}</span>
              </Link>
            );
          })}
        </nav>
        <div className="flex gap-2">
          <ButtonLink to="import" variant="secondary">Import CSV</ButtonLink>
          <ButtonLink to="new">New item</ButtonLink>
        </div>
      </div>

      <Form method="get" role="search" className="flex flex-wrap items-end gap-3 rounded-xl border border-gray-200 bg-white p-3 shadow-sm">
        <input type="hidden" name="status" value={query.status} />
        <div className="min-w-48 flex-1">
          <label htmlFor="catalog-q" className="sr-only">Search items</label>
          <input id="catalog-q" type="search" name="q" defaultValue={query.q} key={query.q} placeholder="Search title, description or category" maxLength={100} className={inputClass} />
        </div>
        <div className="w-48">
          <label htmlFor="catalog-category" className="sr-only">Category</label>
          <select id="catalog-category" name="category" defaultValue={query.category} key={query.category} className={`${inputClass} pr-8`}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c.name} value={c.name}>{c.name} ({c.count})</option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="secondary">{searching ? "Searching…" : "Search"}</Button>
        {query.q || query.category ? (
          <Link to={searchFor(query, { q: null, category: null })} className="self-center text-sm font-medium text-gray-500 hover:text-gray-800">Clear</Link>
        ) : null}
      </Form>

      {/* Keyed on the query: a new search starts again from its first page. */}
      <ItemTable key={`${query.status}|${query.q}|${query.category}|${query.cursor ?? ""}`} data={data} />
    </div>
  );
}

type Page = { cursor: string | null; items: Row[]; nextCursor: string | null };

function ItemTable({ data }: { data: LoaderData }) {
  const { query, currency } = data;
  const location = useLocation();
  const more = useFetcher<typeof loader>();
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

function ItemRow({ item, currency }: { item: Row; currency: string }) {
  const fetcher = useFetcher<typeof action>();
  const pendingIntent = fetcher.state !== "idle" ? fetcher.formData?.get("intent") : null;
  const errors = (fetcher.state === "idle" ? errorsOf(fetcher.data?.result) : undefined) ?? [];
  const stock = fetcher.data?.stock ?? item.stock;
  const status = itemStatus(item);
  return (
    <>
      <tr className={`grid grid-cols-[1fr_auto] items-center gap-x-3 gap-y-2 px-4 py-3 sm:table-row sm:p-0 sm:align-middle ${status === "archived" ? "bg-gray-50/60" : ""}`} data-testid="catalog-row">
        <td className="min-w-0 sm:table-cell sm:px-4 sm:py-3">
          <Link to={item.id} className="group flex items-center gap-3 sm:min-w-56">
            <Thumb src={item.thumb} />
            <span className="min-w-0">
              <span className="block truncate font-medium text-gray-900 group-hover:text-indigo-700">{item.title}</span>
              <span className="flex items-center gap-1.5 text-xs text-gray-500">
                {item.category ?? "No category"}
                {item.kind === "digital" ? <Badge tone="indigo">Digital</Badge> : null}
              </span>
            </span>
          </Link>
        </td>
        <td className="whitespace-nowrap text-right tabular-nums text-gray-900 sm:table-cell sm:px-4 sm:py-3">
          {item.price} <span className="text-xs text-gray-500">{currency}</span>
        </td>
        <td className="sm:table-cell sm:px-4 sm:py-3">
          <div className="flex items-center gap-3">
            <span className="w-20 tabular-nums" data-testid="stock">
              <StockLabel stock={stock} />
            </span>
            {stock !== null && status !== "archived" ? <StockAdjust fetcher={fetcher} item={item} busy={pendingIntent === "stock"} /> : null}
          </div>
        </td>
        <td className="text-right sm:table-cell sm:px-4 sm:py-3 sm:text-left"><ItemStatusBadge item={item} /></td>
        <td className="col-span-2 -mb-1 sm:table-cell sm:px-4 sm:py-3">
          <div className="flex items-center justify-end gap-1">
            <Link to={item.id} className={buttonClass("ghost", "sm")}>Edit</Link>
            {status === "archived" ? (
              <fetcher.Form method="post">
                <CsrfInput />
                <input type="hidden" name="intent" value="restore" />
                <input type="hidden" name="itemId" value={item.id} />
                <input type="hidden" name="version" value={item.version} />
                <Button type="submit" variant="ghost" size="sm" disabled={pendingIntent === "restore"} title="Make it visible to buyers again">
                  {pendingIntent === "restore" ? "Restoring…" : "Restore"}
                </Button>
              </fetcher.Form>
            ) : (
              <fetcher.Form
                method="post"
                onSubmit={(e) => {
                  if (!window.confirm(`Archive “${item.title}”? Buyers will no longer see it; it stays in past orders.`)) e.preventDefault();
                }}
              >
                <CsrfInput />
                <input type="hidden" name="intent" value="archive" />
                <input type="hidden" name="itemId" value={item.id} />
                <Button type="submit" variant="ghost" size="sm" disabled={pendingIntent === "archive"} className="hover:text-red-700">
                  {pendingIntent === "archive" ? "Archiving…" : "Archive"}
                </Button>
              </fetcher.Form>
            )}
          </div>
        </td>
      </tr>
      {errors.length ? (
        <tr className="block sm:table-row">
          <td colSpan={5} className="block px-4 pb-3 pt-0 sm:table-cell">
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-1.5 text-sm text-red-800">{errors.join(" ")}</p>
          </td>
        </tr>
      ) : null}
    </>
  );
}

const stepButton = "grid h-8 w-8 place-items-center text-base font-medium text-gray-700 hover:bg-gray-50 disabled:opacity-40";

/** − [n] + : takes n off or adds n, atomically on the server (never below zero). */
function StockAdjust({ fetcher, item, busy }: { fetcher: FetcherWithComponents<unknown> | ReturnType<typeof useFetcher<typeof action>>; item: Row; busy: boolean }) {
  return (
    <fetcher.Form method="post" className="flex items-center overflow-hidden rounded-md border border-gray-300 bg-white shadow-xs" aria-label={`Change stock of ${item.title}`}>
      <CsrfInput />
      <input type="hidden" name="intent" value="stock" />
      <input type="hidden" name="itemId" value={item.id} />
      <button type="submit" name="direction" value="remove" disabled={busy} aria-label="Remove from stock" title="Remove from stock" className={stepButton}>−</button>
      <label htmlFor={`amount-${item.id}`} className="sr-only">Amount</label>
      <input
        id={`amount-${item.id}`}
        name="amount"
        type="number"
        min={1}
        step={1}
        defaultValue={1}
        required
        className="h-8 w-12 border-x border-gray-300 bg-white text-center text-sm tabular-nums text-gray-900 focus:outline-hidden focus:ring-2 focus:ring-inset focus:ring-indigo-600 [appearance:textfield] [&::-webkit-inner-spin-button]:appearance-none"
      />
      <button type="submit" name="direction" value="add" disabled={busy} aria-label="Add to stock" title="Add to stock" className={stepButton}>+</button>
    </fetcher.Form>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
