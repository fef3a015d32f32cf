/**
 * Single-use account links (ADR 030): password reset and email verification. The secret travels once, in the mail;
 * only its sha256 is stored (like sessions), and a compare-and-swap on used_at lets exactly one use through.
 */
import type { AccountTokenPurpose, Prisma } from "@prisma/client";
import { hashSecret, newSecret } from "#server/secrets/index.ts";

type Tx = Prisma.TransactionClient;

export async function issueAccountToken(tx: Tx, input: { userId: string; purpose: AccountTokenPurpose; email: string; ttlMs: number; now: Date }) {
  const token = newSecret();
  const row = await tx.accountToken.create({
    data: {
      userId: input.userId, purpose: input.purpose, email: input.email, tokenHash: hashSecret(token),
      createdAt: input.now, expiresAt: new Date(input.now.getTime() + input.ttlMs),
    },
    select: { id: true },
  });
  return { id: row.id, token };
}

/** Uses the token once: null when it is unknown, of another purpose, used or expired. */
export async function consumeAccountToken(tx: Tx, purpose: AccountTokenPurpose, token: string, now: Date) {
  const row = await tx.accountToken.findUnique({ where: { tokenHash: hashSecret(token) }, select: { id: true, userId: true, email: true, purpose: true } });
  if (!row || row.purpose !== purpose) return null;
  const { count } = await tx.accountToken.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  return count === 1 ? row : null;
}

/** A link is usable (for the page that opens it, before the form is sent): unused and unexpired. */
export async function accountTokenUsable(db: Tx, purpose: AccountTokenPurpose, token: string, now: Date) {
  const row = await db.accountToken.findUnique({ where: { tokenHash: hashSecret(token) }, select: { purpose: true, usedAt: true, expiresAt: true } });
  return Boolean(row && row.purpose === purpose && !row.usedAt && row.expiresAt > now);
}
