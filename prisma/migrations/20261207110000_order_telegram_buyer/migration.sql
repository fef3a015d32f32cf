-- The Telegram user who checked out inside the shop's Mini App (verified initData), so the shop's bot can tell that
-- buyer about the order (issue 16, point 4) and the shop's customer record can show Telegram as linked (point 5).
-- Null for every order placed outside Telegram. Text like users.telegram_user_id and buyer_sessions.telegram_user_id.

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "buyer_telegram_user_id" TEXT;

-- CreateIndex
CREATE INDEX "orders_tenant_id_buyer_telegram_user_id_idx" ON "orders"("tenant_id", "buyer_telegram_user_id") WHERE "buyer_telegram_user_id" IS NOT NULL;

-- Telegram user ids are positive integers; nothing else is a link.
ALTER TABLE "orders" ADD CONSTRAINT "orders_buyer_telegram_user_id_digits" CHECK ("buyer_telegram_user_id" ~ '^[1-9][0-9]{0,19}$');
