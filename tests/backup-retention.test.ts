/** Retention of per-shop archives (ADR 043): 30 daily, then weekly for 6 months, then monthly. A pure function. */
import { describe, expect, it } from "vitest";
import { backupsToKeep } from "#server/backups/index.ts";

const DAY = 86_400_000;
const now = new Date("2026-12-07T12:00:00Z");
/** One backup a day at 02:00 UTC for `days` days back from now. */
const daily = (days: number) => Array.from({ length: days }, (_, i) => {
  const runAt = new Date(Date.UTC(2026, 11, 7, 2) - i * DAY);
  return { id: runAt.toISOString(), runAt };
});

describe("backupsToKeep", () => {
  it("keeps every day for 30 days, each week's newest to 6 months, then each month's newest", () => {
    const all = daily(400);
    const keep = backupsToKeep(all, now);
    const kept = all.filter((b) => keep.has(b.id)).map((b) => b.runAt);
    const age = (d: Date) => (now.getTime() - d.getTime()) / DAY;
    // Daily: the 30 newest days are all there.
    expect(kept.filter((d) => age(d) < 30)).toHaveLength(30);
    // Weekly: between 30 days and 6 months (2026-06-07), one per ISO week, each a Sunday (the week's newest), except
    // the week the 30-day line cuts (its Sunday is still a daily one, so its newest older day stands for it).
    const weekly = kept.filter((d) => age(d) >= 30 && d >= new Date("2026-06-07T12:00:00Z"));
    const weeks = weekly.map((d) => Math.floor((d.getTime() - Date.UTC(2026, 0, 5)) / (7 * DAY)));
    expect(new Set(weeks).size).toBe(weeks.length);
    expect(weekly.slice(1).every((d) => d.getUTCDay() === 0)).toBe(true);
    expect(weekly.length).toBeGreaterThanOrEqual(20);
    expect(weekly.length).toBeLessThanOrEqual(23);
    // Monthly: older than that, one per calendar month, its last day.
    const monthly = kept.filter((d) => d < new Date("2026-06-07T12:00:00Z"));
    const months = monthly.map((d) => d.toISOString().slice(0, 7));
    expect(new Set(months).size).toBe(months.length);
    expect(months).toContain("2026-01");
    expect(months).toContain("2025-11");
    for (const d of monthly.filter((x) => x.toISOString().slice(0, 7) < "2026-06")) expect(new Date(d.getTime() + DAY).getUTCDate()).toBe(1);
    expect(kept.length).toBeLessThan(all.length / 5);
  });

  it("keeps several backups of one day only once (the newest), and keeps a lone old backup", () => {
    const a = { id: "a", runAt: new Date("2026-12-06T01:00:00Z") };
    const b = { id: "b", runAt: new Date("2026-12-06T23:00:00Z") };
    const old = { id: "old", runAt: new Date("2024-03-15T02:00:00Z") };
    expect([...backupsToKeep([a, b, old], now)].sort()).toEqual(["b", "old"]);
  });

  it("applying it again to what it kept keeps the same set (pruning is stable)", () => {
    const all = daily(400);
    const keep = backupsToKeep(all, now);
    const kept = all.filter((b) => keep.has(b.id));
    expect(backupsToKeep(kept, now)).toEqual(keep);
  });
});
