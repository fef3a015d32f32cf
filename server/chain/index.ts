export { escrowAbi, tokenAbi, mockStablecoinAbi, DEAL_STATE, type DealState } from "./abi.ts";
export { compileContracts, loadArtifact, ARTIFACTS_DIR, type Artifact, type CompileResult } from "./compile.ts";
export {
  deployEscrow,
  deployMockToken,
  deployStorefront,
  MOCK_TOKENS,
  type DeployerClient,
  type Deployment,
  type DeployEscrowParams,
  type DeployMockTokenParams,
  type DeployStorefrontParams,
  type MockTokenName,
  type StorefrontDeployment,
} from "./deploy.ts";
export { startAnvil, ANVIL_PRIVATE_KEYS, ANVIL_MNEMONIC, ANVIL_CHAIN_ID, type RunningAnvil, type StartAnvilOptions } from "./anvil.ts";
