/**
 * Hand-written ABIs (`as const`, so viem infers argument and return types). server/chain/abi.test.ts checks them
 * against what solc compiles from contracts/, so they cannot drift from the Solidity.
 */

const orderRef = { name: "orderRef", type: "bytes32" } as const;

/** contracts/StorefrontEscrow.sol. `deals(ref).state`: 0 None, 1 Held, 2 Released, 3 Refunded (see `DEAL_STATE`). */
export const escrowAbi = [
  {
    type: "constructor",
    stateMutability: "nonpayable",
    inputs: [
      { name: "token_", type: "address" },
      { name: "arbiter_", type: "address" },
      { name: "feeRecipient_", type: "address" },
    ],
  },

  // Reads
  {
    type: "function",
    name: "deals",
    stateMutability: "view",
    inputs: [orderRef],
    outputs: [
      { name: "buyer", type: "address" },
      { name: "merchant", type: "address" },
      { name: "amount", type: "uint256" },
      { name: "state", type: "uint8" },
    ],
  },
  { type: "function", name: "directPaid", stateMutability: "view", inputs: [orderRef], outputs: [{ name: "", type: "bool" }] },
  { type: "function", name: "totalHeld", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "uint256" }] },
  { type: "function", name: "token", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "address" }] },
  { type: "function", name: "arbiter", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "address" }] },
  { type: "function", name: "pendingArbiter", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "address" }] },
  { type: "function", name: "feeRecipient", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "address" }] },
  { type: "function", name: "paused", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "bool" }] },

  // Money movements
  {
    type: "function",
    name: "fund",
    stateMutability: "nonpayable",
    inputs: [orderRef, { name: "merchant", type: "address" }, { name: "amount", type: "uint256" }],
    outputs: [],
  },
  {
    type: "function",
    name: "payDirect",
    stateMutability: "nonpayable",
    inputs: [orderRef, { name: "merchant", type: "address" }, { name: "amount", type: "uint256" }],
    outputs: [],
  },
  {
    type: "function",
    name: "release",
    stateMutability: "nonpayable",
    inputs: [orderRef, { name: "fee", type: "uint256" }],
    outputs: [],
  },
  { type: "function", name: "refund", stateMutability: "nonpayable", inputs: [orderRef], outputs: [] },

  // Administration (arbiter only)
  {
    type: "function",
    name: "transferArbiter",
    stateMutability: "nonpayable",
    inputs: [{ name: "next", type: "address" }],
    outputs: [],
  },
  { type: "function", name: "acceptArbiter", stateMutability: "nonpayable", inputs: [], outputs: [] },
  {
    type: "function",
    name: "setFeeRecipient",
    stateMutability: "nonpayable",
    inputs: [{ name: "next", type: "address" }],
    outputs: [],
  },
  { type: "function", name: "pause", stateMutability: "nonpayable", inputs: [], outputs: [] },
  { type: "function", name: "unpause", stateMutability: "nonpayable", inputs: [], outputs: [] },

  // Events
  {
    type: "event",
    name: "Funded",
    anonymous: false,
    inputs: [
      { ...orderRef, indexed: true },
      { name: "buyer", type: "address", indexed: true },
      { name: "merchant", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "PaidDirect",
    anonymous: false,
    inputs: [
      { ...orderRef, indexed: true },
      { name: "buyer", type: "address", indexed: true },
      { name: "merchant", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Released",
    anonymous: false,
    inputs: [
      { ...orderRef, indexed: true },
      { name: "merchant", type: "address", indexed: true },
      { name: "merchantAmount", type: "uint256", indexed: false },
      { name: "fee", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Refunded",
    anonymous: false,
    inputs: [
      { ...orderRef, indexed: true },
      { name: "buyer", type: "address", indexed: true },
      { name: "amount", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "ArbiterTransferStarted",
    anonymous: false,
    inputs: [
      { name: "current", type: "address", indexed: true },
      { name: "pending", type: "address", indexed: true },
    ],
  },
  {
    type: "event",
    name: "ArbiterTransferred",
    anonymous: false,
    inputs: [
      { name: "previous", type: "address", indexed: true },
      { name: "next", type: "address", indexed: true },
    ],
  },
  {
    type: "event",
    name: "FeeRecipientChanged",
    anonymous: false,
    inputs: [
      { name: "previous", type: "address", indexed: true },
      { name: "next", type: "address", indexed: true },
    ],
  },
  { type: "event", name: "Paused", anonymous: false, inputs: [{ name: "by", type: "address", indexed: false }] },
  { type: "event", name: "Unpaused", anonymous: false, inputs: [{ name: "by", type: "address", indexed: false }] },

  // Errors (the last two come from OpenZeppelin's ReentrancyGuard and SafeERC20)
  { type: "error", name: "NotArbiter", inputs: [] },
  { type: "error", name: "NotPendingArbiter", inputs: [] },
  { type: "error", name: "IsPaused", inputs: [] },
  { type: "error", name: "RefUsed", inputs: [orderRef] },
  { type: "error", name: "NotHeld", inputs: [orderRef] },
  { type: "error", name: "FeeTooHigh", inputs: [] },
  { type: "error", name: "ZeroAmount", inputs: [] },
  { type: "error", name: "ZeroAddress", inputs: [] },
  { type: "error", name: "FeeOnTransferNotSupported", inputs: [] },
  { type: "error", name: "ReentrancyGuardReentrantCall", inputs: [] },
  { type: "error", name: "SafeERC20FailedOperation", inputs: [{ name: "token", type: "address" }] },
] as const;

/** `deals(ref).state` values. */
export const DEAL_STATE = { None: 0, Held: 1, Released: 2, Refunded: 3 } as const;
export type DealState = (typeof DEAL_STATE)[keyof typeof DEAL_STATE];

/** The ERC-20 calls the platform makes, plus the mocks' open `mint` (dev/test chains only). */
export const tokenAbi = [
  { type: "function", name: "name", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "string" }] },
  { type: "function", name: "symbol", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "string" }] },
  { type: "function", name: "decimals", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "uint8" }] },
  { type: "function", name: "totalSupply", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "uint256" }] },
  {
    type: "function",
    name: "balanceOf",
    stateMutability: "view",
    inputs: [{ name: "account", type: "address" }],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "function",
    name: "allowance",
    stateMutability: "view",
    inputs: [
      // eslint-disable-next-line no-restricted-syntax -- the ERC-20 parameter name, not a tenant role
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
    ],
    outputs: [{ name: "", type: "uint256" }],
  },
  {
    type: "function",
    name: "approve",
    stateMutability: "nonpayable",
    inputs: [
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
    ],
    outputs: [{ name: "", type: "bool" }],
  },
  {
    type: "function",
    name: "transfer",
    stateMutability: "nonpayable",
    inputs: [
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
    ],
    outputs: [{ name: "", type: "bool" }],
  },
  {
    type: "function",
    name: "transferFrom",
    stateMutability: "nonpayable",
    inputs: [
      { name: "from", type: "address" },
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
    ],
    outputs: [{ name: "", type: "bool" }],
  },
  {
    type: "function",
    name: "mint",
    stateMutability: "nonpayable",
    inputs: [
      { name: "to", type: "address" },
      { name: "amount", type: "uint256" },
    ],
    outputs: [],
  },
  {
    type: "event",
    name: "Transfer",
    anonymous: false,
    inputs: [
      { name: "from", type: "address", indexed: true },
      { name: "to", type: "address", indexed: true },
      { name: "value", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "Approval",
    anonymous: false,
    inputs: [
      // eslint-disable-next-line no-restricted-syntax -- the ERC-20 parameter name, not a tenant role
      { name: "owner", type: "address", indexed: true },
      { name: "spender", type: "address", indexed: true },
      { name: "value", type: "uint256", indexed: false },
    ],
  },
] as const;

/** contracts/mocks/MockStablecoin.sol: `tokenAbi` plus its USDC-like blacklist (open to anyone; dev/test only). */
export const mockStablecoinAbi = [
  ...tokenAbi,
  {
    type: "function",
    name: "setBlacklisted",
    stateMutability: "nonpayable",
    inputs: [
      { name: "who", type: "address" },
      { name: "on", type: "bool" },
    ],
    outputs: [],
  },
  {
    type: "function",
    name: "blacklisted",
    stateMutability: "view",
    inputs: [{ name: "who", type: "address" }],
    outputs: [{ name: "", type: "bool" }],
  },
  {
    type: "event",
    name: "BlacklistSet",
    anonymous: false,
    inputs: [
      { name: "who", type: "address", indexed: true },
      { name: "on", type: "bool", indexed: false },
    ],
  },
  { type: "error", name: "Blacklisted", inputs: [{ name: "who", type: "address" }] },
] as const;
