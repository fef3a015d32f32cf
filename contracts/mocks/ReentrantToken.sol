// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title ReentrantToken
 * @notice DEV/TEST ONLY. An ERC-20 that, once armed, calls `target` with `data` from inside its next transfer or
 * transferFrom, the way a hostile token (or an ERC-777 hook) would call back into the escrow mid-payment.
 * With `bubble` the callback's revert aborts the outer call; without it the result is recorded in
 * `lastReentryOk` / `lastReentryReturn` and the transfer completes. `execute` lets the token act as a caller of
 * its own (e.g. become the escrow's arbiter), so the callback passes the escrow's role checks and reaches its
 * reentrancy guard.
 */
contract ReentrantToken is ERC20 {
    uint8 private immutable _decimals;
    address public target;
    bytes public data;
    bool public bubble;
    bool public armed;
    uint256 public reentryAttempts;
    bool public lastReentryOk;
    bytes public lastReentryReturn;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_, bool bubble_) external {
        target = target_;
        data = data_;
        bubble = bubble_;
        armed = true;
    }

    function execute(address to, bytes calldata callData) external returns (bytes memory) {
        (bool ok, bytes memory ret) = to.call(callData);
        if (!ok) _bubble(ret);
        return ret;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (!armed || from == address(0) || to == address(0)) return;
        armed = false; // one shot: the callback's own transfers must not recurse
        reentryAttempts += 1;
        (bool ok, bytes memory ret) = target.call(data);
        lastReentryOk = ok;
        lastReentryReturn = ret;
        if (!ok && bubble) _bubble(ret);
    }

    function _bubble(bytes memory ret) private pure {
        assembly {
            revert(add(ret, 32), mload(ret))
        }
    }
}
