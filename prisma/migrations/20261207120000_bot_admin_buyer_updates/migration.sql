-- ADR 032: /pause and /resume (tenants.accepting_orders), one-time Telegram link tokens, buyer update markers.
-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "accepting_orders" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "telegram_link_tokens" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    "used_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "telegram_link_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_buyer_updates" (
    "tenant_id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "chat_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_buyer_updates_pkey" PRIMARY KEY ("order_id","event")
);

-- CreateIndex
CREATE UNIQUE INDEX "telegram_link_tokens_token_hash_key" ON "telegram_link_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "telegram_link_tokens_tenant_id_user_id_idx" ON "telegram_link_tokens"("tenant_id", "user_id");

-- CreateIndex
CREATE INDEX "order_buyer_updates_tenant_id_idx" ON "order_buyer_updates"("tenant_id");

-- AddForeignKey
ALTER TABLE "telegram_link_tokens" ADD CONSTRAINT "telegram_link_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "telegram_link_tokens" ADD CONSTRAINT "telegram_link_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_buyer_updates" ADD CONSTRAINT "order_buyer_updates_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The buyer-update marker belongs to an order of the same shop (no cross-tenant marker can exist).
ALTER TABLE "order_buyer_updates" ADD CONSTRAINT "order_buyer_updates_order_fkey" FOREIGN KEY ("tenant_id", "order_id") REFERENCES "orders"("tenant_id", "id") ON DELETE CASCADE;
ALTER TABLE "order_buyer_updates" ADD CONSTRAINT "order_buyer_updates_event_ck" CHECK ("event" IN ('paid', 'shipped', 'delivered', 'disputed'));
ALTER TABLE "order_buyer_updates" ADD CONSTRAINT "order_buyer_updates_chat_digits" CHECK ("chat_id" ~ '^[1-9][0-9]{0,19}$');
-- A link token is short-lived and stored hashed (sha256 hex).
ALTER TABLE "telegram_link_tokens" ADD CONSTRAINT "telegram_link_tokens_hash_ck" CHECK ("token_hash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "telegram_link_tokens" ADD CONSTRAINT "telegram_link_tokens_ttl_ck" CHECK ("expires_at" <= "created_at" + interval '1 day');
