-- Issue 17 point 2 (ADR 043): backups and restores. backup_logs records every per-shop archive and every whole-database
-- base backup (the launch gate reads it); restore_drills records point-in-time restore drills; tenant_restores records
-- one-shop restores so each can be rolled back from its aside schema. No foreign key to tenants on purpose: these are
-- the platform's records about a shop and must outlive it (a purged shop's archives are still pruned by retention).

CREATE TABLE "backup_logs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL DEFAULT 'shop',
    "tenant_id" UUID,
    "run_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "status" TEXT NOT NULL,
    "size_bytes" BIGINT,
    "path" TEXT,
    "sha256" TEXT,
    "error" TEXT,
    "pruned_at" TIMESTAMPTZ(6),
    CONSTRAINT "backup_logs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "backup_logs_kind" CHECK ("kind" IN ('shop', 'base')),
    CONSTRAINT "backup_logs_status" CHECK ("status" IN ('ok', 'failed', 'pruned')),
    -- A shop archive names its shop; a base backup is the whole cluster.
    CONSTRAINT "backup_logs_tenant_iff_shop" CHECK (("kind" = 'shop') = ("tenant_id" IS NOT NULL)),
    -- An ok (or later pruned) backup is a file with a size and a checksum; a failed one says why.
    CONSTRAINT "backup_logs_ok_has_file" CHECK ("status" = 'failed' OR ("path" IS NOT NULL AND "size_bytes" >= 0 AND ("kind" = 'base' OR "sha256" ~ '^[0-9a-f]{64}$'))),
    CONSTRAINT "backup_logs_failed_has_error" CHECK ("status" <> 'failed' OR length("error") > 0),
    CONSTRAINT "backup_logs_pruned_at" CHECK (("status" = 'pruned') = ("pruned_at" IS NOT NULL))
);
CREATE INDEX "backup_logs_tenant_id_run_at_idx" ON "backup_logs"("tenant_id", "run_at" DESC);
CREATE INDEX "backup_logs_status_run_at_idx" ON "backup_logs"("status", "run_at" DESC);

CREATE TABLE "restore_drills" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "passed" BOOLEAN NOT NULL,
    "detail" TEXT NOT NULL,
    "duration_ms" INTEGER NOT NULL CHECK ("duration_ms" >= 0),
    CONSTRAINT "restore_drills_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "restore_drills_passed_run_at_idx" ON "restore_drills"("passed", "run_at" DESC);

CREATE TABLE "tenant_restores" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "tenant_id" UUID NOT NULL,
    "archive_path" TEXT NOT NULL,
    "archive_sha256" TEXT NOT NULL CHECK ("archive_sha256" ~ '^[0-9a-f]{64}$'),
    "aside_schema" TEXT NOT NULL CHECK ("aside_schema" ~ '^restore_aside_[0-9a-z_]{1,40}$'),
    "reason" TEXT NOT NULL CHECK (length("reason") >= 5),
    "status" TEXT NOT NULL DEFAULT 'restored' CHECK ("status" IN ('restored', 'rolled_back')),
    "restored_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "rolled_back_at" TIMESTAMPTZ(6),
    "rollback_reason" TEXT,
    CONSTRAINT "tenant_restores_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tenant_restores_rolled_back" CHECK (("status" = 'rolled_back') = ("rolled_back_at" IS NOT NULL AND length("rollback_reason") >= 5))
);
CREATE UNIQUE INDEX "tenant_restores_aside_schema_key" ON "tenant_restores"("aside_schema");
CREATE INDEX "tenant_restores_tenant_id_restored_at_idx" ON "tenant_restores"("tenant_id", "restored_at" DESC);
