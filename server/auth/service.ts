/**
 * Accounts: users, server-side sessions and personal API tokens. Secrets (session cookies, API tokens) are
 * random, returned once, and stored only as sha256 hashes.
 */
import type { Prisma, PrismaClient, User } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { writeAudit } from "#server/audit/index.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";
import { hashSecret, newSecret } from "#server/secrets/index.ts";
import { clearSessionCookie, sessionCookie } from "./cookies.ts";
import type { LoginGuard } from "./login-guard.ts";
import { deviceCookie, rememberDevice } from "./devices.ts";
import { mailNewDevice, mailVerification, type MailContext } from "./account-mail.ts";
import { VERIFY_TTL_MS } from "./recovery.ts";

export interface Actor {
  userId: string;
  email: string;
  displayName: string | null;
  isOperator: boolean;
  via: "session" | "token";
  sessionId?: string;
  tokenId?: string;
}

export interface RequestMeta {
  ip: string;
  userAgent?: string | null;
  /** Where mailed links point and the mail's language (ADR 030); without it, the platform origin in English. */
  mail?: MailContext;
  /** The browser's device id (its sf_device cookie), when it sent one. */
  deviceId?: string | null;
}

export const API_TOKEN_PREFIX = "sfp_";
const TOUCH_EVERY_MS = 5 * 60_000;

