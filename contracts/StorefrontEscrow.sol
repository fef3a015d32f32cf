// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/**
 * @title StorefrontEscrow
 * @notice Holds one ERC-20 (a stablecoin) per order until the platform's arbiter releases it to the merchant (minus
 * the platform fee) or refunds the buyer; also records direct buyer-to-merchant payments so both rails share one
 * order-reference namespace. An order reference is used at most once, by either rail, for ever.
 *
 * Every state-changing entry point is nonReentrant and follows checks-effects-interactions: the deal's state and
 * `totalHeld` are written before any token call, so a token that calls back in (ERC-777 hooks, a malicious or
 * upgraded token) finds the reference already used / no longer Held even if the guard were absent.
 */
contract StorefrontEscrow is ReentrancyGuard {
    using SafeERC20 for IERC20;

    enum State {
        None,
        Held,
        Released,
        Refunded
    }

    // Field order packs buyer + state into one slot (one SSTORE fewer on fund); the public getter below keeps the
    // documented (buyer, merchant, amount, state) order.
    struct Deal {
        address buyer;
        State state;
        address merchant;
        uint256 amount;
    }

    IERC20 public immutable token;
    address public arbiter;
    address public pendingArbiter;
    address public feeRecipient;
    bool public paused;
    /// Sum of the amounts of all Held deals: what the contract owes. Its token balance may exceed it (stray transfers).
    uint256 public totalHeld;
    mapping(bytes32 orderRef => bool) public directPaid;
    mapping(bytes32 orderRef => Deal) private _deals;

    event Funded(bytes32 indexed orderRef, address indexed buyer, address indexed merchant, uint256 amount);
    event PaidDirect(bytes32 indexed orderRef, address indexed buyer, address indexed merchant, uint256 amount);
    event Released(bytes32 indexed orderRef, address indexed merchant, uint256 merchantAmount, uint256 fee);
    event Refunded(bytes32 indexed orderRef, address indexed buyer, uint256 amount);
    event ArbiterTransferStarted(address indexed current, address indexed pending);
    event ArbiterTransferred(address indexed previous, address indexed next);
    event FeeRecipientChanged(address indexed previous, address indexed next);
    event Paused(address by);
    event Unpaused(address by);

    error NotArbiter();
    error NotPendingArbiter();
    error IsPaused();
    error RefUsed(bytes32 orderRef);
    error NotHeld(bytes32 orderRef);
    error FeeTooHigh();
    error ZeroAmount();
    error ZeroAddress();
    error FeeOnTransferNotSupported();

    modifier onlyArbiter() {
        if (msg.sender != arbiter) revert NotArbiter();
        _;
    }

    modifier whenNotPaused() {
        if (paused) revert IsPaused();
        _;
    }

    constructor(address token_, address arbiter_, address feeRecipient_) {
        if (token_ == address(0) || arbiter_ == address(0) || feeRecipient_ == address(0)) revert ZeroAddress();
        token = IERC20(token_);
        arbiter = arbiter_;
        feeRecipient = feeRecipient_;
        emit ArbiterTransferred(address(0), arbiter_);
    }

    function deals(
        bytes32 orderRef
    ) external view returns (address buyer, address merchant, uint256 amount, State state) {
        Deal storage d = _deals[orderRef];
        return (d.buyer, d.merchant, d.amount, d.state);
    }

    /// Buyer locks `amount` for `orderRef` (after approving this contract). The buyer is msg.sender, so nobody can
    /// fund on someone else's allowance.
    function fund(bytes32 orderRef, address merchant, uint256 amount) external nonReentrant whenNotPaused {
        _checkPayment(orderRef, merchant, amount);

        _deals[orderRef] = Deal({buyer: msg.sender, state: State.Held, merchant: merchant, amount: amount});
        totalHeld += amount;
        emit Funded(orderRef, msg.sender, merchant, amount);

        // A fee-on-transfer (or rebasing-down) token would leave less here than the deal records, and the last
        // release or refund would then fail for lack of funds: refuse it outright (the whole tx, effects included,
        // reverts).
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        if (token.balanceOf(address(this)) - before != amount) revert FeeOnTransferNotSupported();
    }

    /// Buyer pays the merchant directly; the contract only records that `orderRef` was paid, so the indexer sees one
    /// event per order on either rail and a reference cannot be paid twice. A buyer paying themselves is refused
    /// (the merchant's balance would not grow), which is fine: it is never a real order.
    function payDirect(bytes32 orderRef, address merchant, uint256 amount) external nonReentrant whenNotPaused {
        _checkPayment(orderRef, merchant, amount);

        directPaid[orderRef] = true;
        emit PaidDirect(orderRef, msg.sender, merchant, amount);

        // Same reasoning as fund: the event promises the merchant received exactly `amount`.
        uint256 before = token.balanceOf(merchant);
        token.safeTransferFrom(msg.sender, merchant, amount);
        if (token.balanceOf(merchant) - before != amount) revert FeeOnTransferNotSupported();
    }

    /// Pays a Held deal out: `amount - fee` to the merchant, `fee` to the fee recipient. If the token refuses the
    /// merchant (blacklisted), the whole call reverts and the deal stays Held, so the arbiter can refund instead.
    function release(bytes32 orderRef, uint256 fee) external nonReentrant onlyArbiter whenNotPaused {
        Deal storage d = _deals[orderRef];
        if (d.state != State.Held) revert NotHeld(orderRef);
        uint256 amount = d.amount;
        if (fee > amount) revert FeeTooHigh();
        address merchant = d.merchant;

        d.state = State.Released;
        totalHeld -= amount;
        uint256 merchantAmount = amount - fee;
        emit Released(orderRef, merchant, merchantAmount, fee);

        // Zero transfers are skipped: some tokens revert on them, and they would only add noise for the indexer.
        if (merchantAmount != 0) token.safeTransfer(merchant, merchantAmount);
        if (fee != 0) token.safeTransfer(feeRecipient, fee);
    }

    /// Returns a Held deal's full amount to its buyer.
    function refund(bytes32 orderRef) external nonReentrant onlyArbiter whenNotPaused {
        Deal storage d = _deals[orderRef];
        if (d.state != State.Held) revert NotHeld(orderRef);
        uint256 amount = d.amount;
        address buyer = d.buyer;

        d.state = State.Refunded;
        totalHeld -= amount;
        emit Refunded(orderRef, buyer, amount);

        token.safeTransfer(buyer, amount);
    }

    /// Two-step handover, so a typo cannot hand the escrow to an address nobody controls. `address(0)` cancels a
    /// pending transfer.
    function transferArbiter(address next) external onlyArbiter {
        pendingArbiter = next;
        emit ArbiterTransferStarted(arbiter, next);
    }

    function acceptArbiter() external {
        if (msg.sender != pendingArbiter) revert NotPendingArbiter();
        address previous = arbiter;
        arbiter = msg.sender;
        pendingArbiter = address(0);
        emit ArbiterTransferred(previous, msg.sender);
    }

    function setFeeRecipient(address next) external onlyArbiter {
        if (next == address(0)) revert ZeroAddress();
        emit FeeRecipientChanged(feeRecipient, next);
        feeRecipient = next;
    }

    /// Stops every money movement (fund, payDirect, release, refund), e.g. while the token is misbehaving or a key
    /// may have leaked; arbiter administration stays possible.
    function pause() external onlyArbiter {
        paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyArbiter {
        paused = false;
        emit Unpaused(msg.sender);
    }

    function _checkPayment(bytes32 orderRef, address merchant, uint256 amount) private view {
        if (amount == 0) revert ZeroAmount();
        if (merchant == address(0)) revert ZeroAddress();
        if (_deals[orderRef].state != State.None || directPaid[orderRef]) revert RefUsed(orderRef);
    }
}
