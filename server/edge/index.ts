export {
  createCaddyAdmin, buildEdgeRoute, CaddyError, CaddyUnavailableError, CaddyRejectedError, CaddyConfigError,
  type CaddyRoute, type EdgeRoute, type UpsertRouteParams, type UpsertResult,
} from "./caddy-client.ts";
export { EdgeSnapshot, askHandler, isInternalPeer } from "./ask.ts";
export { probeTls, tlsWarning, TLS_WARNING_DAYS, type TlsProbeOptions, type TlsProbeResult } from "./tls-probe.ts";
export { EdgeReconciler, diffRoutes, reconcileAsOperator, type EdgeDrift, type ReconcileReport } from "./reconcile.ts";
export { desiredRoutes, ROUTE_IDS, ROUTE_PREFIX, CATCH_ALL_ID, type EdgeState } from "./routes.ts";
