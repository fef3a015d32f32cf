import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { catalogQuerySchema } from "#server/catalog/shared.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { ItemTable, searchFor } from "#app/components/catalog/item-table.tsx";
import { Button, ButtonLink } from "#app/components/ui/button.tsx";
import { inputClass } from "#app/components/ui/field.tsx";
import { EmptyState } from "#app/components/ui/page.tsx";
import { requireParam } from "#app/utils/params.ts";
import { loadCatalogList } from "./dashboard.$tenantId.catalog._index.server.ts";

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
  return loadCatalogList(context.services, tenantId, parsed.data);
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

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
