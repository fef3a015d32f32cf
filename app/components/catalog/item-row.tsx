import { Link, useFetcher, type FetcherWithComponents } from "@remix-run/react";
import type { SubmissionResult } from "@conform-to/react";
import type { CatalogListData } from "#app/routes/dashboard.$tenantId.catalog._index.server.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Badge } from "#app/components/ui/badge.tsx";
import { Button, buttonClass } from "#app/components/ui/button.tsx";
import { errorsOf } from "#app/utils/form-errors.ts";
import { ItemStatusBadge, StockLabel, Thumb, itemStatus } from "./item-status.tsx";

export type Row = CatalogListData["items"][number];
/** What the catalog list's row actions answer. */
export type RowActionData = { result: SubmissionResult<string[]>; stock: number | null };

export function ItemRow({ item, currency }: { item: Row; currency: string }) {
  const fetcher = useFetcher<RowActionData>();
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
function StockAdjust({ fetcher, item, busy }: { fetcher: FetcherWithComponents<unknown> | ReturnType<typeof useFetcher<RowActionData>>; item: Row; busy: boolean }) {
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
