/**
 * The tenant floor (STYLE rule 7, ADR 015), checked statically: every Prisma delegate call on a tenant-owned model
 * (one with a `tenantId` field in prisma/schema.prisma) under server/ and app/ must carry `tenantId` in its `where`
 * (or in `data` for creates), unless it sits in code listed below as platform-wide.
 * Raw SQL ($queryRaw, $executeRaw, sql.query) is out of scope.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * Code that queries across tenants on purpose, one line of reason each: a whole file (`path`), or one function or
 * method in it (`path#name`) where the rest of the file is tenant-scoped.
 */
const PLATFORM_WIDE: Record<string, string> = {
  "server/jobs/handlers.ts#legacyJobUpgrades": "jobs queued before payloads carried tenantId: the row's own tenant is looked up once (ADR 014)",
  "server/tenancy/resolver.ts": "host resolution: finds the tenant from a hostname, before any tenant is known",
  "server/tenancy/manifest.ts": "tenant manifests (apply/export/dump): the platform-wide tenants-as-code tooling",
  "server/edge/reconcile.ts": "edge reconciliation: builds the Caddy config from every shop's live domains",
  "server/money/kill-switch.ts": "kill switches: the global switch has no tenant, and each check reads it with the shop's",
  "server/audit/index.ts#listAudit": "the operator audit log across shops (the shop's own view passes tenantId)",
  "server/auth/memberships.ts#listMemberships": "a user's shops: scoped by the signed-in user, across tenants by design",
  "server/auth/team.ts#peekInvitation": "an invitation link's secret token identifies its shop",
  "server/auth/team.ts#invitationByToken": "an invitation link's secret token identifies its shop",
  "server/bots/registry.ts#previousRegistration": "a Telegram bot id is unique across shops: its registration in any shop",
  "server/bots/registry.ts#configure": "job entry: the payload is a bot id, the bot row names its shop",
  "server/bots/registry.ts#recordError": "job entry (configure's error path): keyed by bot id",
  "server/bots/linking.ts#linkableShops": "the account page's Link Telegram: the signed-in user's own shops with a bot, across tenants by design",
  "server/bots/webhook.ts#webhookBot": "Telegram's webhook names only the bot id; the bot row names its shop",
  "server/domains/service.ts#hostnameClash": "hostnames are unique across shops",
  "server/domains/service.ts#findAcrossTenants": "operator and scheduler checks by domain id; the row then floors the rest",
  "server/domains/service.ts#health": "operator console: every shop's domains",
  "server/domains/service.ts#stateCounts": "platform metrics across shops",
  "server/domains/service.ts#due": "scheduler sweep: due checks across shops",
  "server/money/stripe/webhook.ts#webhookIntegration": "Stripe's webhook names only the integration id; its row names the shop",
  "server/money/disputes.ts#listDisputes": "operator dispute queue across shops",
  "server/money/disputes.ts#disputeById": "operators resolve a dispute by id; its row supplies the floor for the rest",
  "app/routes/ops.bots.server.ts": "operator console: bot health across shops",
  "app/routes/ops.domains.$domainId.server.ts": "operator console: a domain by id, across shops",
  "server/alerts/health.ts": "the operators' per-shop health summary (G10-5) and the alert checks read every shop's domains, bots and switches",
  "server/alerts/owner-shop.ts": "alert checks: failed domains across shops, each alert then addressed to its own shop's owners",
  "server/alerts/service.ts": "the alerts table is the platform's record (operator and owner alerts); checks and the console read it across shops",
  "server/certificates/service.ts#forEdge": "the edge loads every routable shop's own certificate into Caddy (ADR 042)",
  "server/mail/service.ts#stats": "the mail outbox's depth and failures across shops (metrics, operator console)",
  "app/routes/ops.email.server.ts": "operator console: the outbox and its failures across shops",
};

const WHERE_METHODS = new Set([
  "findFirst", "findFirstOrThrow", "findUnique", "findUniqueOrThrow", "findMany", "count", "aggregate", "groupBy",
  "update", "updateMany", "updateManyAndReturn", "delete", "deleteMany", "upsert",
]);
const CREATE_METHODS = new Set(["create", "createMany", "createManyAndReturn", "upsert"]);

