/**
 * Writing to the mail outbox (ADR 026). Call it with the transaction of the event that causes the mail, so the mail
 * exists exactly when the event does; the delivery job (or the outbox sweep, after a Redis outage) sends it later.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import type { TemplateName } from "./templates/index.ts";
import type { MailAttachmentRef, MailLocale } from "./types.ts";

export interface MailInput {
  /** The shop the mail is about (its brand and sender); null for platform mail. */
  tenantId: string | null;
  template: TemplateName;
  locale: MailLocale;
  to: string;
  userId?: string | null;
  data: Record<string, unknown>;
  attachments?: MailAttachmentRef[];
  /** One message per cause and recipient: a second call with the same key writes nothing and returns null. */
  dedupeKey?: string;
}

type Db = PrismaClient | Prisma.TransactionClient;

export async function enqueueMail(db: Db, input: MailInput): Promise<{ id: string } | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO email_outbox (tenant_id, template, locale, recipient, user_id, data, attachments, dedupe_key)
    VALUES (${input.tenantId}::uuid, ${input.template}, ${input.locale}, ${input.to.trim()}, ${input.userId ?? null}::uuid,
            ${JSON.stringify(input.data)}::jsonb, ${JSON.stringify(input.attachments ?? [])}::jsonb, ${input.dedupeKey ?? null})
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id::text`;
  return rows[0] ?? null;
}
