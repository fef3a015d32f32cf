/**
 * Inline button presses (ADR 032). A callback's data is only a request: the presser is looked up again now, must be a
 * linked member of THIS bot's tenant whose role the dashboard would allow the same action, and the action runs
 * through the same service and CAS as the dashboard. Every press is answered (Telegram shows the text).
 */
import type { AuditActor } from "#server/audit/index.ts";
import { can } from "#server/auth/index.ts";
import { ApiError } from "#server/http/index.ts";
import type { PrismaClient } from "@prisma/client";
import { LINK_FIRST, NOT_YOUR_ROLE, speakerOf } from "./team-member.ts";
import { shortId } from "./shop-orders.ts";
import type { ConversationUpdate } from "./types.ts";

export interface CallbackDeps {
  prisma: PrismaClient;
  /** The dashboard's mark-shipped (server/money fulfilment: CAS from paid / escrow_funded). */
  ship(actor: AuditActor, tenantId: string, orderId: string): Promise<unknown>;
}

const SHIP = /^ship:([0-9a-f-]{36})$/;

/** What to answer the press with. */
export async function handleCallback(deps: CallbackDeps, bot: ConversationUpdate["bot"], fromId: string, data: string): Promise<string> {
  const ship = SHIP.exec(data);
  if (!ship) return "This button no longer does anything.";
  const speaker = await speakerOf(deps.prisma, bot, fromId);
  // Shipping needs a person to audit: the claimant alone (no linked account) is asked to link first.
  if (speaker.kind !== "member") return LINK_FIRST;
  if (!can(speaker.roles, "orders.ship")) return NOT_YOUR_ROLE;
  const orderId = ship[1]!;
  try {
    await deps.ship({ userId: speaker.userId, kind: "user" }, bot.tenantId, orderId);
    return `Order #${shortId(orderId)} is marked shipped.`;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.code === "CONFLICT") return `Order #${shortId(orderId)} changed meanwhile (${err.message}) Nothing was done; send /order ${shortId(orderId)} to see it now.`;
    if (err.code === "ORDER_NOT_FOUND") return "No such order in this shop.";
    return err.message;
  }
}
