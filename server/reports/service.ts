/** The reports as the dashboard, the console and the API ask for them: each reads the shop's zone and currency first. */
import type { PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import type { SqlRunner } from "#server/db/index.ts";
import { salesOverview } from "./overview.ts";
import { dayRange, movementsPage, payoutBalances, type MovementRange } from "./payouts.ts";
import { monthRange, movementsCsv, statementCsv } from "./statement.ts";
import { addDays, localToday, type LocalDay } from "./shared.ts";

export class ReportsService {
  constructor(private deps: { prisma: PrismaClient; sql: SqlRunner; now?: () => Date }) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** The shop's zone and currency (the tenant floor starts here: an unknown shop is a 404). */
  async shopClock(tenantId: string) {
    const t = await this.deps.prisma.tenant.findUnique({ where: { id: tenantId }, select: { timeZone: true, currency: true } });
    if (!t) throw new ApiError(404, "TENANT_NOT_FOUND", "No such tenant.");
    return t;
  }

  async overview(tenantId: string, chartDays: number) {
    const { timeZone, currency } = await this.shopClock(tenantId);
    return salesOverview(this.deps.sql.query, { tenantId }, { timeZone, currency, now: this.now(), chartDays });
  }

  /** Every shop together, in UTC and per currency (operators). */
  platformOverview(chartDays: number) {
    return salesOverview(this.deps.sql.query, { platform: true }, { timeZone: "UTC", now: this.now(), chartDays });
  }

  balances(tenantId: string) {
    return payoutBalances(this.deps.sql.query, tenantId);
  }

  /** Local days [from, to] in the shop's zone; by default the last 30 days. */
  async movementRange(tenantId: string, days: { from?: LocalDay; to?: LocalDay }): Promise<MovementRange & { fromDay: LocalDay; toDay: LocalDay; timeZone: string }> {
    const { timeZone } = await this.shopClock(tenantId);
    const toDay = days.to ?? localToday(this.now(), timeZone);
    const fromDay = days.from ?? addDays(toDay, -29);
    if (fromDay > toDay) throw new ApiError(400, "VALIDATION_ERROR", "from: must not be after to", { issues: [{ in: "query", path: "from", message: "must not be after to" }] });
    return { ...(await dayRange(this.deps.sql.query, timeZone, fromDay, toDay)), fromDay, toDay, timeZone };
  }

  async movements(tenantId: string, q: { from?: LocalDay; to?: LocalDay; limit: number; after?: string }) {
    const range = await this.movementRange(tenantId, q);
    const rows = await movementsPage(this.deps.sql.query, tenantId, range, { limit: q.limit + 1, after: q.after });
    const items = rows.slice(0, q.limit);
    return { range, items, nextAfter: rows.length > q.limit ? items.at(-1)!.id : null };
  }

  async movementsCsv(tenantId: string, days: { from?: LocalDay; to?: LocalDay }) {
    const range = await this.movementRange(tenantId, days);
    return { range, body: movementsCsv(this.deps.sql.query, tenantId, range) };
  }

  async statementCsv(tenantId: string, month: string) {
    const { timeZone } = await this.shopClock(tenantId);
    return statementCsv(this.deps.sql.query, tenantId, await monthRange(this.deps.sql.query, month, timeZone));
  }
}