/** Delegate names (`catalogItem`) of models with a `tenantId` field. */
function tenantOwnedDelegates(schema: string): Set<string> {
  const owned = new Set<string>();
  for (const m of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    if (/^\s*tenantId\s+\S/m.test(m[2]!)) owned.add(m[1]![0]!.toLowerCase() + m[1]!.slice(1));
  }
  return owned;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "build" ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const propName = (p: ts.ObjectLiteralElementLike) =>
  p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;

/** The expression a local identifier was initialised with, when it is a `const`/`let` in the same file. */
function initializerOf(id: ts.Identifier, file: ts.SourceFile): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === id.text && n.initializer && n.pos < id.pos) found = n.initializer;
    ts.forEachChild(n, visit);
  };
  visit(file);
  return found;
}

const unwrap = (e: ts.Expression): ts.Expression =>
  ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) ? unwrap(e.expression) : e;

const isScopeCall = (e: ts.Expression) => ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === "inTenant";
/** A spread of `scope` / `tenantScope(...)`-like values: anything whose name says it is a scope. */
const isScopeSpread = (e: ts.Expression) =>
  isScopeCall(e) || (ts.isIdentifier(e) && /scope$/i.test(e.text)) || (ts.isPropertyAccessExpression(e) && /scope$/i.test(e.name.text));

/** Does this object (a `where` or a `data`) carry the tenant floor? */
function floored(expr: ts.Expression | undefined, file: ts.SourceFile, keys: RegExp, depth = 0): boolean {
  if (!expr || depth > 4) return false;
  const e = unwrap(expr);
  if (isScopeCall(e)) return true;
  if (ts.isIdentifier(e)) return floored(initializerOf(e, file), file, keys, depth + 1);
  if (ts.isConditionalExpression(e)) return floored(e.whenTrue, file, keys, depth + 1) && floored(e.whenFalse, file, keys, depth + 1);
  if (ts.isArrayLiteralExpression(e)) return e.elements.length > 0 && e.elements.every((x) => floored(x, file, keys, depth + 1));
  // `rows.map((r) => ({ ...r, tenantId }))` for createMany.
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === "map") {
    const fn = e.arguments[0];
    if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && !ts.isBlock(fn.body)) return floored(fn.body, file, keys, depth + 1);
    return false;
  }
  if (!ts.isObjectLiteralExpression(e)) return false;
  return e.properties.some((p) => {
    if (ts.isSpreadAssignment(p)) return isScopeSpread(unwrap(p.expression)) || floored(p.expression, file, keys, depth + 1);
    const name = propName(p);
    if (name && keys.test(name)) return true;
    // `AND: [{ tenantId }, …]` floors the whole filter if any member does.
    if (name === "AND" && ts.isPropertyAssignment(p)) {
      const v = unwrap(p.initializer);
      return ts.isArrayLiteralExpression(v) ? v.elements.some((x) => floored(x, file, keys, depth + 1)) : floored(v, file, keys, depth + 1);
    }
    return false;
  });
}

const WHERE_KEYS = /^tenantId(_\w+)?$/;
const DATA_KEYS = /^(tenantId|tenant)$/;

function argProp(args: ts.Expression | undefined, file: ts.SourceFile, key: string): ts.Expression | undefined | null {
  if (!args) return null;
  let e = unwrap(args);
  if (ts.isIdentifier(e)) e = unwrap(initializerOf(e, file) ?? e);
  if (!ts.isObjectLiteralExpression(e)) return null; // can't see the arguments
  for (const p of e.properties) {
    if (ts.isPropertyAssignment(p) && propName(p) === key) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
    if (ts.isSpreadAssignment(p)) {
      const inner = argProp(p.expression, file, key);
      if (inner) return inner;
    }
  }
  return undefined;
}

interface Finding { file: string; fn: string | undefined; line: number; call: string; problem: string }

/** The PLATFORM_WIDE entry that covers a finding, if any. */
const exemption = (f: Finding) => [f.file, `${f.file}#${f.fn}`].find((key) => key in PLATFORM_WIDE);

function findUnflooredCalls(files: string[], owned: Set<string>): Finding[] {
  return files.flatMap((abs) => {
    const rel = path.relative(ROOT, abs).split(path.sep).join("/");
    const kind = abs.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    return scan(ts.createSourceFile(abs, readFileSync(abs, "utf8"), ts.ScriptTarget.Latest, true, kind), rel, owned);
  });
}

/** The name of the nearest named function, method or variable holding `n`. */
function enclosingName(n: ts.Node): string | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if ((ts.isMethodDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isPropertyAssignment(p) || ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name && ts.isIdentifier(p.name)) {
      if (ts.isPropertyAssignment(p) || ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p)) {
        const init = p.initializer && unwrap(p.initializer);
        if (!init || !(ts.isArrowFunction(init) || ts.isFunctionExpression(init))) continue;
      }
      return p.name.text;
    }
  }
  return undefined;
}

