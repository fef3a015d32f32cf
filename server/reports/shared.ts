/**
 * Browser-safe parts of the shop's reports (ADR 031): the periods the overview compares, and
 * the shapes the dashboard renders. Imports nothing server-only.
 */
import { z } from "zod";

/** The overview's chart spans (days). */
export const CHART_DAYS = [30, 90] as const;
export const overviewQuerySchema = z.object({ chart: z.enum(["30", "90"]).default("30").transform(Number) });

/** A calendar day in the shop's time zone, YYYY-MM-DD. */
export type LocalDay = string;
export const localDaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "not a date");
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month like 2026-11");

/** Today in `timeZone`, as a local day. */
export function localToday(now: Date, timeZone: string): LocalDay {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** `day` moved by `n` calendar days (negative: back). */
export function addDays(day: LocalDay, n: number): LocalDay {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The period a figure covers: today, the last 7 days or the last 30 days, each against the one before it. */
export const PERIODS = [
  { key: "today", days: 1, label: "Today", versus: "vs yesterday" },
  { key: "d7", days: 7, label: "7 days", versus: "vs the 7 days before" },
  { key: "d30", days: 30, label: "30 days", versus: "vs the 30 days before" },
] as const;
export type PeriodKey = (typeof PERIODS)[number]["key"];

export interface Figures {
  /** Orders created (checkouts), paid or not. */
  checkouts: number;
  /** Of those, the ones that were paid. */
  orders: number;
  /**
   * Sum of the paid orders' totals (decimal string), refunds not subtracted: what buyers paid, shipping and tax
   * included (ADR 045), so it agrees with the ledger the Payouts page reads.
   */
  gmv: string;
  /** Of the GMV, shipping and tax (ADR 045); null in the platform view, which does not split them. */
  shipping: string | null;
  tax: string | null;
  /** Average paid order (decimal string, rounded to the currency's minor unit); null without orders. */
  aov: string | null;
  /** orders / checkouts; null without checkouts. */
  conversion: number | null;
  refunds: number;
  refunded: string;
  disputes: number;
}

export interface PeriodFigures {
  current: Figures;
  previous: Figures;
}

export interface ChartDay {
  day: LocalDay;
  orders: number;
  gmv: string;
}

export interface CurrencyOverview {
  currency: string;
  periods: Record<PeriodKey, PeriodFigures>;
  chart: ChartDay[];
  /** The last 30 days, by rail. */
  rails: { rail: string; orders: number; gmv: string }[];
  /** The last 30 days' best sellers by revenue (empty for the whole platform). */
  topItems: { itemId: string; title: string; quantity: number; revenue: string }[];
}

export interface SalesOverview {
  timeZone: string;
  today: LocalDay;
  chartDays: number;
  /** One block per currency the orders were taken in (a shop normally has one). */
  currencies: CurrencyOverview[];
}

/** Relative change from `before` to `now` (0.25 = +25 %); null when there was nothing before. */
export function change(now: number, before: number): number | null {
  if (before === 0) return now === 0 ? 0 : null;
  return (now - before) / before;
}

/** The Payouts page's movement list: local days [from, to] (default: the last 30), oldest first, `after` a movement id. */
export const movementsQuerySchema = z.object({
  from: localDaySchema.optional(),
  to: localDaySchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.uuid().optional(),
});
export const statementQuerySchema = z.object({ month: monthSchema });

/** One currency of the Payouts page (decimal strings). */
export interface Balances {
  currency: string;
  escrow: string;
  payable: string;
  feesOwed: string;
  /** Credits to merchant_payable: money that reached the merchant (escrow releases, direct/card/invoice payments). */
  paidOut: string;
  /** Debits from merchant_payable: fees accrued on billed rails and card refunds. */
  deducted: string;
}
