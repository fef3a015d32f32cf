/**
 * DOM-4 check schedule. Pending domains are re-checked on a backoff — the first checks within minutes (merchants
 * usually create the records right after adding the domain), then less often, capped at 4 hours — until they verify or
 * give up after DOMAIN_PENDING_MAX_DAYS. Active and degraded domains are re-checked daily.
 */
const PENDING_STEPS_MIN = [1, 2, 5, 10, 30, 60, 120, 240];
export const PENDING_CAP_MS = 4 * 3_600_000;
export const ACTIVE_RECHECK_MS = 24 * 3_600_000;
/** A degraded domain is looked at hourly, so a fixed record turns it active again soon. */
export const DEGRADED_RECHECK_MS = 3_600_000;

/** Delay before the next check of a pending domain that has failed `attempts` checks so far. */
export function pendingDelayMs(attempts: number): number {
  const step = PENDING_STEPS_MIN[Math.min(Math.max(attempts, 0), PENDING_STEPS_MIN.length - 1)]!;
  return Math.min(step * 60_000, PENDING_CAP_MS);
}

/**
 * When a domain that enters `status` without a check of ours (a manifest declares it) is first looked at: on the
 * schedule a check would have set, so a declared "active" domain is re-checked daily like a verified one, instead of
 * never (the sweep only picks up domains with a next check).
 */
export function firstCheckAt(status: string, now: Date): Date | null {
  if (status === "active") return new Date(now.getTime() + ACTIVE_RECHECK_MS);
  if (status === "degraded") return new Date(now.getTime() + DEGRADED_RECHECK_MS);
  if (status === "pending") return new Date(now.getTime() + pendingDelayMs(0));
  return null;
}
