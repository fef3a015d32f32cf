import { describe, expect, it } from "vitest";
import { z } from "zod";
import { requireParam } from "./params.ts";

const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("did not throw");
};

describe("requireParam", () => {
  it("returns the value, checked against the schema", () => {
    const id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    expect(requireParam({ tenantId: id }, "tenantId")).toBe(id);
    expect(requireParam({ itemId: id }, "itemId", z.uuid())).toBe(id);
  });

  it("throws a 404 Response when missing or malformed", async () => {
    const missing = thrown(() => requireParam({}, "tenantId")) as Response;
    expect([missing.status, await missing.text()]).toEqual([404, "Not found"]);
    const bad = thrown(() => requireParam({ itemId: "nope" }, "itemId", z.uuid(), "No such item.")) as Response;
    expect([bad.status, await bad.text()]).toEqual([404, "No such item."]);
  });
});
