import { formatDate } from "./page.tsx";

/**
 * "5 minutes ago", measured against `now` from the loader (not the browser clock), so the server and the
 * hydrating browser render the same text.
 */
export function relativeTime(iso: string, nowIso: string) {
  const seconds = Math.floor((Date.parse(nowIso) - Date.parse(iso)) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${Math.max(minutes, 1)} ${minutes === 1 ? "minute" : "minutes"} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} ${hours === 1 ? "hour" : "hours"} ago`;
  const days = Math.floor(hours / 24);
  return `${days} days ago`;
}

/** A past moment as relative text plus the exact UTC time; `empty` when there is none. */
export function Timestamp({ iso, now, empty = "—" }: { iso: string | null; now: string; empty?: React.ReactNode }) {
  if (!iso) return <span className="text-gray-500">{empty}</span>;
  const exact = formatDate(iso);
  return (
    <span>
      <time dateTime={iso} title={exact}>{relativeTime(iso, now)}</time>
      <span className="opacity-70"> · {exact}</span>
    </span>
  );
}
