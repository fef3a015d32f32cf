/** TEMPORARY (replaced by the contract helper's hand-written ABI on merge). */
import { parseAbi } from "viem";

export const escrowAbi = parseAbi([
  "constructor(address token_, address arbiter_, address feeRecipient_)",
  "function deals(bytes32 orderRef) view returns (address buyer, address merchant, uint256 amount, uint8 state)",
  "function directPaid(bytes32 orderRef) view returns (bool)",
  "function totalHeld() view returns (uint256)",
  "function token() view returns (address)",
  "function arbiter() view returns (address)",
  "function pendingArbiter() view returns (address)",
  "function feeRecipient() view returns (address)",
  "function paused() view returns (bool)",
  "function fund(bytes32 orderRef, address merchant, uint256 amount)",
  "function payDirect(bytes32 orderRef, address merchant, uint256 amount)",
  "function release(bytes32 orderRef, uint256 fee)",
  "function refund(bytes32 orderRef)",
  "function transferArbiter(address next)",
  "function acceptArbiter()",
  "function setFeeRecipient(address next)",
  "function pause()",
  "function unpause()",
  "event Funded(bytes32 indexed orderRef, address indexed buyer, address indexed merchant, uint256 amount)",
  "event PaidDirect(bytes32 indexed orderRef, address indexed buyer, address indexed merchant, uint256 amount)",
  "event Released(bytes32 indexed orderRef, address indexed merchant, uint256 merchantAmount, uint256 fee)",
  "event Refunded(bytes32 indexed orderRef, address indexed buyer, uint256 amount)",
]);

export const tokenAbi = parseAbi([
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function balanceOf(address who) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function transfer(address to, uint256 amount) returns (bool)",
  "function mint(address to, uint256 amount)",
]);
