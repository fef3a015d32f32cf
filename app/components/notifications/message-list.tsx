import { Badge, type BadgeTone } from "#app/components/ui/badge.tsx";
import { formatDate } from "#app/components/ui/page.tsx";

export interface MessageRow {
  id: string;
  at: string;
  template: string;
  recipient: string;
  status: string;
  error: string | null;
  via: "shop" | "platform" | null;
}

const STATUS: Record<string, { tone: BadgeTone; label: string }> = {
  queued: { tone: "gray", label: "Queued" },
  sending: { tone: "indigo", label: "Sending" },
  sent: { tone: "green", label: "Sent" },
  failed: { tone: "red", label: "Failed" },
  cancelled: { tone: "gray", label: "Cancelled" },
};

/** The shop's last messages: a list on phones, the same rows as a table from `sm` up. */
export function MessageList({ messages }: { messages: MessageRow[] }) {
  if (!messages.length) return <p className="text-sm text-gray-500">No mail has been sent for this shop yet.</p>;
  return (
    <ul className="-my-2 divide-y divide-gray-100" data-testid="messages">
      {messages.map((m) => {
        const s = STATUS[m.status] ?? { tone: "gray" as const, label: m.status };
        return (
          <li key={m.id} className="grid gap-1 py-2.5 text-sm sm:grid-cols-[10rem_1fr_auto] sm:items-baseline sm:gap-4" data-testid="message">
            <span className="text-xs text-gray-500">{formatDate(m.at)}</span>
            <span className="min-w-0">
              <span className="font-medium text-gray-900">{m.template}</span>
              <span className="text-gray-500"> to </span>
              <span className="break-all text-gray-700" data-field="recipient">{m.recipient}</span>
              {m.via ? <span className="text-xs text-gray-400"> · via {m.via === "shop" ? "your server" : "the platform"}</span> : null}
              {m.error ? <span className="mt-0.5 block text-xs break-words text-red-700" data-field="error">{m.error}</span> : null}
            </span>
            <span><Badge tone={s.tone}>{s.label}</Badge></span>
          </li>
        );
      })}
    </ul>
  );
}
