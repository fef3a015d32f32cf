/**
 * The sandbox rails: `escrow` and `direct` funded by a pretend outside system, one `sandbox_transfers` row per
 * transfer, deduplicated by key like a chain or a PSP would. Exists only with PAYMENTS_SANDBOX=true, which
 * production refuses at boot (server/env.ts).
 */
import type { SqlRunner } from "#server/db/index.ts";
import { failpoint } from "#server/jobs/index.ts";
import type { ExternalTransfer, RailAdapter, RailOrder } from "./types.ts";

export class SandboxLedger {
  constructor(private sql: SqlRunner) {}

  async transfer(kind: string, order: RailOrder, key = `${kind}:${order.id}`): Promise<ExternalTransfer> {
    failpoint(`sandbox.before-${kind}`);
    // Its own autocommit statement: the outside world does not roll back with our transactions. A repeat (same key)
    // answers with the transfer made the first time; when the first is committed while this statement waits on its
    // key, this statement's snapshot predates it, so the lookup runs again as its own statement.
    const [sent] = await this.sql.query<{ id: string }>(
      `INSERT INTO sandbox_transfers (id, tenant_id, order_id, idempotency_key, kind, amount, currency)
       VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, $4, $5::numeric, $6)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id::text`,
      [order.tenantId, order.id, key, kind, order.total, order.currency], "sandbox_transfer");
    const row = sent ?? (await this.sql.query<{ id: string }>(`SELECT id::text FROM sandbox_transfers WHERE idempotency_key = $1`, [key], "sandbox_transfer_by_key"))[0];
    if (!row) throw new Error(`sandbox transfer ${key} was neither written nor found`);
    failpoint(`sandbox.after-${kind}`);
    return { ref: row.id, key };
  }

  async sent(kind: string, order: RailOrder) {
    const rows = await this.sql.query(`SELECT 1 FROM sandbox_transfers WHERE idempotency_key = $1`, [`${kind}:${order.id}`], "sandbox_sent");
    return rows.length > 0;
  }
}

export function sandboxEscrowRail(sandbox: SandboxLedger, enabled: boolean): RailAdapter {
  return {
    rail: "escrow",
    holdsFunds: true,
    available: () => enabled,
    instructions: () => ({ kind: "sandbox", text: "Sandbox payment: the platform holds the funds in escrow until you confirm delivery." }),
    fund: (o) => sandbox.transfer("fund", o),
    release: (o) => sandbox.transfer("release", o),
    refund: (o) => sandbox.transfer("refund", o),
    refundPart: (o, key) => sandbox.transfer("refund", o, key),
    funded: (o) => sandbox.sent("fund", o),
  };
}

export function sandboxDirectRail(sandbox: SandboxLedger, enabled: boolean): RailAdapter {
  return {
    rail: "direct",
    holdsFunds: false,
    available: () => enabled,
    instructions: () => ({ kind: "sandbox", text: "Sandbox payment: paid through the platform straight to the merchant." }),
    fund: (o) => sandbox.transfer("pay_direct", o),
    funded: (o) => sandbox.sent("pay_direct", o),
  };
}
