/**
 * The chain module's entry: the escrow contract (ABI, compile, deploy, a local anvil for development and tests), the
 * runtime connection, the indexer and arbiter payouts.
 */
export { escrowAbi, tokenAbi, mockStablecoinAbi, DEAL_STATE, type DealState } from "./abi.ts";
export { compileContracts, loadArtifact, ARTIFACTS_DIR, type Artifact, type CompileResult } from "./compile.ts";
export {
  deployEscrow, deployMockToken, deployStorefront, MOCK_TOKENS, type DeployerClient, type Deployment,
  type DeployEscrowParams, type DeployMockTokenParams, type DeployStorefrontParams, type MockTokenName,
  type StorefrontDeployment,
} from "./deploy.ts";
export {
  startAnvil, ANVIL_PRIVATE_KEYS, ANVIL_MNEMONIC, ANVIL_CHAIN_ID, type RunningAnvil, type StartAnvilOptions,
} from "./anvil.ts";
export { connectChain, ChainConfigError, type ChainRuntime } from "./runtime.ts";
export { toBaseUnits, fromBaseUnits } from "./units.ts";
export { pollOnce, pendingConfirmed, clearHalt, indexerState, type ConfirmedChainEvent, type PollResult, type ChainEventName } from "./indexer.ts";
export { advancePayout, openPayouts, dealState, type PayoutStep, type PayoutGuard, type PayoutOptions } from "./payouts.ts";
