/**
 * Declarative control-plane handlers (STYLE.md 13): each route declares zod params/query/body, an auth rule and,
 * for `/tenants/:tenantId/...`, the tenant rule whose lookup is done here. Handlers receive parsed input and the
 * tenant access; they never see unvalidated data. The same definitions generate the OpenAPI document.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { z, type ZodType } from "zod";
import { allowedRoles, requireTenantAccess, type Actor, type TenantAccess, type TenantRule } from "#server/auth/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { Services } from "#server/services.ts";
import { ApiError, sendError } from "./errors.ts";
import { unsafeTextError } from "./unsafe-text.ts";

/** Path parameters of every `/tenants/:tenantId/...` route. */
export const tenantParams = z.object({ tenantId: z.uuid() });

export type AuthRule = "public" | "user" | "operator" | { tenant: TenantRule };
type Method = "get" | "post" | "put" | "patch" | "delete";

export interface HandlerContext<P, Q, B, A extends AuthRule> {
  params: P;
  query: Q;
  body: B;
  /** The request body as bytes, for routes declared with `raw`; otherwise empty. */
  rawBody: Buffer;
  actor: A extends "public" ? Actor | null : Actor;
  access: A extends { tenant: TenantRule } ? TenantAccess : null;
  /** The actor as the audit log records it, with the client IP. */
  audit: AuditActor;
  meta: { ip: string; userAgent: string | null; secure: boolean; origin: string };
  services: Services;
  req: Request;
  res: Response;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown, A extends AuthRule = AuthRule> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  auth: A;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** HTTP status on success (default 200). */
  status?: number;
  /** The media type of a successful response that is a file rather than the JSON envelope (documented in OpenAPI). */
  produces?: string;
  /**
   * Take the body as raw bytes (uploads, CSV) up to `limit` bytes instead of JSON; `body` then gets the Buffer. With
   * `stream`, nothing is read here: the handler streams `req` itself and enforces the limit (large files).
   */
  raw?: { limit: number; contentType: string; stream?: boolean };
  handler(ctx: HandlerContext<P, Q, B, A>): Promise<unknown>;
}

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined, A extends AuthRule = AuthRule>(
  def: RouteDef<P, Q, B, A>,
): RouteDef<P, Q, B, A> {
  return def;
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return {} as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ApiError(400, "VALIDATION_ERROR", `Invalid ${where}.`, {
    issues: r.error.issues.map((i) => ({ in: where, path: i.path.join("."), message: i.message })),
  });
}

export function auditActorOf(actor: Actor | null, ip: string): AuditActor {
  if (!actor) return { userId: null, kind: "system", ip };
  return { userId: actor.userId, kind: actor.isOperator ? "operator" : actor.via === "token" ? "token" : "user", ip };
}

const breakGlassReason = z.string().trim().min(5).max(500);

/** An operator reading a shop's customer data: refused without a reason; audited (before the read) with it. */
async function breakGlass(services: Services, audit: AuditActor, tenantId: string, req: Request) {
  const reason = breakGlassReason.safeParse(req.get("x-break-glass-reason") ?? "");
  if (!reason.success) {
    throw new ApiError(403, "BREAK_GLASS_REASON_REQUIRED", "This is the shop's customer data: state why you need it in the X-Break-Glass-Reason header (5–500 characters).");
  }
  await writeAudit(services.prisma, audit, {
    action: "break_glass.read", tenantId, target: `${req.method} ${req.originalUrl.split("?")[0]}`, reason: reason.data,
  });
}

