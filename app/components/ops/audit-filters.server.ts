/**
 * The audit log's filters as an operator uses them: a shop by its address (slug) or display name, an actor by
 * email, and an action family ("order.", "money.", …) out of the families the log actually holds, so a new kind
 * of action shows up in the list the day it is first written, with no list in the code to forget.
 */
import type { PrismaClient } from "@prisma/client";
import { z } from "zod";

/** How many shops and actors the pickers suggest; any other one can still be typed. */
export const PICKER_LIMIT = 500;

const querySchema = z.object({
  action: z.string().trim().max(64).catch(""),
  shop: z.string().trim().max(200).catch(""),
  actor: z.string().trim().max(320).catch(""),
  // The links from a tenant's page ("Open in audit log", the owner's email) name a shop or user by id.
  tenantId: z.uuid().optional().catch(undefined),
  actorId: z.uuid().optional().catch(undefined),
});

type Resolved<T> = { value: T | undefined; error: string | null };

/**
 * Every family prefix present in the log ("tenant." for tenant.create, tenant.suspend, …), sorted. One pass over the
 * log per page view: cheap at console traffic, and the list can never miss a family or keep a stale one.
 */
export async function auditActionFamilies(prisma: PrismaClient) {
  const rows = await prisma.$queryRaw<{ family: string }[]>`SELECT DISTINCT split_part(action, '.', 1) AS family FROM audit_log ORDER BY 1`;
  return rows.map((r) => `${r.family}.`);
}

async function resolveShop(prisma: PrismaClient, text: string, tenantId: string | undefined): Promise<Resolved<{ id: string; slug: string }>> {
  const select = { id: true, slug: true } as const;
  if (!text) {
    if (!tenantId) return { value: undefined, error: null };
    const byId = await prisma.tenant.findUnique({ where: { id: tenantId }, select });
    return byId ? { value: byId, error: null } : { value: undefined, error: "No shop has this ID." };
  }
  const bySlug = await prisma.tenant.findUnique({ where: { slug: text.toLowerCase() }, select });
  if (bySlug) return { value: bySlug, error: null };
  const byName = await prisma.tenant.findMany({ where: { displayName: { equals: text, mode: "insensitive" } }, select, take: 2 });
  if (byName.length === 1) return { value: byName[0], error: null };
  return { value: undefined, error: byName.length ? "Several shops have this name: pick one by its address." : "No shop has this address or name." };
}

async function resolveActor(prisma: PrismaClient, text: string, actorId: string | undefined): Promise<Resolved<{ id: string; email: string }>> {
  const select = { id: true, email: true } as const;
  if (!text) {
    if (!actorId) return { value: undefined, error: null };
    const byId = await prisma.user.findUnique({ where: { id: actorId }, select });
    return byId ? { value: byId, error: null } : { value: undefined, error: "No user has this ID." };
  }
  const byEmail = await prisma.user.findFirst({ where: { email: { equals: text, mode: "insensitive" } }, select });
  return byEmail ? { value: byEmail, error: null } : { value: undefined, error: "No user has this email." };
}

/** The page's filters from the URL, resolved to ids, plus what the pickers offer. */
export async function loadAuditFilters(prisma: PrismaClient, search: URLSearchParams) {
  const q = querySchema.parse(Object.fromEntries(search));
  const [families, shop, actor, shops, actors] = await Promise.all([
    auditActionFamilies(prisma),
    resolveShop(prisma, q.shop, q.tenantId),
    resolveActor(prisma, q.actor, q.actorId),
    prisma.tenant.findMany({ select: { slug: true, displayName: true }, orderBy: [{ displayName: "asc" }, { slug: "asc" }], take: PICKER_LIMIT }),
    prisma.$queryRaw<{ email: string }[]>`
      SELECT u.email FROM users u WHERE u.id IN (SELECT DISTINCT actor_id FROM audit_log WHERE actor_id IS NOT NULL)
      ORDER BY u.email LIMIT ${PICKER_LIMIT}`,
  ]);
  return {
    families,
    action: families.find((f) => f === q.action),
    shop,
    actor,
    // What the inputs show: the resolved shop's slug and the actor's email, or what was typed.
    shown: { action: families.includes(q.action) ? q.action : "", shop: shop.value?.slug ?? q.shop, actor: actor.value?.email ?? q.actor },
    options: { shops, actors: actors.map((a) => a.email) },
  };
}