function scan(file: ts.SourceFile, rel: string, owned: Set<string>): Finding[] {
  const findings: Finding[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isPropertyAccessExpression(n.expression.expression)) {
      const method = n.expression.name.text;
      const delegate = n.expression.expression.name.text;
      if (owned.has(delegate) && (WHERE_METHODS.has(method) || CREATE_METHODS.has(method))) {
        const at = { file: rel, fn: enclosingName(n), line: file.getLineAndCharacterOfPosition(n.getStart(file)).line + 1, call: n.getText(file).split("\n")[0]!.slice(0, 120) };
        const args = n.arguments[0];
        if (WHERE_METHODS.has(method) && !floored(argProp(args, file, "where") ?? undefined, file, WHERE_KEYS)) {
          findings.push({ ...at, problem: `${delegate}.${method} without tenantId in its where` });
        }
        if (CREATE_METHODS.has(method) && !floored(argProp(args, file, method === "upsert" ? "create" : "data") ?? undefined, file, DATA_KEYS)) {
          findings.push({ ...at, problem: `${delegate}.${method} without tenantId (or tenant) in its data` });
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return findings;
}

describe("tenant floor", () => {
  const owned = tenantOwnedDelegates(readFileSync(path.join(ROOT, "prisma/schema.prisma"), "utf8"));

  it("derives the tenant-owned models from the schema", () => {
    expect(owned.has("catalogItem")).toBe(true);
    expect(owned.has("tenantDomain")).toBe(true);
    expect(owned.has("tenant")).toBe(false);
    expect(owned.has("user")).toBe(false);
  });

  it("flags an unfloored query and accepts floored ones", () => {
    const probe = (src: string) => scan(ts.createSourceFile("probe.ts", src, ts.ScriptTarget.Latest, true), "probe.ts", owned);
    expect(probe("prisma.catalogItem.findFirst({ where: { id } })")).toHaveLength(1);
    expect(probe("prisma.catalogItem.findFirst({ where: { id, tenantId } })")).toHaveLength(0);
    expect(probe("prisma.catalogItem.findFirst({ where: inTenant(scope, { id }) })")).toHaveLength(0);
    expect(probe("prisma.catalogItem.findFirst({ where: { ...scope, id } })")).toHaveLength(0);
    expect(probe("prisma.catalogItem.findUnique({ where: { tenantId_id: { tenantId, id } } })")).toHaveLength(0);
    expect(probe("prisma.catalogItem.create({ data: { title } })")).toHaveLength(1);
    expect(probe("prisma.catalogItem.create({ data: { title, tenantId } })")).toHaveLength(0);
    expect(probe("prisma.tenant.findFirst({ where: { id } })")).toHaveLength(0);
    expect(probe("const where = { id }; prisma.catalogItem.findMany({ where })")).toHaveLength(1);
    expect(probe("const where = { id, tenantId }; prisma.catalogItem.findMany({ where })")).toHaveLength(0);
    expect(probe("prisma.auditLog.findMany({ where: { ...(t ? { tenantId: t } : {}) } })")).toHaveLength(1);
    expect(probe("prisma.catalogItemImage.createMany({ data: ids.map((uploadId) => ({ tenantId, uploadId })) })")).toHaveLength(0);
    expect(probe("tx.upload.delete({ where: { id: found.id } })")).toHaveLength(1);
  });

  it("every tenant-owned query under server/ and app/ filters by tenantId", () => {
    const files = [...sourceFiles(path.join(ROOT, "server")), ...sourceFiles(path.join(ROOT, "app"))];
    const findings = findUnflooredCalls(files, owned).filter((f) => !exemption(f));
    const report = findings.map((f) => `${f.file}:${f.line}: ${f.problem}\n    ${f.call}`).join("\n");
    expect(findings.length, `Unfloored tenant-owned queries (add tenantId, use inTenant()/updateInTenant(), or list the file in PLATFORM_WIDE with a reason):\n${report}\n`).toBe(0);
  });

  it("lists only platform-wide code that still queries across tenants", () => {
    const files = [...sourceFiles(path.join(ROOT, "server")), ...sourceFiles(path.join(ROOT, "app"))];
    const used = new Set(findUnflooredCalls(files, owned).map(exemption));
    const stale = Object.keys(PLATFORM_WIDE).filter((key) => !used.has(key));
    expect(stale, "PLATFORM_WIDE entries with no cross-tenant query left (remove them)").toEqual([]);
  });
});
