/**
 * Mail to a shop's team about the shop itself (a domain, a certificate, the bot): one row per member holding one of
 * `roles`, in the shop's language, deduplicated per cause and member. Call it in the transaction that records the
 * event, like enqueueMail.
 */
import type { Prisma, PrismaClient, TenantRole } from "@prisma/client";
import type { TemplateName } from "./templates/index.ts";

type Db = PrismaClient | Prisma.TransactionClient;

export interface TeamMailInput {
  tenantId: string;
  roles: readonly TenantRole[];
  template: TemplateName;
  data: Record<string, unknown>;
  /** What happened, e.g. `domain.degraded:<domainId>:<hour>`; each member's row is `<cause>:<userId>`. */
  cause: string;
}

export async function enqueueTeamMail(db: Db, input: TeamMailInput): Promise<number> {
  return db.$executeRaw`
    INSERT INTO email_outbox (tenant_id, template, locale, recipient, user_id, data, dedupe_key)
    SELECT DISTINCT t.id, ${input.template},
      CASE WHEN split_part(lower(t.locale_defaults[1]), '-', 1) IN ('en', 'fa') THEN split_part(lower(t.locale_defaults[1]), '-', 1) ELSE 'en' END,
      u.email, u.id, ${JSON.stringify(input.data)}::jsonb, ${input.cause} || ':' || u.id::text
    FROM tenants t JOIN tenant_user_roles r ON r.tenant_id = t.id JOIN users u ON u.id = r.user_id
    WHERE t.id = ${input.tenantId}::uuid AND r.role::text = ANY(${[...input.roles]}::text[])
      AND length(u.email) <= 320 AND u.email ~ '^[^@[:space:]]+@[^@[:space:]]+$'
    ON CONFLICT (dedupe_key) DO NOTHING`;
}
