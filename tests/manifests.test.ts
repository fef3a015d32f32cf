import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { applyManifest, exportManifest, manifestSchema } from "#server/tenancy/index.ts";

const db = await createTestDatabase();

async function snapshot() {
  const [tenants, domains, policies] = await Promise.all([
    db.prisma.tenant.findMany({ select: { id: true, updatedAt: true }, orderBy: { id: "asc" } }),
    db.prisma.tenantDomain.findMany({ select: { id: true, updatedAt: true }, orderBy: { id: "asc" } }),
    db.prisma.tenantPaymentPolicy.findMany({ select: { id: true, updatedAt: true }, orderBy: { id: "asc" } }),
  ]);
  return { tenants, domains, policies };
}

describe("tenant manifests (TEN-9)", () => {
  it("applying the demo manifests twice changes nothing the second time", async () => {
    const files = (await readdir("tenants/demo")).filter((f) => f.endsWith(".json"));
    expect(files.length).toBe(3);
    const manifests = await Promise.all(files.map(async (f) => manifestSchema.parse(JSON.parse(await readFile(`tenants/demo/${f}`, "utf8")))));
    for (const m of manifests) expect((await applyManifest(db.prisma, m)).changed).toBeGreaterThan(0);
    const first = await snapshot();
    expect(first.tenants).toHaveLength(3);
    for (const m of manifests) expect((await applyManifest(db.prisma, m)).changed).toBe(0);
    expect(await snapshot()).toEqual(first);
  });

  it("export round-trips through apply without changes", async () => {
    const exported = await exportManifest(db.prisma, "acme");
    expect(exported?.domains.map((d) => d.hostname)).toEqual(["shop.acme.test"]);
    expect((await applyManifest(db.prisma, exported!)).changed).toBe(0);
  });

  it("refuses invalid manifests with readable errors", () => {
    const bad = manifestSchema.safeParse({ slug: "www", displayName: "x", brand: { displayName: "x", primaryColor: "blue", accentColor: "#000000" }, paymentPolicy: { allowedRails: ["escrow"], defaultRail: "direct" } });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["slug", "brand.primaryColor", "paymentPolicy.defaultRail"]));
  });
});
