export {
  createCaddyAdmin, buildEdgeRoute, CaddyError, CaddyUnavailableError, CaddyRejectedError, CaddyConfigError,
  type CaddyRoute, type EdgeRoute, type UpsertRouteParams, type UpsertResult,
} from "./caddy-client.ts";
export { EdgeSnapshot, askHandler } from "./ask.ts";
