export { AuthService, API_TOKEN_PREFIX, type Actor, type RequestMeta } from "./service.ts";
export { LoginGuard } from "./login-guard.ts";
export { TeamService, roleGrantSchema, invitationCreateSchema, invitationAcceptSchema, INVITATION_TTL_MS, MAX_MANAGERS, MAX_OTHER_ROLES } from "./team.ts";
export { requireTenantAccess, type TenantRule, type TenantAccess } from "./access.ts";
export { sessionCookie, clearSessionCookie, readSessionToken, csrfTokenFor, COOKIE_NAME, SECURE_COOKIE_NAME } from "./cookies.ts";
export * from "./shared.ts";
export { hashPassword, verifyPassword, hashLimiter } from "./password.ts";
export { listMemberships } from "./memberships.ts";
