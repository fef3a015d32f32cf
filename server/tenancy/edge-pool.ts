/**
 * Which upstream pool serves a shop (issue 17, ADR 048): an operator moves a shop between the pools of EDGE_POOLS,
 * with a reason, audited in the same transaction. The edge follows the tenancy-change message and moves the shop's
 * hosts in one reconcile. The database checks the name's format; whether the pool exists is configuration, so the
 * app checks it here.
 */
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";

export const edgePoolSchema = z.object({
  pool: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, "a pool name: a-z, 0-9 and -"),
  reason: z.string().trim().min(3, "Give a reason.").max(500),
});

export async function setEdgePool(
  deps: { prisma: PrismaClient; publish: (reason: string) => Promise<void>; pools: readonly string[] },
  actor: AuditActor, tenantId: string, input: z.infer<typeof edgePoolSchema>,
) {
  if (!deps.pools.includes(input.pool)) {
    throw new ApiError(400, "EDGE_POOL_UNKNOWN", `No upstream pool "${input.pool}" is configured (EDGE_POOLS: ${deps.pools.join(", ")}).`);
  }
  const result = await deps.prisma.$transaction(async (tx) => {
    const before = await tx.tenant.findUnique({ where: { id: tenantId }, select: { edgePool: true } });
    if (!before) throw new ApiError(404, "TENANT_NOT_FOUND", "No such tenant.");
    // Compare-and-swap on the pool read above: two operators moving the same shop cannot both log "from" the same pool.
    const { count } = await tx.tenant.updateMany({
      where: { id: tenantId, edgePool: before.edgePool }, data: { edgePool: input.pool, version: { increment: 1 } },
    });
    if (count === 0) throw new ApiError(409, "CONFLICT", "The shop's pool changed meanwhile. Reload and try again.");
    await writeAudit(tx, actor, {
      action: "tenant.edge_pool", tenantId, target: `tenant:${tenantId}`, reason: input.reason,
      details: { from: before.edgePool, to: input.pool },
    });
    return { tenantId, edgePool: input.pool, previous: before.edgePool };
  });
  await deps.publish(`tenant.edge_pool:${tenantId}`);
  return result;
}
