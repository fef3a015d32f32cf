/**
 * The HTTP layer's public entry. Leaf helpers come first: most modules import ApiError from here, and the
 * middleware below imports those modules back, so the leaves must be evaluated before the cycle closes.
 */
export { ApiError, sendError, errorHandler, PLATFORM_OUTAGE } from "./errors.ts";
export { isDatabaseUnavailable } from "./db-unavailable.ts";
export { normalizeHost, classifyHost, hasValidPort, isIpLiteral, type HostKind } from "./host.ts";
export { STATUS_PAGE_HEADERS, statusPageHtml, renderStatusPage, type StatusPage } from "./status-pages.ts";
export { readCapped, isTransportError } from "./read-capped.ts";
export { CircuitBreaker, type CircuitBreakerDeps } from "./circuit-breaker.ts";
export { hit, limiterFor, rateLimit, type RateLimitRule } from "./rate-limit.ts";
export { securityHeaders, allowTelegramFraming } from "./security-headers.ts";
export { crossSiteGuard, sessionWriteGuard } from "./csrf.ts";
export { accessLog, maskPath } from "./access-log.ts";
export { tenantContextMiddleware, peerAddress, requestHost, rawRequestHost, type TenantContext } from "./tenant-context.ts";
export { authContext } from "./auth-context.ts";
export { defineRoute, mountRoutes, openApiDocument, auditActorOf, tenantParams, type AuthRule, type HandlerContext, type RouteDef } from "./api-route.ts";
export { appMetrics, metricsHandler } from "./metrics-route.ts";
export { hasUnsafeText, findUnsafeText, unsafeTextError, rejectUnsafeUrl, jsonBody, formBodyCheck, MAX_FORM_BODY_BYTES } from "./unsafe-text.ts";
export { remixHandler } from "./remix-handler.ts";
