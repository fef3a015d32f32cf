import { describe, expect, it } from "vitest";
import { allowedRoles, can, rolesFor, TENANT_ROLES } from "./permissions.ts";

describe("permission table", () => {
  it("spells out every member for actions open to any member", () => {
    expect(allowedRoles("tenant.read")).toBe("any");
    expect(rolesFor("tenant.read")).toEqual(TENANT_ROLES);
    for (const role of TENANT_ROLES) expect(can(role, "tenant.read")).toBe(true);
  });

  it("lets no member do an operator-only action", () => {
    expect(rolesFor("platformFee.set")).toEqual([]);
    expect(can([...TENANT_ROLES], "platformFee.set")).toBe(false);
  });

  it("passes a member when any one of their roles is allowed", () => {
    expect(can("developer", "orders.read")).toBe(false);
    expect(can(["developer", "support"], "orders.read")).toBe(true);
    expect(can([], "tenant.read")).toBe(false);
  });
});
