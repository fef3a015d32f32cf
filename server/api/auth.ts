/** Account routes: sign-up, sign-in, sign-out (here and everywhere), password change, the current user, personal API tokens. */
import { z } from "zod";
import {
  apiTokenCreateSchema, listMemberships, passwordChangeSchema, readSessionToken, signInSchema, signOutEverywhereSchema, signUpSchema,
  passwordResetRequestSchema, passwordResetConfirmSchema, emailVerifySchema,
} from "#server/auth/index.ts";
import { defineRoute } from "#server/http/index.ts";
import { accountMeta } from "./mail-context.ts";

export function authRoutes() {
  return [
    defineRoute({
      method: "post", path: "/auth/signup", tag: "auth", summary: "Create an account and sign in", auth: "public", status: 201,
      body: signUpSchema,
      async handler({ body, meta, services, req, res }) {
        const { user, session, deviceId } = await services.auth.signUp(body, accountMeta(req, res, meta, services));
        res.append("Set-Cookie", services.auth.sessionCookie(session.token, meta.secure));
        res.append("Set-Cookie", services.auth.deviceCookie(deviceId, meta.secure));
        return { user: { id: user.id, email: user.email, displayName: user.displayName } };
      },
    }),
    defineRoute({
      method: "post", path: "/auth/login", tag: "auth", summary: "Sign in (rotates the session)", auth: "public",
      body: signInSchema,
      async handler({ body, meta, services, req, res }) {
        const { user, session, deviceId } = await services.auth.signIn(body, accountMeta(req, res, meta, services), readSessionToken(req.headers.cookie));
        res.append("Set-Cookie", services.auth.sessionCookie(session.token, meta.secure));
        res.append("Set-Cookie", services.auth.deviceCookie(deviceId, meta.secure));
        return { user: { id: user.id, email: user.email, displayName: user.displayName, isOperator: user.platformRole === "admin" } };
      },
    }),
    defineRoute({
      method: "post", path: "/auth/logout", tag: "auth", summary: "Sign out this session", auth: "public",
      async handler({ meta, services, req, res }) {
        const token = readSessionToken(req.headers.cookie);
        if (token) await services.auth.signOut(token);
        res.append("Set-Cookie", services.auth.clearSessionCookie(meta.secure));
        return { signedOut: true };
      },
    }),
    defineRoute({
      method: "post", path: "/auth/logout-everywhere", tag: "auth", auth: "user",
      summary: "End every other session of this account (and, with revokeApiTokens, every API token)",
      body: signOutEverywhereSchema,
      async handler({ actor, body, meta, services }) {
        const ended = await services.auth.signOutEverywhere(actor, meta, body);
        return { ended: ended.sessions, tokensRevoked: ended.tokens };
      },
    }),
    defineRoute({
      method: "post", path: "/auth/password", tag: "auth", auth: "user",
      summary: "Change your password: ends every other session (and, with revokeApiTokens, every API token)",
      body: passwordChangeSchema,
      async handler({ actor, body, meta, services }) {
        const ended = await services.auth.changePassword(actor, body, meta);
        return { changed: true, sessionsEnded: ended.sessions, tokensRevoked: ended.tokens };
      },
    }),
    defineRoute({
      method: "post", path: "/auth/password-reset", tag: "auth", auth: "public", status: 202,
      summary: "Mail a password reset link (the same answer whether or not the email has an account; 5 per 15 min per IP and per email)",
      body: passwordResetRequestSchema,
      async handler({ body, meta, services, req, res }) {
        await services.recovery.requestReset(body.email, meta, accountMeta(req, res, meta, services).mail!);
        return { accepted: true, message: "If an account uses this email, a link to reset its password is on its way. It expires in 30 minutes." };
      },
    }),
    defineRoute({
      method: "post", path: "/auth/password-reset/confirm", tag: "auth", auth: "public",
      summary: "Set a new password with a reset link's token (single use, 30 minutes): every session of the account ends",
      body: passwordResetConfirmSchema,
      async handler({ body, meta, services }) {
        const { sessionsEnded } = await services.recovery.confirmReset(body.token, body.password, meta);
        return { reset: true, sessionsEnded };
      },
    }),
    defineRoute({
      method: "post", path: "/auth/verify-email", tag: "auth", auth: "public",
      summary: "Verify the account's email with the mailed link's token (single use, 48 hours)",
      body: emailVerifySchema,
      async handler({ body, meta, services }) {
        await services.recovery.verifyEmail(body.token, meta);
        return { verified: true };
      },
    }),
    defineRoute({
      method: "post", path: "/auth/verify-email/resend", tag: "auth", auth: "user",
      summary: "Mail the verification link again (5 per 15 minutes)",
      async handler({ actor, meta, services, req, res }) {
        const { email } = await services.recovery.resendVerification(actor.userId, meta, accountMeta(req, res, meta, services).mail!);
        return { sent: true, email };
      },
    }),
    defineRoute({
      method: "get", path: "/auth/me", tag: "auth", summary: "The signed-in user and their shops", auth: "user",
      async handler({ actor, services }) {
        return {
          user: { id: actor.userId, email: actor.email, displayName: actor.displayName, isOperator: actor.isOperator },
          via: actor.via,
          tenants: await listMemberships(services.prisma, actor.userId),
        };
      },
    }),
    defineRoute({
      method: "get", path: "/tokens", tag: "auth", summary: "List your API tokens (never their secrets)", auth: "user",
      async handler({ actor, services }) {
        return { items: await services.auth.listApiTokens(actor.userId) };
      },
    }),
    defineRoute({
      method: "post", path: "/tokens", tag: "auth", summary: "Create a personal API token (the secret is shown once)", auth: "user", status: 201,
      body: apiTokenCreateSchema,
      async handler({ actor, body, meta, services }) {
        const { token, record } = await services.auth.createApiToken(actor, body, meta);
        return { token, ...record };
      },
    }),
    defineRoute({
      method: "delete", path: "/tokens/:tokenId", tag: "auth", summary: "Revoke one of your API tokens", auth: "user",
      params: z.object({ tokenId: z.uuid() }),
      async handler({ actor, params, meta, services }) {
        await services.auth.revokeApiToken(actor, params.tokenId, meta);
        return { revoked: true };
      },
    }),
  ];
}
