-- Merchants' own certificates (issue 17 point 3, ADR 042): one uploaded certificate per custom domain. The chain is
-- public and stored as PEM; the private key only as a secret-box envelope bound to the row.

-- The composite key lets the certificate's foreign key carry the tenant: a certificate can only point at a domain of
-- its own shop, whatever the code does.
CREATE UNIQUE INDEX "tenant_domains_id_tenant_id_key" ON "tenant_domains" ("id", "tenant_id");

CREATE TABLE "tenant_certificates" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "domain_id" UUID NOT NULL,
    "certificate_pem" TEXT NOT NULL,
    "encrypted_key" TEXT NOT NULL,
    "serial" TEXT NOT NULL,
    "fingerprint256" TEXT NOT NULL,
    "subject" TEXT,
    "issuer" TEXT,
    "sans" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "not_before" TIMESTAMPTZ(6) NOT NULL,
    "not_after" TIMESTAMPTZ(6) NOT NULL,
    "uploaded_by" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_certificates_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tenant_certificates_validity_ck" CHECK ("not_after" > "not_before"),
    CONSTRAINT "tenant_certificates_key_sealed_ck" CHECK ("encrypted_key" LIKE 'v1:%'),
    CONSTRAINT "tenant_certificates_pem_ck" CHECK ("certificate_pem" LIKE '-----BEGIN CERTIFICATE-----%')
);

-- One certificate per domain: a new upload replaces the old one.
CREATE UNIQUE INDEX "tenant_certificates_domain_id_key" ON "tenant_certificates" ("domain_id");
CREATE INDEX "tenant_certificates_tenant_id_idx" ON "tenant_certificates" ("tenant_id");

ALTER TABLE "tenant_certificates" ADD CONSTRAINT "tenant_certificates_tenant_id_fkey"
    FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tenant_certificates" ADD CONSTRAINT "tenant_certificates_domain_id_tenant_id_fkey"
    FOREIGN KEY ("domain_id", "tenant_id") REFERENCES "tenant_domains"("id", "tenant_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Alerts that reach people (issue 17 point 4, ADR 042): one row per firing of a condition for a subject (a domain, a
-- shop, the platform). At most one open alert per (condition, subject), enforced here: the process whose INSERT wins
-- is the one that sends the message, and the one whose UPDATE sets resolved_at sends "resolved", each exactly once.
CREATE TABLE "alerts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "condition" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "tenant_id" UUID,
    "audience" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "opened_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(6),
    "notified" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alerts_audience_ck" CHECK ("audience" IN ('owner', 'operator')),
    CONSTRAINT "alerts_resolved_after_opened_ck" CHECK ("resolved_at" IS NULL OR "resolved_at" >= "opened_at")
);
CREATE UNIQUE INDEX "alerts_one_open_uq" ON "alerts" ("condition", "subject") WHERE "resolved_at" IS NULL;
CREATE INDEX "alerts_tenant_id_idx" ON "alerts" ("tenant_id");
CREATE INDEX "alerts_opened_at_idx" ON "alerts" ("opened_at");
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
