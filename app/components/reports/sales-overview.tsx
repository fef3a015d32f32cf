/** The sales overview (ADR 031): figures per period with their change, the daily chart, rails and top items. */
import { Link } from "@remix-run/react";
import { Card } from "#app/components/ui/page.tsx";
import { RAIL_LABELS } from "#app/components/ui/rails.ts";
import { formatPrice } from "#app/components/storefront/money.ts";
import { CHART_DAYS, PERIODS, change, type CurrencyOverview, type Figures, type PeriodKey, type SalesOverview as Overview } from "#server/reports/shared.ts";
import { DailyChart } from "./daily-chart.tsx";

const pct = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);

function Delta({ now, before }: { now: number; before: number }) {
  const c = change(now, before);
  if (c === null) return <span className="text-xs text-gray-500">new</span>;
  const up = c > 0;
  const tone = c === 0 ? "text-gray-500" : up ? "text-emerald-700" : "text-rose-700";
  return <span className={`text-xs font-medium tabular-nums ${tone}`}>{c === 0 ? "±0%" : `${up ? "▲" : "▼"} ${Math.abs(c * 100).toFixed(0)}%`}</span>;
}

/** What the GMV includes (ADR 045): shipping and tax, when the shop's orders had any. */
function gmvParts(f: Figures, currency: string) {
  const has = (v: string | null): v is string => v !== null && /[1-9]/.test(v);
  const parts = [has(f.shipping) ? `shipping ${formatPrice(f.shipping, currency)}` : null, has(f.tax) ? `tax ${formatPrice(f.tax, currency)}` : null].filter(Boolean);
  return parts.length ? `incl. ${parts.join(" · ")}` : undefined;
}

function Stat({ label, value, now, before, testId, note }: { label: string; value: string; now: number; before: number; testId: string; note?: string }) {
  return (
    <div className="min-w-0 rounded-lg bg-gray-50 px-3 py-2.5">
      <dt className="truncate text-xs text-gray-500">{label}</dt>
      <dd className="mt-0.5 flex flex-wrap items-baseline justify-between gap-x-2">
        <span className="truncate text-lg font-semibold tabular-nums text-gray-900" data-testid={testId}>{value}</span>
        <Delta now={now} before={before} />
      </dd>
      {note ? <dd className="mt-0.5 truncate text-xs text-gray-500" data-testid={`${testId}-parts`}>{note}</dd> : null}
    </div>
  );
}

function PeriodCard({ k, block }: { k: PeriodKey; block: CurrencyOverview }) {
  const p = PERIODS.find((x) => x.key === k)!;
  const { current: c, previous: b } = block.periods[k];
  const money = (f: Figures, v: string | null) => (v === null ? "—" : formatPrice(v, block.currency));
  const n = (v: string | null) => (v === null ? 0 : Number(v));
  return (
    <Card title={p.label} description={`Change ${p.versus}`} className="min-w-0">
      <dl className="grid grid-cols-2 gap-2" data-testid={`period-${k}`}>
        <Stat label="Orders" value={String(c.orders)} now={c.orders} before={b.orders} testId={`${k}-orders`} />
        <Stat label="GMV" value={money(c, c.gmv)} now={n(c.gmv)} before={n(b.gmv)} testId={`${k}-gmv`} note={gmvParts(c, block.currency)} />
        <Stat label="Average order" value={money(c, c.aov)} now={n(c.aov)} before={n(b.aov)} testId={`${k}-aov`} />
        <Stat label="Checkouts paid" value={pct(c.conversion)} now={c.conversion ?? 0} before={b.conversion ?? 0} testId={`${k}-conversion`} />
        <Stat label="Refunds" value={`${c.refunds}${c.refunds ? ` · ${money(c, c.refunded)}` : ""}`} now={c.refunds} before={b.refunds} testId={`${k}-refunds`} />
        <Stat label="Disputes" value={String(c.disputes)} now={c.disputes} before={b.disputes} testId={`${k}-disputes`} />
      </dl>
    </Card>
  );
}

/** `topItems` false: the platform view, which has no items of its own. */
export function SalesOverview({ overview, title = "Sales", topItems = true }: { overview: Overview; title?: string; topItems?: boolean }) {
  return (
    <div className="space-y-6" data-testid="sales-overview">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold text-gray-900">{title}</h2>
        <p className="text-xs text-gray-500">Days in {overview.timeZone.replace(/_/g, " ")} · today is {overview.today}</p>
      </div>
      {overview.currencies.length === 0 ? <p className="text-sm text-gray-500">No orders in the last {Math.max(60, overview.chartDays)} days.</p> : null}
      {overview.currencies.map((block) => (
        <div key={block.currency} className="space-y-6">
          {overview.currencies.length > 1 ? <h3 className="text-sm font-semibold text-gray-700">{block.currency}</h3> : null}
          <div className="grid gap-4 md:grid-cols-3">
            {PERIODS.map((p) => <PeriodCard key={p.key} k={p.key} block={block} />)}
          </div>
          <Card
            title={`Last ${overview.chartDays} days`}
            actions={
              <nav aria-label="Chart span" className="flex gap-1 text-sm">
                {CHART_DAYS.map((d) => (
                  <Link key={d} to={`?chart=${d}`} preventScrollReset aria-current={d === overview.chartDays ? "page" : undefined}
                    className={`rounded-md px-2.5 py-1 ${d === overview.chartDays ? "bg-indigo-50 font-medium text-indigo-700" : "text-gray-600 hover:bg-gray-50"}`}>
                    {d} days
                  </Link>
                ))}
              </nav>
            }
          >
            <DailyChart chart={block.chart} currency={block.currency} />
          </Card>
          <div className="grid gap-4 md:grid-cols-2">
            <Card title="By payment rail" description="Paid orders, last 30 days">
              {block.rails.length === 0 ? <p className="text-sm text-gray-500">No paid orders yet.</p> : (
                <table className="w-full text-sm" data-testid="rails">
                  <thead className="text-left text-xs text-gray-500"><tr><th className="py-1 font-medium">Rail</th><th className="py-1 text-right font-medium">Orders</th><th className="py-1 text-right font-medium">GMV</th></tr></thead>
                  <tbody className="divide-y divide-gray-100">
                    {block.rails.map((r) => (
                      <tr key={r.rail}><td className="py-1.5">{RAIL_LABELS[r.rail] ?? r.rail}</td><td className="py-1.5 text-right tabular-nums">{r.orders}</td><td className="py-1.5 text-right tabular-nums">{formatPrice(r.gmv, block.currency)}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Card>
            {topItems ? (
              <Card title="Top items" description="By revenue, last 30 days">
                {block.topItems.length === 0 ? <p className="text-sm text-gray-500">No paid orders yet.</p> : (
                  <ol className="divide-y divide-gray-100 text-sm" data-testid="top-items">
                    {block.topItems.map((i) => (
                      <li key={i.itemId} className="flex items-baseline justify-between gap-3 py-1.5">
                        <span className="min-w-0 truncate">{i.title}</span>
                        <span className="shrink-0 tabular-nums text-gray-600">{i.quantity} sold · {formatPrice(i.revenue, block.currency)}</span>
                      </li>
                    ))}
                  </ol>
                )}
              </Card>
            ) : null}
          </div>
        </div>
      ))}
    </div>
  );
}
