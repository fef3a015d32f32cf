-- ADR 026: mail delivery. A message whose template is flagged sensitive (a reset or verification link) has its data
-- and bodies scrubbed once it is sent or failed; scrubbed_at records that, and the rendered check allows it.

-- AlterTable
ALTER TABLE "email_outbox" ADD COLUMN     "scrubbed_at" TIMESTAMPTZ(6);

-- Hand-written: a scrubbed row keeps its subject; only a sent or failed one may be scrubbed.
ALTER TABLE "email_outbox" DROP CONSTRAINT "email_outbox_rendered_check";
ALTER TABLE "email_outbox"
  ADD CONSTRAINT "email_outbox_rendered_check" CHECK (
    "status" IN ('queued', 'failed', 'cancelled')
    OR ("subject" IS NOT NULL AND (("html" IS NOT NULL AND "text_body" IS NOT NULL) OR ("status" = 'sent' AND "scrubbed_at" IS NOT NULL)))),
  ADD CONSTRAINT "email_outbox_scrubbed_check" CHECK ("scrubbed_at" IS NULL OR ("status" IN ('sent', 'failed') AND "html" IS NULL AND "text_body" IS NULL));
