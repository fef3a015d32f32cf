/**
 * One domain for the operator console: its current state (also when removed) and its event log, each event with a
 * one-line summary, the DNS answers seen, and the full evidence JSON.
 */
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { rethrowAsResponse } from "#app/utils/api-error.server.ts";
import { domainState } from "./dashboard.$tenantId.domains.server.ts";

const idSchema = z.uuid();

interface Lookup {
  name: string;
  type: string;
  result: { ok: boolean; values?: unknown[]; code?: string; error?: string };
}
interface Evidence {
  reason?: string;
  mode?: string;
  ok?: boolean;
  problems?: Array<{ code: string }>;
  dns?: { lookups?: Lookup[] };
  tls?: { from: string; to: string };
  probe?: { issuer?: string | null; error?: string | null };
}

function summarize(e: Evidence): string {
  if (e.tls) return `Certificate ${e.tls.from} → ${e.tls.to}${e.probe?.issuer ? ` (issuer ${e.probe.issuer})` : ""}${e.probe?.error ? `: ${e.probe.error}` : ""}`;
  if (e.reason === "added") return `Added by the shop (${e.mode === "apex" ? "A records" : "CNAME"})`;
  if (e.reason) return e.reason.charAt(0).toUpperCase() + e.reason.slice(1);
  if (e.ok === true) return "DNS check passed";
  if (e.ok === false) return `DNS check failed: ${(e.problems ?? []).map((p) => p.code).join(", ") || "no details"}`;
  return "—";
}

/** Each DNS lookup of a check as name, type and the answer (values one per line, or the failure code). */
function dnsAnswers(e: Evidence) {
  return (e.dns?.lookups ?? []).map((l) => ({
    name: l.name,
    type: l.type,
    ok: l.result.ok,
    answer: l.result.ok
      ? (l.result.values ?? []).map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n") || "(no records)"
      : `${l.result.code ?? "ERROR"}${l.result.error ? ` (${l.result.error})` : ""}`,
  }));
}

/** "user:<uuid>" and friends, with the user's email when there is one. */
async function actorEmails(context: AppLoadContext, actors: string[]) {
  const ids = [...new Set(actors.map((a) => a.split(":")[1]).filter((id): id is string => idSchema.safeParse(id).success))];
  const users = ids.length ? await context.services.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } }) : [];
  return new Map(users.map((u) => [u.id, u.email]));
}

export async function loadDomainDetail(context: AppLoadContext, rawId: string | undefined) {
  const parsed = idSchema.safeParse(rawId);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  const id = parsed.data;
  const { prisma, domains } = context.services;
  const row = await prisma.tenantDomain.findUnique({
    where: { id },
    select: { tenantId: true, hostname: true, status: true, removedAt: true, tenant: { select: { id: true, slug: true, displayName: true, status: true } } },
  });
  if (!row) throw new Response("Not found", { status: 404 });
  const [view, events] = await Promise.all([
    row.status === "removed" ? null : domains.get(row.tenantId, id).catch(rethrowAsResponse),
    domains.events({ tenantId: row.tenantId }, id),
  ]);
  const emails = await actorEmails(context, events.map((e) => e.actor));
  return {
    hostname: row.hostname,
    removedAt: row.removedAt?.toISOString() ?? null,
    tenant: row.tenant,
    domain: view ? domainState(view) : null,
    events: events.map((e) => {
      const evidence = (e.evidence ?? {}) as Evidence;
      return {
        id: e.id,
        createdAt: e.createdAt.toISOString(),
        from: e.fromStatus,
        to: e.toStatus,
        actor: e.actor,
        actorEmail: emails.get(e.actor.split(":")[1] ?? "") ?? null,
        summary: summarize(evidence),
        dns: dnsAnswers(evidence),
        json: JSON.stringify(e.evidence, null, 2),
      };
    }),
  };
}
