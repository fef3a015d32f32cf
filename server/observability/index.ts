export { createLogger, REDACT_PATHS, type Logger } from "./logger.ts";
export { logContextFields, logContextMiddleware, setLogTenant } from "./log-context.ts";
export { field, setGauge, incCounter, readMetrics, renderMetrics } from "./metrics.ts";
export { HttpMetrics, routeClass } from "./http-metrics.ts";
export { renderFamilies, queueDepths, domainFamilies, resolutionFamilies, type Family } from "./platform-metrics.ts";
export { TenantRequestStats, type RequestCounts } from "./tenant-stats.ts";
