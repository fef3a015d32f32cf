/** The order's status changes, oldest first, as recorded by the state machine (one event per transition). */
import { formatDateTime } from "#app/components/ops/format.ts";
import { orderStatusLabel } from "./order-status.tsx";

export interface TimelineEvent {
  from: string | null;
  to: string;
  at: string;
}

export function StatusTimeline({ events }: { events: TimelineEvent[] }) {
  if (events.length === 0) return <p className="text-sm text-gray-500">No status changes recorded.</p>;
  return (
    <ol className="space-y-0" data-testid="status-timeline">
      {events.map((e, i) => {
        const last = i === events.length - 1;
        return (
          <li key={`${e.to}-${e.at}`} className="relative flex gap-3 pb-4 last:pb-0">
            {last ? null : <span aria-hidden className="absolute top-3 left-[5px] h-full w-px bg-gray-200" />}
            <span aria-hidden className={`relative mt-1.5 size-2.75 shrink-0 rounded-full ring-2 ring-white ${last ? "bg-indigo-600" : "bg-gray-300"}`} />
            <div className="min-w-0">
              <p className={`text-sm ${last ? "font-semibold text-gray-900" : "text-gray-800"}`}>
                {e.from === null ? `Order placed · ${orderStatusLabel(e.to)}` : orderStatusLabel(e.to)}
              </p>
              <p className="text-xs text-gray-500">
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
