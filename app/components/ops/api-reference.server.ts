/**
 * The API reference page's view of the OpenAPI document (server/api openApi): operations grouped by tag, with
 * parameters summarised for a table and request bodies pretty-printed. Built once per process: the document is
 * a pure function of the route definitions.
 */
import { openApi } from "#server/api/index.ts";

export interface ApiParam {
  name: string;
  in: string;
  required: boolean;
  type: string;
  notes: string;
}

export interface ApiOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  auth: string;
  isPublic: boolean;
  status: string;
  params: ApiParam[];
  body: string | null;
  /** The request body's media type (application/json, text/csv, …). */
  bodyType: string | null;
}

export interface ApiGroup {
  tag: string;
  title: string;
  blurb: string;
  operations: ApiOperation[];
}

const TAGS: Record<string, { title: string; blurb: string }> = {
  auth: { title: "Accounts and tokens", blurb: "Sign-up, sign-in and sign-out, the current user, and personal API tokens." },
  tenants: { title: "Tenants", blurb: "Create shops, list and read them, update their name, brand, locales and currency." },
  team: { title: "Team", blurb: "Members, their roles, and email invitations." },
  payments: { title: "Payments", blurb: "Which payment rails a shop accepts and when escrow is required." },
  storefront: { title: "Storefront", blurb: "Served on a shop's own host, not the platform's: the buyer's order documents by the order link." },
  operator: { title: "Operator", blurb: "Platform operator actions: status transitions and the platform audit log." },
};

type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

type Operation = {
  summary: string;
  tags: string[];
  operationId: string;
  description: string;
  security: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: JsonSchema }[];
  // JSON for most routes; raw bodies (text/csv imports, application/octet-stream uploads) for a few.
  requestBody?: { content: Record<string, { schema?: Record<string, unknown> }> };
  responses: Record<string, unknown>;
};

function paramType(s: JsonSchema) {
  if (s.enum) return "enum";
  const type = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
  return s.format ? `${type} (${s.format})` : type;
}

const num = (n: number) => n.toLocaleString("en-US");

function paramNotes(s: JsonSchema) {
  const notes: string[] = [];
  if (s.enum) notes.push(`One of: ${s.enum.map(String).join(", ")}`);
  if (s.minimum !== undefined && s.maximum !== undefined) notes.push(`${num(s.minimum)}–${num(s.maximum)}`);
  else if (s.minimum !== undefined) notes.push(`≥ ${num(s.minimum)}`);
  else if (s.maximum !== undefined) notes.push(`≤ ${num(s.maximum)}`);
  if (s.minLength !== undefined || s.maxLength !== undefined) notes.push(`${s.minLength ?? 0}–${s.maxLength ?? "∞"} characters`);
  // A format (uuid, date-time) already says what the generated pattern spells out.
  if (s.pattern && !s.format) notes.push(`Pattern ${s.pattern}`);
  if (s.default !== undefined) notes.push(`Default ${JSON.stringify(s.default)}`);
  return notes.join(" · ");
}

function build(): { title: string; version: string; groups: ApiGroup[] } {
  const doc = openApi();
  const groups = new Map<string, ApiGroup>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as Operation;
      const tag = op.tags[0] ?? "other";
      const group = groups.get(tag) ?? { tag, title: TAGS[tag]?.title ?? tag, blurb: TAGS[tag]?.blurb ?? "", operations: [] };
      const [bodyType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [null, null];
      const { $schema: _ignored, ...bodySchema } = media?.schema ?? {};
      group.operations.push({
        id: op.operationId,
        method,
        path,
        summary: op.summary,
        auth: op.description,
        isPublic: op.security.length === 0,
        status: Object.keys(op.responses).find((k) => k !== "default") ?? "200",
        params: op.parameters.map((p) => ({ name: p.name, in: p.in, required: p.required, type: paramType(p.schema), notes: paramNotes(p.schema) })),
        body: bodyType ? JSON.stringify(bodySchema, null, 2) : null,
        bodyType,
      });
      groups.set(tag, group);
    }
  }
  const order = Object.keys(TAGS);
  const rank = (tag: string) => (order.includes(tag) ? order.indexOf(tag) : order.length);
  return { title: doc.info.title, version: doc.info.version, groups: [...groups.values()].sort((a, b) => rank(a.tag) - rank(b.tag)) };
}

let cached: ReturnType<typeof build> | null = null;

export function apiReference() {
  cached ??= build();
  return cached;
}