export class AuthService {
  constructor(
    private deps: {
      prisma: PrismaClient;
      guard: LoginGuard;
      sessionTtlMs: number;
      /** Production: the session cookie is always `__Host-…; Secure`, so it never travels without TLS. */
      secureCookiesOnly?: boolean;
      /** Links in mail not caused on the platform host (services.ts: mail's platformOrigin()). */
      platformOrigin?: () => string;
      verifyTtlMs?: number;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  get sessionTtlSec() {
    return Math.floor(this.deps.sessionTtlMs / 1000);
  }

  /** The Set-Cookie value for a new session; Secure under HTTPS, and always in production. */
  sessionCookie(token: string, requestSecure: boolean) {
    return sessionCookie(token, { secure: requestSecure || Boolean(this.deps.secureCookiesOnly), maxAgeSec: this.sessionTtlSec });
  }

  clearSessionCookie(requestSecure: boolean) {
    return clearSessionCookie({ secure: requestSecure || Boolean(this.deps.secureCookiesOnly) });
  }

  /** The Set-Cookie value that remembers this browser as a known device of whoever signs in on it. */
  deviceCookie(deviceId: string, requestSecure: boolean) {
    return deviceCookie(deviceId, { secure: requestSecure || Boolean(this.deps.secureCookiesOnly) });
  }

  /** The platform's own origin, for links in mail caused anywhere but on the platform host. */
  platformOrigin() {
    return this.deps.platformOrigin?.() ?? "http://localhost";
  }

  private mailContext(meta: RequestMeta): MailContext {
    return meta.mail ?? { origin: this.platformOrigin(), locale: "en" };
  }

  async signUp(input: { email: string; password: string; displayName?: string }, meta: RequestMeta) {
    const { prisma } = this.deps;
    await this.deps.guard.reserveSignup(meta.ip);
    const passwordHash = await hashPassword(input.password);
    const user = await prisma.$transaction(async (tx) => {
      const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
      if (existing) throw new ApiError(409, "EMAIL_TAKEN", "An account with this email already exists. Sign in instead.");
      const created = await tx.user.create({ data: { email: input.email, passwordHash, displayName: input.displayName ?? null } });
      await writeAudit(tx, { userId: created.id, kind: "user", ip: meta.ip }, { action: "user.signup", target: `user:${created.id}` });
      await mailVerification(tx, created, this.mailContext(meta), this.deps.verifyTtlMs ?? VERIFY_TTL_MS, this.now());
      // The sign-up's browser is the account's first known device: signing in on it again mails nobody.
      const device = await rememberDevice(tx, { userId: created.id, deviceId: meta.deviceId ?? null, userAgent: meta.userAgent, ip: meta.ip, now: this.now() });
      return { ...created, deviceId: device.deviceId };
    });
    const session = await this.createSession(user.id, meta);
    return { user, session, deviceId: user.deviceId };
  }

  /** Verifies the password under the login guard (limits, then backoff), then rotates: the old session (if any) is revoked. */
  async signIn(input: { email: string; password: string }, meta: RequestMeta, previousToken?: string | null) {
    await this.deps.guard.reserve(meta.ip, input.email);
    const user = await this.deps.prisma.user.findUnique({ where: { email: input.email } });
    const ok = user?.passwordHash
      ? await verifyPassword(input.password, user.passwordHash)
      : (await verifyPassword(input.password, await dummyHash()), false);
    if (!user || !ok) {
      await this.deps.guard.failed(input.email);
      throw new ApiError(401, "INVALID_CREDENTIALS", "The email or password is not correct.");
    }
    await this.deps.guard.succeeded(meta.ip, input.email);
    if (previousToken) await this.signOut(previousToken);
    const deviceId = await this.deps.prisma.$transaction(async (tx) => {
      const now = this.now();
      const device = await rememberDevice(tx, { userId: user.id, deviceId: meta.deviceId ?? null, userAgent: meta.userAgent, ip: meta.ip, now });
      if (device.isNew) await mailNewDevice(tx, user, { rowId: device.rowId, label: device.label, ip: meta.ip, at: now }, this.mailContext(meta));
      return device.deviceId;
    });
    const session = await this.createSession(user.id, meta);
    return { user, session, deviceId };
  }

  private async createSession(userId: string, meta: RequestMeta) {
    const token = newSecret();
    const expiresAt = new Date(this.now().getTime() + this.deps.sessionTtlMs);
    const row = await this.deps.prisma.session.create({
      data: { userId, tokenHash: hashSecret(token), expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) ?? null },
      select: { id: true },
    });
    return { id: row.id, token, expiresAt };
  }

  async signOut(token: string) {
    await this.deps.prisma.session.updateMany({
      where: { tokenHash: hashSecret(token), revokedAt: null },
      data: { revokedAt: this.now() },
    });
  }

  /**
   * Ends every session of the actor except the one asking (a token-authenticated actor has none, so all end) and,
   * when asked, revokes every API token of theirs too. Returns how many of each ended.
   */
  async signOutEverywhere(actor: Actor, meta: RequestMeta, options: { revokeApiTokens?: boolean } = {}) {
    return this.deps.prisma.$transaction(async (tx) => {
      const ended = await this.revokeOtherCredentials(tx, actor, options.revokeApiTokens ?? false);
      await writeAudit(tx, { userId: actor.userId, kind: "user", ip: meta.ip }, {
        action: "user.sessions_revoked",
        target: `user:${actor.userId}`,
        details: { count: ended.sessions, tokensRevoked: ended.tokens },
      });
      return ended;
    });
  }

  /**
   * Checks the current password under the login guard (a stolen session must not guess it freely), stores the new
   * hash, and ends every other session (and, when asked, every API token) in the same transaction.
   */
  async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string; revokeApiTokens: boolean }, meta: RequestMeta) {
    const { guard, prisma } = this.deps;
    await guard.reserve(meta.ip, actor.email);
    const user = await prisma.user.findUnique({ where: { id: actor.userId }, select: { passwordHash: true } });
    const ok = user?.passwordHash ? await verifyPassword(input.currentPassword, user.passwordHash) : false;
    if (!ok) {
      await guard.failed(actor.email);
      throw new ApiError(403, "INVALID_CURRENT_PASSWORD", "The current password is not correct.");
    }
    await guard.succeeded(meta.ip, actor.email);
    const passwordHash = await hashPassword(input.newPassword);
    return prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: actor.userId }, data: { passwordHash } });
      const ended = await this.revokeOtherCredentials(tx, actor, input.revokeApiTokens);
      await writeAudit(tx, { userId: actor.userId, kind: "user", ip: meta.ip }, {
        action: "user.password_changed",
        target: `user:${actor.userId}`,
        details: { sessionsEnded: ended.sessions, tokensRevoked: ended.tokens },
      });
      return ended;
    });
  }

  private async revokeOtherCredentials(tx: Prisma.TransactionClient, actor: Actor, revokeApiTokens: boolean) {
    const now = this.now();
    const sessions = await tx.session.updateMany({
      where: { userId: actor.userId, revokedAt: null, ...(actor.sessionId ? { id: { not: actor.sessionId } } : {}) },
      data: { revokedAt: now },
    });
    const tokens = revokeApiTokens
      ? await tx.apiToken.updateMany({ where: { userId: actor.userId, revokedAt: null }, data: { revokedAt: now } })
      : { count: 0 };
    return { sessions: sessions.count, tokens: tokens.count };
  }

  async actorFromSession(token: string): Promise<Actor | null> {
    const { prisma } = this.deps;
    const row = await prisma.session.findUnique({
      where: { tokenHash: hashSecret(token) },
      select: { id: true, expiresAt: true, revokedAt: true, lastSeenAt: true, user: true },
    });
    const now = this.now();
    if (!row || row.revokedAt || row.expiresAt <= now) return null;
    if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await prisma.session.update({ where: { id: row.id }, data: { lastSeenAt: now } });
    }
    return toActor(row.user, { via: "session", sessionId: row.id });
  }

  async actorFromApiToken(token: string): Promise<Actor | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const { prisma } = this.deps;
    const row = await prisma.apiToken.findUnique({
      where: { tokenHash: hashSecret(token) },
      select: { id: true, revokedAt: true, expiresAt: true, lastUsedAt: true, user: true },
    });
    const now = this.now();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    }
    return toActor(row.user, { via: "token", tokenId: row.id });
  }

  listSessions(userId: string) {
    return this.deps.prisma.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: this.now() } },
      select: { id: true, ip: true, userAgent: true, createdAt: true, lastSeenAt: true, expiresAt: true },
      orderBy: { lastSeenAt: "desc" },
      take: 100,
    });
  }

  async createApiToken(actor: Actor, input: { name: string; expiresInDays?: number }, meta: RequestMeta) {
    const token = newSecret(API_TOKEN_PREFIX);
    const expiresAt = input.expiresInDays ? new Date(this.now().getTime() + input.expiresInDays * 86_400_000) : null;
    const record = await this.deps.prisma.$transaction(async (tx) => {
      const row = await tx.apiToken.create({
        data: { userId: actor.userId, name: input.name, tokenHash: hashSecret(token), prefix: token.slice(0, 10), expiresAt },
        select: tokenSelect,
      });
      await writeAudit(tx, { userId: actor.userId, kind: "user", ip: meta.ip }, {
        action: "token.create",
        target: `api_token:${row.id}`,
        details: { name: input.name },
      });
      return row;
    });
    return { token, record };
  }

  listApiTokens(userId: string) {
    return this.deps.prisma.apiToken.findMany({ where: { userId }, select: tokenSelect, orderBy: { createdAt: "desc" }, take: 100 });
  }

  /** Revokes one of the actor's own tokens; another user's token id is indistinguishable from a missing one. */
  async revokeApiToken(actor: Actor, id: string, meta: RequestMeta) {
    await this.deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.apiToken.updateMany({
        where: { id, userId: actor.userId, revokedAt: null },
        data: { revokedAt: this.now() },
      });
      if (count === 0) throw new ApiError(404, "TOKEN_NOT_FOUND", "No active token with this id.");
      await writeAudit(tx, { userId: actor.userId, kind: "user", ip: meta.ip }, { action: "token.revoke", target: `api_token:${id}` });
    });
  }

  /** Creates or updates a platform operator (idempotent: the same email is updated in place). */
  async upsertOperator(email: string, password: string) {
    const passwordHash = await hashPassword(password);
    return this.deps.prisma.$transaction(async (tx) => {
      const user = await tx.user.upsert({
        where: { email },
        create: { email, passwordHash, platformRole: "admin" },
        update: { passwordHash, platformRole: "admin" },
      });
      await writeAudit(tx, { userId: null, kind: "system" }, { action: "operator.upsert", target: `user:${user.id}` });
      return user;
    });
  }
}

const tokenSelect = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true } as const;

function toActor(user: User, via: Pick<Actor, "via" | "sessionId" | "tokenId">): Actor {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    isOperator: user.platformRole === "admin",
    ...via,
  };
}
