/**
 * The point-in-time restore drill (issue 17 point 2, ADR 043) on a throwaway cluster: a base backup plus the WAL
 * archive, recovered to a named restore point, hold exactly the orders written before it.
 */
import { describe, expect, it } from "vitest";
import { runRestoreDrill } from "#server/backups/index.ts";

describe("point-in-time restore drill", () => {
  it("restores a base backup + archived WAL to the restore point, and no further", async () => {
    const r = await runRestoreDrill();
    expect(r.detail).toMatch(/^restored to the restore point/);
    expect(r.passed).toBe(true);
    expect(r.restored).toEqual(r.expected);
    expect(r.expected).toHaveLength(5);
  }, 180_000);
});
