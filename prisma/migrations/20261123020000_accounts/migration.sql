-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "last_used_at" TIMESTAMPTZ(6),
    "expires_at" TIMESTAMPTZ(6),
    "revoked_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tenant_invitations" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "role" "TenantRole" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "invited_by_id" UUID,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "accepted_at" TIMESTAMPTZ(6),
    "accepted_by_id" UUID,
    "revoked_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenant_invitations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "tenant_invitations_token_hash_key" ON "tenant_invitations"("token_hash");

-- CreateIndex
CREATE INDEX "tenant_invitations_tenant_id_idx" ON "tenant_invitations"("tenant_id");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tenant_invitations" ADD CONSTRAINT "tenant_invitations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- ---------------------------------------------------------------------------
-- Hand-written: team invariants the database keeps even if application code is wrong.
-- ---------------------------------------------------------------------------

ALTER TABLE "tenant_invitations" ADD CONSTRAINT "tenant_invitations_email_lower_ck" CHECK ("email" = lower("email"));
ALTER TABLE "tenant_invitations" ADD CONSTRAINT "tenant_invitations_expiry_ck" CHECK ("expires_at" > "created_at");
-- An invitation is consumed at most once: accepted or revoked, never both.
ALTER TABLE "tenant_invitations" ADD CONSTRAINT "tenant_invitations_single_outcome_ck"
  CHECK (("accepted_at" IS NULL) OR ("revoked_at" IS NULL));
ALTER TABLE "tenant_invitations" ADD CONSTRAINT "tenant_invitations_accepted_by_ck"
  CHECK (("accepted_at" IS NULL) = ("accepted_by_id" IS NULL));

-- A tenant never loses its last owner. Cascading deletes of the tenant itself are allowed: by the time the
-- cascade reaches the roles the tenant row is gone, so the EXISTS check lets them through.
CREATE OR REPLACE FUNCTION keep_last_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."role" = 'owner' AND (TG_OP = 'DELETE' OR NEW."role" <> 'owner' OR NEW."tenant_id" <> OLD."tenant_id")
     AND EXISTS (SELECT 1 FROM "tenants" WHERE "id" = OLD."tenant_id")
     AND NOT EXISTS (SELECT 1 FROM "tenant_user_roles" WHERE "tenant_id" = OLD."tenant_id" AND "role" = 'owner') THEN
    RAISE EXCEPTION 'tenant % must keep at least one owner', OLD."tenant_id" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "tenant_user_roles_keep_last_owner" AFTER DELETE OR UPDATE ON "tenant_user_roles"
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION keep_last_owner();

-- Team size limits: at most 5 managers and 10 holders of other roles per tenant. The advisory lock serialises
-- concurrent grants for one tenant, so two racing inserts cannot both see room for one.
CREATE OR REPLACE FUNCTION enforce_team_limits() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('team:' || NEW."tenant_id"::text, 0));
  IF NEW."role" = 'manager' THEN
    SELECT count(*) INTO n FROM "tenant_user_roles" WHERE "tenant_id" = NEW."tenant_id" AND "role" = 'manager';
    IF n > 5 THEN
      RAISE EXCEPTION 'team limit: at most 5 managers' USING ERRCODE = 'check_violation';
    END IF;
  ELSE
    SELECT count(*) INTO n FROM "tenant_user_roles" WHERE "tenant_id" = NEW."tenant_id" AND "role" <> 'manager';
    IF n > 10 THEN
      RAISE EXCEPTION 'team limit: at most 10 non-manager roles' USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER "tenant_user_roles_team_limits" AFTER INSERT OR UPDATE ON "tenant_user_roles"
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION enforce_team_limits();

CREATE INDEX "audit_log_actor_created_idx" ON "audit_log" ("actor_id", "created_at");
