// The hand-written ABIs in abi.ts must match what solc compiles from contracts/ (order-insensitive).
import { describe, expect, it } from "vitest";
import type { Abi } from "viem";
import { escrowAbi, mockStablecoinAbi, tokenAbi } from "./abi.ts";
import { loadArtifact } from "./compile.ts";

/** Canonical JSON of one ABI item: no internalType (solc-only), sorted keys, so equal items compare equal. */
function canonical(item: unknown): string {
  return JSON.stringify(item, (key, value: unknown) => {
    if (key === "internalType") return undefined;
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
    }
    return value;
  });
}
const items = (abi: Abi | readonly unknown[]) => abi.map(canonical).sort();

describe("ABIs match the compiled contracts", () => {
  it("escrowAbi equals StorefrontEscrow's ABI", async () => {
    const { abi } = await loadArtifact("StorefrontEscrow");
    expect(items(escrowAbi)).toEqual(items(abi));
  });

  it("tokenAbi and mockStablecoinAbi are parts of MockStablecoin's ABI", async () => {
    const compiled = new Set(items((await loadArtifact("MockStablecoin")).abi));
    for (const item of items(mockStablecoinAbi)) expect(compiled, item).toContain(item);
    expect(items(mockStablecoinAbi)).toEqual(expect.arrayContaining(items(tokenAbi)));
  });

  it("every mock token implements tokenAbi's functions", async () => {
    for (const name of ["NoBoolToken", "FeeOnTransferToken", "ReentrantToken"]) {
      const names = new Set((await loadArtifact(name)).abi.flatMap((i) => (i.type === "function" ? [i.name] : [])));
      for (const fn of tokenAbi) if (fn.type === "function") expect(names, `${name}.${fn.name}`).toContain(fn.name);
    }
  });
});
