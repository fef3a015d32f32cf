-- ADR 027: the shop's own SMTP sender is a tenant_integrations row (kind notification, provider smtp); no new columns.
-- Hand-written: what such a row holds. One live row per shop comes from tenant_integrations_live_key (ADR 024).
ALTER TABLE "tenant_integrations" ADD CONSTRAINT "tenant_integrations_smtp_ck" CHECK (
  "provider" <> 'smtp' OR (
    "kind" = 'notification'
    AND "encrypted_secret_key" IS NULL AND "encrypted_webhook_secret" IS NULL
    -- A removed sender keeps no secret; a live one always has its sealed password and DKIM key.
    AND (("disconnected_at" IS NULL) = ("encrypted_config" IS NOT NULL))
    AND "status" IN ('active', 'error', 'disabled', 'disconnected')
    AND (("disconnected_at" IS NULL) = ("status" <> 'disconnected'))
    AND jsonb_typeof("config" -> 'host') = 'string'
    AND CASE WHEN jsonb_typeof("config" -> 'port') = 'number' THEN ("config" ->> 'port')::numeric BETWEEN 1 AND 65535 ELSE false END
    AND "config" ->> 'tls' IN ('implicit', 'starttls', 'none')
    AND "config" ->> 'fromAddress' ~ '^[^@[:space:]]+@[^@[:space:]]+$'
    AND jsonb_typeof("config" -> 'dkimSelector') = 'string'
  )
);
