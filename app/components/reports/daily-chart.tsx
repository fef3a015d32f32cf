/**
 * A daily bar chart as server-rendered SVG (ADR 031): no client script, and a fixed viewBox so the page never
 * shifts. Amounts become numbers only for bar heights; every figure shown is the decimal string. Screen readers get
 * the same data as a table.
 */
import { formatPrice } from "#app/components/storefront/money.ts";
import type { ChartDay } from "#server/reports/shared.ts";

const W = 640;
const H = 160;
const PAD = { top: 12, right: 8, bottom: 22, left: 8 };

const shortDay = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

function Bars({ id, title, values, labels, days, color }: { id: string; title: string; values: number[]; labels: string[]; days: string[]; color: string }) {
  const max = Math.max(0, ...values);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, values.length);
  const bar = Math.max(1, slot * 0.7);
  const peak = values.indexOf(max);
  return (
    <figure className="min-w-0">
      <figcaption id={`${id}-title`} className="mb-1 flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-gray-900">{title}</span>
        <span className="text-xs text-gray-500">peak {max > 0 ? labels[peak] : "—"}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="block h-auto w-full" role="img" aria-labelledby={`${id}-title`} preserveAspectRatio="none" data-testid={id}>
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom + 0.5} y2={H - PAD.bottom + 0.5} stroke="#e5e7eb" />
        {values.map((v, i) => {
          const h = max > 0 ? (v / max) * innerH : 0;
          return (
            <rect key={days[i]} x={PAD.left + i * slot + (slot - bar) / 2} y={H - PAD.bottom - h} width={bar} height={h} rx={Math.min(2, bar / 3)} fill={color}>
              <title>{`${shortDay(days[i]!)}: ${labels[i]}`}</title>
            </rect>
          );
        })}
        <text x={PAD.left} y={H - 6} fontSize="11" fill="#6b7280">{shortDay(days[0]!)}</text>
        <text x={W - PAD.right} y={H - 6} fontSize="11" fill="#6b7280" textAnchor="end">{shortDay(days.at(-1)!)}</text>
      </svg>
    </figure>
  );
}

export function DailyChart({ chart, currency }: { chart: ChartDay[]; currency: string }) {
  const days = chart.map((d) => d.day);
  return (
    <div>
      <div className="grid gap-6 lg:grid-cols-2" aria-hidden="false">
        <Bars id="chart-gmv" title="GMV per day" days={days} color="#4f46e5"
          values={chart.map((d) => Number(d.gmv))} labels={chart.map((d) => formatPrice(d.gmv, currency))} />
        <Bars id="chart-orders" title="Paid orders per day" days={days} color="#10b981"
          values={chart.map((d) => d.orders)} labels={chart.map((d) => String(d.orders))} />
      </div>
      <table className="sr-only">
        <caption>Paid orders and GMV per day</caption>
        <thead><tr><th scope="col">Day</th><th scope="col">Orders</th><th scope="col">GMV</th></tr></thead>
        <tbody>
          {chart.map((d) => (
            <tr key={d.day}><th scope="row">{d.day}</th><td>{d.orders}</td><td>{formatPrice(d.gmv, currency)}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
