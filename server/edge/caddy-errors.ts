/** The Caddy admin client's typed errors (caddy-client.ts). */
interface ErrorDetails {
  status?: number | null;
  cause?: unknown;
}
/** Base of every error this client throws; says which admin call failed. */
export class CaddyError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  constructor(method: string, path: string, message: string, details: ErrorDetails = {}) {
    super(`Caddy admin ${method} ${path}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.method = method;
    this.path = path;
    this.status = details.status ?? null;
  }
}
/** Connection refused or reset, or no complete answer before the deadline; `cause` is the transport error. */
export class CaddyUnavailableError extends CaddyError {}
/** Caddy answered 4xx/5xx; `caddyMessage` is its `error` text (e.g. why a config did not load). */
export class CaddyRejectedError extends CaddyError {
  readonly caddyMessage: string;
  constructor(method: string, path: string, caddyMessage: string, details: ErrorDetails & { status: number }) {
    super(method, path, caddyMessage, details);
    this.caddyMessage = caddyMessage;
  }
}
/** The live config cannot take the change: the "@id" is used outside the server's routes, or routes is not an array. */
export class CaddyConfigError extends CaddyError {}
