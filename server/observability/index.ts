export { createLogger, REDACT_PATHS, type Logger } from "./logger.ts";
export { logContextFields, logContextMiddleware, setLogTenant } from "./log-context.ts";
export { createRegistry, registerFamilies, type Registry, type FamilyDef, type Sample } from "./registry.ts";
export { setGauge, incCounter, readMetrics, registerSharedMetrics } from "./metrics.ts";
export { HttpMetrics, routeClass } from "./http-metrics.ts";
export { registerPlatformMetrics } from "./platform-metrics.ts";
export { TenantRequestStats, type RequestCounts } from "./tenant-stats.ts";
