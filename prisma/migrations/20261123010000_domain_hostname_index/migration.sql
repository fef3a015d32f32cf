-- The resolver looks custom domains up by hostname equality; the unique index on lower(hostname) cannot serve that
-- query (npm run bench showed a sequential scan at 100k domains).
-- CreateIndex
CREATE INDEX "tenant_domains_hostname_idx" ON "tenant_domains"("hostname");

