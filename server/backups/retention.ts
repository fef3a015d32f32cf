/**
 * Which per-shop archives to keep (ADR 043): every day's newest for 30 days, then each week's newest for 6 months,
 * then each month's newest for good. Pure, so the policy is tested on its own; the prune job applies it per shop.
 * Periods are UTC calendar days, ISO weeks (starting Monday) and months.
 */
const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  dailyDays: number;
  weeklyMonths: number;
}
export const DEFAULT_RETENTION: RetentionPolicy = { dailyDays: 30, weeklyMonths: 6 };

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const monthKey = (d: Date) => d.toISOString().slice(0, 7);
function weekKey(d: Date) {
  // The Monday that starts d's week, as a date: weeks never straddle two keys.
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY_MS);
  return dayKey(monday);
}

/** The ids to keep among one shop's successful backups; everything else may be pruned. Future-dated ones are kept. */
export function backupsToKeep<T extends { id: string; runAt: Date }>(backups: T[], now: Date, policy = DEFAULT_RETENTION): Set<string> {
  const dailyFrom = new Date(now.getTime() - policy.dailyDays * DAY_MS);
  const weeklyFrom = new Date(now);
  weeklyFrom.setUTCMonth(weeklyFrom.getUTCMonth() - policy.weeklyMonths);
  const newestFirst = [...backups].sort((a, b) => b.runAt.getTime() - a.runAt.getTime());
  const keep = new Set<string>();
  const seen = new Set<string>();
  for (const b of newestFirst) {
    const bucket = b.runAt >= now ? `future:${b.id}` : b.runAt >= dailyFrom ? `d:${dayKey(b.runAt)}` : b.runAt >= weeklyFrom ? `w:${weekKey(b.runAt)}` : `m:${monthKey(b.runAt)}`;
    if (seen.has(bucket)) continue;
    seen.add(bucket);
    keep.add(b.id);
  }
  return keep;
}