export function mountRoutes(router: Router, routes: RouteDef[], services: Services) {
  for (const def of routes) {
    const rawParser = def.raw && !def.raw.stream ? express.raw({ type: () => true, limit: def.raw.limit }) : (_q: Request, _s: Response, n: NextFunction) => n();
    router[def.method](def.path, rawParser, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const actor = (res.locals.actor as Actor | null) ?? null;
        if (def.auth !== "public" && !actor) throw new ApiError(401, "UNAUTHENTICATED", "Sign in or send an API token.");
        if (def.auth === "operator" && !actor!.isOperator) throw new ApiError(403, "FORBIDDEN", "Operators only.");
        // Cookie-authenticated writes must be JSON: HTML forms (which can only GET or POST) cannot send that
        // cross-site without a CORS preflight (CSRF, docs/security.md 5). DELETE/PUT/PATCH cross-site need CORS anyway.
        // A bearer client's POST without a Content-Type sends no body we read: the route's schema sees {}, so a route
        // whose body is all optional (/ship before tracking existed) keeps working for it. Any other type is 415.
        const json = req.is("application/json");
        const needsJson = actor?.via === "session" || (def.body && req.headers["content-type"] !== undefined);
        if (!def.raw && def.method !== "get" && def.method !== "delete" && needsJson && !json) {
          throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
        }
        const params = parse(def.params, req.params, "path parameters");
        let access: TenantAccess | null = null;
        if (typeof def.auth === "object") {
          access = await requireTenantAccess(services.prisma, actor!, (params as { tenantId: string }).tenantId, def.auth.tenant);
        }
        const query = parse(def.query, req.query, "query");
        const body = def.body && !def.raw ? parse(def.body, req.body ?? {}, "body") : undefined;
        const rawBody = def.raw && Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        // A text upload (CSV) goes to the database as text: NUL is refused here like in JSON bodies (unsafe-text.ts).
        if (def.raw?.contentType.startsWith("text/") && rawBody.includes(0)) throw unsafeTextError("body", "");
        const ip = req.ip ?? "unknown";
        if (access?.asOperator && typeof def.auth === "object" && def.auth.tenant.breakGlass) {
          await breakGlass(services, auditActorOf(actor, ip), access.tenant.id, req);
        }
        const data = await def.handler({
          params,
          query,
          body,
          rawBody,
          actor,
          access,
          audit: auditActorOf(actor, ip),
          meta: { ip, userAgent: req.get("user-agent") ?? null, secure: req.secure, origin: `${req.protocol}://${req.get("host")}` },
          services,
          req,
          res,
        });
        if (res.headersSent) return;
        res.status(def.status ?? 200).json({ success: true, data: data ?? null });
      } catch (err) {
        if (err instanceof ApiError) return sendError(res, err);
        next(err);
      }
    });
  }
}

/** OpenAPI 3.1 from the same definitions the router uses, so the document cannot drift from the code. */
export function openApiDocument(routes: RouteDef[], info: { title: string; version: string }) {
  const toSchema = (s: ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const path = "/api" + def.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const parameters: unknown[] = [];
    for (const [where, schema] of [["path", def.params], ["query", def.query]] as const) {
      if (!schema) continue;
      const json = toSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === "path" || (json.required ?? []).includes(name), schema: s });
      }
    }
    const security = def.auth === "public" ? [] : [{ bearer: [] }, { session: [] }];
    const rule = typeof def.auth === "object" ? def.auth.tenant : null;
    paths[path] ??= {};
    paths[path]![def.method] = {
      summary: def.summary,
      tags: [def.tag],
      operationId: `${def.method}${def.path.replace(/[/:{}-]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      description: describeAuth(def.auth),
      ...(rule ? { "x-tenant-roles": allowedRoles(rule.action), "x-operator": rule.operator, ...(rule.breakGlass ? { "x-break-glass": true } : {}) } : {}),
      security,
      parameters,
      ...(def.raw
        ? { requestBody: { required: true, content: { [def.raw.contentType]: { schema: { type: "string", format: "binary", maxLength: def.raw.limit } } } } }
        : def.body ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(def.body) } } } } : {}),
      responses: {
        [String(def.status ?? 200)]: def.produces
          ? { description: "The file", content: { [def.produces]: { schema: { type: "string", format: "binary" } } } }
          : { description: "Success", content: { "application/json": { schema: { $ref: "#/components/schemas/Success" } } } },
        default: { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A personal API token (sfp_…) from the dashboard." },
        session: { type: "apiKey", in: "cookie", name: "sf_session", description: "The dashboard session cookie (__Host-sf_session under HTTPS)." },
      },
      schemas: {
        Success: { type: "object", required: ["success", "data"], properties: { success: { const: true }, data: {} } },
        Error: {
          type: "object",
          required: ["success", "error"],
          properties: {
            success: { const: false },
            error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, details: {} } },
          },
        },
      },
    },
  };
}

function describeAuth(auth: AuthRule): string {
  if (auth === "public") return "Public.";
  if (auth === "user") return "Any signed-in user (session or API token).";
  if (auth === "operator") return "Platform operators only.";
  const { action, operator, breakGlass } = auth.tenant;
  const roles = allowedRoles(action);
  if (roles !== "any" && roles.length === 0) return "Platform operators only.";
  const who = roles === "any" ? "any member of the tenant" : `tenant roles: ${roles.join(", ")}`;
  const ops = !operator ? "" : breakGlass ? "; operators may also read, stating why in the X-Break-Glass-Reason header (audited)" : "; operators may also read";
  return `Requires ${who}${ops}.`;
}
