/** The money core's public entry (docs/money.md): everything outside server/money imports from here only. */
export { MoneyService, type MoneyDeps } from "./service.ts";
export { moneyConfigFromEnv, type MoneyConfig } from "./config.ts";
export type { MoneyScheduler, OrderEventKind, PayoutKind } from "./context.ts";
export {
  checkoutSchema, idempotencyKeySchema, deliveryCodeSchema, orderCancelSchema, orderRefundSchema, disputeOpenSchema, disputeResolveSchema, markPaidSchema, killSwitchSchema,
  platformFeeSchema, chainClearHaltSchema, feeMonthSchema, feeStatementsQuerySchema, feeSettleSchema, orderListQuerySchema, shippingAddressSchema, ORDER_STATUSES, type CheckoutInput, type OrderListQuery,
} from "./schemas.ts";
export { PROTECTION_LABELS, RAIL_COPY } from "./views.ts";
export { eligibleRails, FREE_CART_MESSAGE } from "./checkout.ts";
export { TRANSITIONS } from "./state-machine.ts";
export { CARRIER_OPTIONS, trackingSchema, trackingView, type TrackingInput } from "./carriers.ts";
export { stripeDisclosure } from "./rails/index.ts";
export { RailRegistry, SandboxLedger, defaultRails, type RailAdapter, type RailOrder, type ExternalTransfer, type PaymentInstructions } from "./rails/index.ts";
export { armFailpoints } from "#server/jobs/index.ts";
export { post as postLedger, accountKey, type PostingInput } from "./ledger.ts";
export { moneyTx } from "./money-tx.ts";
export { toUnits, fromUnits, canonical, feeOf, percentOfBps } from "./amounts.ts";
export { sha256Hex, secretsOf, storedOrderToken } from "./secrets.ts";
export { bullScheduler, syncMoneyQueuePause } from "./jobs.ts";
export { reconcile } from "./reconcile.ts";
export { CHAIN_OFF_MESSAGE } from "./chain-ops.ts";
export { connectIntegrationSchema, type ConnectIntegrationInput, type IntegrationView } from "./stripe/integrations.ts";
export { generateStatements as generateFeeStatements, previousMonth, FEE_STATEMENT_SYSTEM_ACTOR } from "./fee-statements.ts";
export { lineRefunds } from "./refunds.ts";
