/** Alerts to owners and operators, deduplicated in the alerts table (issue 17 point 4, ADR 042). */
export { AlertService, type AlertServiceDeps, type AlertCheckReport, type PlatformSend } from "./service.ts";
export { OWNER_TLS_ALERT_DAYS } from "./owner-tls.ts";
