export { createCaddyAdmin, type CaddyAdmin, type UpsertRouteParams, type UpsertResult } from "./caddy-client.ts";
export { CaddyError, CaddyUnavailableError, CaddyRejectedError, CaddyConfigError } from "./caddy-errors.ts";
export { EdgeSnapshot, askHandler, isInternalPeer } from "./ask.ts";
export { probeTls, tlsWarning, TLS_WARNING_DAYS, type TlsProbeOptions, type TlsProbeResult } from "./tls-probe.ts";
export { EdgeReconciler, diffRoutes, reconcileAsOperator, type EdgeDrift, type ReconcileReport } from "./reconcile.ts";
export {
  buildEdgeRoute, desiredRoutes, poolRouteId, SHARED_POOL, ROUTE_IDS, ROUTE_PREFIX, CATCH_ALL_ID, type CaddyRoute, type EdgeRoute, type EdgeState, type EdgePool,
} from "./routes.ts";
export { syncOwnCertificates, OWN_CERT_TAG, type OwnCertificate } from "./own-certificates.ts";
