import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";

const db = await createTestDatabase();

async function tenant(slug: string) {
  return db.prisma.tenant.create({ data: { slug, displayName: slug } });
}

describe("database invariants", () => {
  it("refuses a payment policy whose default rail is not allowed, even through raw SQL", async () => {
    const t = await tenant("policy-check");
    await expect(
      db.sql.query(
        `INSERT INTO tenant_payment_policies (id, tenant_id, allowed_rails, default_rail, updated_at)
         VALUES (gen_random_uuid(), $1, ARRAY['escrow']::"PaymentRail"[], 'direct', now())`,
        [t.id],
      ),
    ).rejects.toThrow(/default_in_allowed/);
    await expect(
      db.sql.query(
        `INSERT INTO tenant_payment_policies (id, tenant_id, allowed_rails, default_rail, updated_at)
         VALUES (gen_random_uuid(), $1, ARRAY[]::"PaymentRail"[], 'escrow', now())`,
        [t.id],
      ),
    ).rejects.toThrow(/rails_nonempty|default_in_allowed/);
    const { rows } = await db.sql.query(`SELECT count(*)::int AS n FROM tenant_payment_policies WHERE tenant_id = $1`, [t.id]);
    expect(rows[0].n).toBe(0);
    await db.sql.query(
      `INSERT INTO tenant_payment_policies (id, tenant_id, allowed_rails, default_rail, updated_at)
       VALUES (gen_random_uuid(), $1, ARRAY['escrow','direct']::"PaymentRail"[], 'direct', now())`,
      [t.id],
    );
  });

  it("refuses a second domain row for the same host in another case", async () => {
    const a = await tenant("host-a");
    const b = await tenant("host-b");
    await db.prisma.tenantDomain.create({ data: { tenantId: a.id, hostname: "shop.example.com", verificationToken: "x".repeat(22) } });
    await expect(
      db.sql.query(
        `INSERT INTO tenant_domains (id, tenant_id, hostname, verification_token, updated_at) VALUES (gen_random_uuid(), $1, 'SHOP.example.com', repeat('y', 22), now())`,
        [b.id],
      ),
    ).rejects.toThrow();
  });

  it("refuses malformed slugs and an UPDATE of the audit log", async () => {
    await expect(tenant("-bad-")).rejects.toThrow();
    await db.prisma.auditLog.create({ data: { action: "test.write" } });
    await expect(db.sql.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(db.sql.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
});
