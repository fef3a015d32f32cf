/**
 * Kill switches (docs/money.md): a global one and one per tenant. Every money transaction checks them inside itself with
 * the database function `money_assert_allowed` (a share lock: flipping a switch waits for in-flight money
 * transactions and every later one sees it). It raises SFKIL, which moneyTx/moneySql turn into KILL_SWITCH_ON.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";

type Tx = Prisma.TransactionClient;

export async function assertMoneyAllowed(tx: Tx, tenantId: string) {
  await tx.$queryRaw`SELECT money_assert_allowed(${tenantId}::uuid)::text AS ok`;
}

export async function killSwitchState(prisma: PrismaClient | Tx) {
  const rows = await prisma.killSwitch.findMany({ where: { engaged: true }, select: { tenantId: true, reason: true, updatedAt: true } });
  const global = rows.find((r) => r.tenantId === null);
  return {
    global: Boolean(global),
    // Why and since when the global switch is on (null while it is off), for the console, the API and /readyz.
    globalReason: global?.reason ?? null,
    globalSince: global?.updatedAt ?? null,
    tenants: rows.filter((r) => r.tenantId !== null).map((r) => ({ tenantId: r.tenantId!, reason: r.reason, since: r.updatedAt })),
  };
}

/**
 * The switches that stop this shop's money right now, as its own members may see them: the global one first (it
 * outranks the shop's), each with the operator's reason and since when. Empty while money moves.
 */
export async function killSwitchesFor(prisma: PrismaClient, tenantId: string) {
  const rows = await prisma.killSwitch.findMany({
    where: { engaged: true, OR: [{ tenantId: null }, { tenantId }] },
    select: { tenantId: true, reason: true, updatedAt: true },
  });
  return rows
    .map((r) => ({ scope: r.tenantId === null ? ("global" as const) : ("shop" as const), reason: r.reason, since: r.updatedAt }))
    .sort((a, b) => (a.scope === b.scope ? 0 : a.scope === "global" ? -1 : 1));
}

export async function isEngaged(prisma: PrismaClient, tenantId: string) {
  return (await prisma.killSwitch.count({ where: { engaged: true, OR: [{ tenantId: null }, { tenantId }] } })) > 0;
}

export async function setKillSwitch(prisma: PrismaClient, actor: AuditActor, input: { tenantId: string | null; engaged: boolean; reason: string }) {
  return prisma.$transaction(async (tx) => {
    const data = { engaged: input.engaged, reason: input.reason, updatedBy: actor.userId, updatedAt: new Date() };
    if (input.tenantId === null) {
      await tx.killSwitch.updateMany({ where: { tenantId: null }, data });
    } else {
      await tx.killSwitch.upsert({ where: { tenantId: input.tenantId }, create: { tenantId: input.tenantId, ...data }, update: data });
    }
    await writeAudit(tx, actor, {
      action: input.engaged ? "money.kill_switch_on" : "money.kill_switch_off",
      tenantId: input.tenantId,
      target: input.tenantId ? `kill_switch:${input.tenantId}` : "kill_switch:global",
      reason: input.reason,
    });
    return killSwitchState(tx);
  });
}
