/**
 * Bulk orders for the sales overview's plan tests and bench (ADR 031, 034): one INSERT … SELECT generate_series
 * (the rollup triggers fire as for any insert), spread evenly over `days` days before `now`; 1 in 10 unpaid
 * (expired), 1 in 50 refunded, rails in turn.
 */
import type pg from "pg";

export async function seedBulkOrders(client: pg.Client, o: { tenantId: string; count: number; days: number; now: Date; currency?: string }) {
  await client.query(
    `INSERT INTO orders (id, tenant_id, token_hash, idempotency_key, request_hash, status, rail, currency, subtotal, total, fee_bps, fee_amount,
                         guest_email, requires_shipping, expires_at, paid_at, created_at, updated_at)
     SELECT gen_random_uuid(), $1::uuid, encode(sha256(convert_to($1::text || ':' || g, 'UTF8')), 'hex'), 'bulk-order-' || g, 'bulk',
            (CASE WHEN g % 10 = 0 THEN 'expired' WHEN g % 50 = 1 THEN 'refunded' ELSE 'completed' END)::"OrderStatus",
            (CASE g % 3 WHEN 0 THEN 'escrow' WHEN 1 THEN 'direct' ELSE 'manual_invoice' END)::"PaymentRail",
            $2, x.t, x.t, 250, round(x.t * 0.025, 2), 'bulk@example.test', false, x.ts + interval '30 minutes',
            CASE WHEN g % 10 = 0 THEN NULL ELSE x.ts + interval '5 minutes' END, x.ts, x.ts
     FROM generate_series(1, $3::int) g
     CROSS JOIN LATERAL (SELECT (10 + g % 90)::numeric AS t, $4::timestamptz - make_interval(secs => g * ($5::float8 * 86400 / $3::int)) AS ts) x`,
    [o.tenantId, o.currency ?? "USD", o.count, o.now.toISOString(), o.days],
  );
  // Fresh statistics and visibility map, as autovacuum would leave them (orders and the rollup its triggers wrote).
  await client.query("VACUUM ANALYZE orders");
  await client.query("VACUUM ANALYZE sales_rollup");
}
