/**
 * Who is talking to a shop's bot (ADR 032): the claimant, a linked member of THIS tenant (with their roles), or
 * nobody the shop knows. Looked up on every command and every button press, so a role removed or a link undone
 * takes effect at once.
 */
import type { PrismaClient, TenantRole } from "@prisma/client";
import { can, type TenantAction } from "#server/auth/index.ts";

export type Speaker =
  | { kind: "member"; userId: string; roles: TenantRole[]; claimant: boolean }
  | { kind: "claimant" }
  | { kind: "stranger" };

export async function speakerOf(prisma: PrismaClient, bot: { tenantId: string; adminTelegramUserId: string | null }, telegramUserId: string): Promise<Speaker> {
  const user = await prisma.user.findUnique({
    where: { telegramUserId },
    select: { id: true, roles: { where: { tenantId: bot.tenantId }, select: { role: true } } },
  });
  const claimant = bot.adminTelegramUserId === telegramUserId;
  if (user && user.roles.length) return { kind: "member", userId: user.id, roles: user.roles.map((r) => r.role), claimant };
  return claimant ? { kind: "claimant" } : { kind: "stranger" };
}

/** The claimant, or a linked member whose role allows `action`. */
export const allowed = (s: Speaker, action: TenantAction) => s.kind === "claimant" || (s.kind === "member" && (s.claimant || can(s.roles, action)));

export const LINK_FIRST = "That command is for the shop's owners and managers. If that is you, link your Telegram account first: Account → Link Telegram in the dashboard.";
export const NOT_YOUR_ROLE = "Your role in this shop does not allow that.";
export const refusal = (s: Speaker) => (s.kind === "member" ? NOT_YOUR_ROLE : LINK_FIRST);
