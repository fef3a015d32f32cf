/**
 * Password reset and email verification (ADR 030, pinned by issue 15):
 * - A reset request answers the same whether or not the email has an account, in the same time class: both paths
 *   run the same transaction (a locked lookup), mint and hash a token, and the answer waits for a common floor.
 * - A reset link is single use, lives RESET_TTL, and using it sets the password and ends every session of the user.
 * - Requests are limited per client IP and per account (the email, known or not) in Redis (LoginGuard).
 */
import type { PrismaClient } from "@prisma/client";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError } from "#server/http/index.ts";
import { writeAudit } from "#server/audit/index.ts";
import { hashSecret, newSecret } from "#server/secrets/index.ts";
import { hashPassword } from "./password.ts";
import type { LoginGuard } from "./login-guard.ts";
import { accountTokenUsable, consumeAccountToken } from "./account-tokens.ts";
import { mailPasswordReset, mailVerification, type MailContext } from "./account-mail.ts";

export const RESET_TTL_MS = 30 * 60_000;
export const VERIFY_TTL_MS = 48 * 3_600_000;
// Every reset request is answered no sooner than this after it arrived, so what little work differs between a known
// and an unknown email (two inserts) hides under a common floor.
const RESET_ANSWER_FLOOR_MS = 300;

const linkInvalid = () => new ApiError(410, "LINK_INVALID", "This link has expired or was already used. Ask for a new one.");

export interface RecoveryDeps {
  prisma: PrismaClient;
  guard: LoginGuard;
  resetTtlMs?: number;
  verifyTtlMs?: number;
  now?: () => Date;
}

export class AccountRecovery {
  constructor(private deps: RecoveryDeps) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  get resetTtlMs() {
    return this.deps.resetTtlMs ?? RESET_TTL_MS;
  }

  get verifyTtlMs() {
    return this.deps.verifyTtlMs ?? VERIFY_TTL_MS;
  }

  /** Mails a reset link when the email has an account; the caller always answers the same. */
  async requestReset(email: string, meta: { ip: string }, ctx: MailContext) {
    const started = performance.now();
    await this.deps.guard.reserveAccountMail(meta.ip, email);
    const now = this.now();
    await this.deps.prisma.$transaction(async (tx) => {
      const [user] = await tx.$queryRaw<{ id: string; email: string }[]>`SELECT id::text, email FROM users WHERE email = ${email} FOR UPDATE`;
      if (user) {
        await mailPasswordReset(tx, user, { ...ctx, ip: meta.ip }, this.resetTtlMs, now);
        await writeAudit(tx, { userId: user.id, kind: "user", ip: meta.ip }, { action: "user.password_reset_requested", target: `user:${user.id}` });
      } else {
        // The same secret work the known path does, thrown away.
        hashSecret(newSecret());
      }
    });
    const wait = RESET_ANSWER_FLOOR_MS - (performance.now() - started);
    if (wait > 0) await sleep(wait);
  }

  /** Whether the link of the reset page can still be used (the page says so before the form is filled in). */
  resetLinkUsable(token: string) {
    return accountTokenUsable(this.deps.prisma, "password_reset", token, this.now());
  }

  /**
   * Uses the link once: the new password is stored, every other reset link of the user dies, and every session
   * ends (another device that was signed in is signed out). A reset proves the mailbox, so it verifies the email.
   */
  async confirmReset(token: string, password: string, meta: { ip: string }) {
    await this.deps.guard.reserveResetConfirm(meta.ip);
    const { prisma } = this.deps;
    // Hash only for a link that can be used: a flood of made-up tokens never reaches scrypt.
    if (!(await this.resetLinkUsable(token))) throw linkInvalid();
    const passwordHash = await hashPassword(password);
    const now = this.now();
    return prisma.$transaction(async (tx) => {
      const used = await consumeAccountToken(tx, "password_reset", token, now);
      if (!used) throw linkInvalid();
      const user = await tx.user.findUniqueOrThrow({ where: { id: used.userId }, select: { email: true, emailVerifiedAt: true } });
      await tx.accountToken.updateMany({ where: { userId: used.userId, purpose: "password_reset", usedAt: null }, data: { usedAt: now } });
      const verified = !user.emailVerifiedAt && user.email === used.email ? { emailVerifiedAt: now } : {};
      await tx.user.update({ where: { id: used.userId }, data: { passwordHash, ...verified } });
      const sessions = await tx.session.updateMany({ where: { userId: used.userId, revokedAt: null }, data: { revokedAt: now } });
      await writeAudit(tx, { userId: used.userId, kind: "user", ip: meta.ip }, {
        action: "user.password_reset",
        target: `user:${used.userId}`,
        details: { sessionsEnded: sessions.count },
      });
      return { email: user.email, sessionsEnded: sessions.count };
    });
  }

  /** Opens the verification link once; it counts only for the address it was mailed to. */
  async verifyEmail(token: string, meta: { ip: string }) {
    const now = this.now();
    return this.deps.prisma.$transaction(async (tx) => {
      const used = await consumeAccountToken(tx, "verify_email", token, now);
      if (!used) throw linkInvalid();
      const { count } = await tx.user.updateMany({ where: { id: used.userId, email: used.email, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
      if (count) await writeAudit(tx, { userId: used.userId, kind: "user", ip: meta.ip }, { action: "user.email_verified", target: `user:${used.userId}` });
      return { email: used.email };
    });
  }

  /** "Resend verification" on the account page: limited per account; refused once verified. */
  async resendVerification(userId: string, meta: { ip: string }, ctx: MailContext) {
    const user = await this.deps.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true, emailVerifiedAt: true } });
    if (user.emailVerifiedAt) throw new ApiError(409, "ALREADY_VERIFIED", "Your email address is already verified.");
    await this.deps.guard.reserveAccountMail(meta.ip, user.email);
    await this.deps.prisma.$transaction(async (tx) => {
      await mailVerification(tx, user, ctx, this.verifyTtlMs, this.now());
      await writeAudit(tx, { userId, kind: "user", ip: meta.ip }, { action: "user.verification_resent", target: `user:${userId}` });
    });
    return { email: user.email };
  }
}
