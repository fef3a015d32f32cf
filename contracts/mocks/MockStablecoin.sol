// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title MockStablecoin
 * @notice DEV/TEST ONLY: anyone can mint and anyone can blacklist. Behaves like USDC where it matters to the
 * escrow: a configurable number of decimals, and a blacklisted sender or recipient makes a transfer revert.
 */
contract MockStablecoin is ERC20 {
    uint8 private immutable _decimals;
    mapping(address who => bool) public blacklisted;

    error Blacklisted(address who);

    event BlacklistSet(address indexed who, bool on);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlacklisted(address who, bool on) external {
        blacklisted[who] = on;
        emit BlacklistSet(who, on);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blacklisted[from]) revert Blacklisted(from);
        if (blacklisted[to]) revert Blacklisted(to);
        super._update(from, to, value);
    }
}
