/**
 * The sandbox rails: `escrow` and `direct` funded by a pretend outside system, one `sandbox_transfers` row per
 * transfer, deduplicated by key like a chain or a PSP would. Exists only with PAYMENTS_SANDBOX=true, which
 * production refuses at boot (server/env.ts).
 */
import type { PrismaClient } from "@prisma/client";
import { failpoint } from "../failpoints.ts";
import type { ExternalTransfer, RailAdapter, RailOrder } from "./types.ts";

export class SandboxLedger {
  constructor(private prisma: PrismaClient) {}

  async transfer(kind: string, order: RailOrder): Promise<ExternalTransfer> {
    const key = `${kind}:${order.id}`;
    failpoint(`sandbox.before-${kind}`);
    // Its own autocommit statement: the outside world does not roll back with our transactions.
    await this.prisma.$executeRaw`
      INSERT INTO sandbox_transfers (id, tenant_id, order_id, idempotency_key, kind, amount, currency)
      VALUES (gen_random_uuid(), ${order.tenantId}::uuid, ${order.id}::uuid, ${key}, ${kind}, ${order.total}::numeric, ${order.currency})
      ON CONFLICT (idempotency_key) DO NOTHING`;
    const row = await this.prisma.sandboxTransfer.findUniqueOrThrow({ where: { idempotencyKey: key }, select: { id: true } });
    failpoint(`sandbox.after-${kind}`);
    return { ref: row.id, key };
  }

  async sent(kind: string, order: RailOrder) {
    return (await this.prisma.sandboxTransfer.count({ where: { idempotencyKey: `${kind}:${order.id}` } })) > 0;
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
