/** The chain module's entry: the escrow contract's ABI, the runtime connection, the indexer and arbiter payouts. */
export { escrowAbi, tokenAbi } from "./abi.ts";
export { connectChain, ChainConfigError, type ChainRuntime } from "./runtime.ts";
export { toBaseUnits, fromBaseUnits } from "./units.ts";
export { pollOnce, pendingConfirmed, clearHalt, indexerState, type ConfirmedChainEvent, type PollResult, type ChainEventName } from "./indexer.ts";
export { advancePayout, openPayouts, dealState, type PayoutStep, type PayoutGuard, type PayoutOptions } from "./payouts.ts";
