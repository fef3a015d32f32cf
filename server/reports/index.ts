/** Shop reports (ADR 031): the sales overview and the Payouts page's balances, movements and statements. */
export { salesOverview, overviewDayQuery, topItemsQuery, type OverviewScope } from "./overview.ts";
export { payoutBalances, movementsPage, dayRange, PAYOUT_ACCOUNTS, type Movement, type PayoutAccount } from "./payouts.ts";
export { movementsCsv, statementCsv, monthRange, csvField } from "./statement.ts";
export * from "./shared.ts";
export { ReportsService } from "./service.ts";
