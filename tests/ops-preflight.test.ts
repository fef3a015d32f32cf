/**
 * Launch readiness (issue 17 point 7): `npm run ops:preflight` fails on a development configuration naming every
 * failing gate; on a production-like configuration (real Caddy with the app's ask handler, a /metrics behind its
 * token, the kill switch engaged by an operator) each gate that can pass here passes; the database role fails because
 * tests connect as the superuser, and backups because none is recorded in this database. Each gate's control is
 * shown failing on its own.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATES, preflightEnv, runPreflight, type GateResult, type PreflightInput } from "#server/ops/index.ts";
import { EdgeSnapshot, askHandler } from "#server/edge/index.ts";
import { metricsHandler } from "#server/http/index.ts";
import { createRegistry } from "#server/observability/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { startCaddy, type RunningCaddy } from "./caddy.ts";
import { createUser } from "./factories.ts";
import { moneyHarness } from "./money-fixture.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const db = await createTestDatabase();
const query: PreflightInput["query"] = db.run.query;
const { money } = moneyHarness(db);
const hex = (n: number) => randomBytes(n).toString("hex");
const servers: Array<{ close(): unknown }> = [];
let caddy: RunningCaddy;
let askPort: number;

async function listen(app: express.Express) {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** A production source; MODE=web needs no SMTP. */
const production = (over: Record<string, string> = {}) => ({
  NODE_ENV: "production", MODE: "web", DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "shops.example.com",
  SECRET_BOX_KEY: hex(32), MONEY_SECRET: hex(24), METRICS_TOKEN: hex(24), CADDY_ADMIN_URL: caddy.adminUrl, TRUSTED_PROXIES: "127.0.0.1", ...over,
});
const without = (source: Record<string, string>, ...keys: string[]) => Object.fromEntries(Object.entries(source).filter(([k]) => !keys.includes(k)));
const inputOf = (source: Record<string, string>, extra: Partial<PreflightInput> = {}): PreflightInput => ({ ...preflightEnv(source), query, ...extra });
const gate = (results: GateResult[], id: string) => results.find((r) => r.id === id)!;
async function check(id: string, input: PreflightInput) {
  return (await runPreflight(input, GATES.filter((g) => g.id === id))).gates[0]!;
}

function runScript(env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/ops-preflight.ts", ...args], { cwd: ROOT, env: { NODE_ENV: "development", PATH: process.env.PATH ?? "", ...env } });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (out += b.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  // The app's real ask handler behind real Caddy: it refuses hosts no shop has.
  const snapshot = new EdgeSnapshot({ prisma: db.prisma, platformDomain: "shops.example.com", logger: pino({ level: "silent" }) });
  await snapshot.refresh();
  const askApp = express();
  askApp.get("/internal/edge/ask", askHandler(snapshot, []));
  askPort = await listen(askApp);
  caddy = await startCaddy({ upstreamPort: askPort });
}, 60_000);
afterAll(async () => {
  await caddy?.stop();
  for (const s of servers) s.close();
});

describe("npm run ops:preflight", () => {
  it("fails on a development configuration, naming every failing gate with its reason", async () => {
    const { code, out } = await runScript({ NODE_ENV: "development", DATABASE_URL: db.url, REDIS_URL, PAYMENTS_SANDBOX: "true" });
    expect(code, out).toBe(1);
    for (const g of GATES) expect(out, g.id).toMatch(new RegExp(`^FAIL  ${g.id} `, "m"));
    expect(out).toContain(`Preflight FAILED: 8 of 8 gates: ${GATES.map((g) => g.id).join(", ")}.`);
    expect(out).toMatch(/NODE_ENV is development, not production/);
    expect(out).toMatch(/SECRET_BOX_KEY is missing; MONEY_SECRET is a placeholder or development value; METRICS_TOKEN is missing/);
    expect(out).toMatch(/The app connects as the superuser "postgres"\.$/m);
    expect(out).toMatch(/CADDY_ADMIN_URL is not set/);
    expect(out).toMatch(/No backup has succeeded within 7 days \(last: never\)/);
    expect(out).toMatch(/The global money kill switch is OFF and no operator has turned it off with a reason/);
    expect(out).toMatch(/METRICS_TOKEN is not set/);
    expect(out).toMatch(/PAYMENTS_SANDBOX is on/);
  }, 60_000);

  it("on a production-like configuration passes every gate that can pass here; the role (tests connect as the superuser) and backups fail", async () => {
    const source = production();
    const metricsApp = express();
    metricsApp.get("/metrics", metricsHandler(preflightEnv(source).env!, createRegistry({ processMetrics: false })));
    const appUrl = `http://127.0.0.1:${await listen(metricsApp)}`;
    const operator = await createUser(db.prisma, { operator: true });
    await money.setKillSwitch({ userId: operator.id, kind: "operator" }, { tenantId: null, engaged: true, reason: "first deploy: money stays off until launch" });

    const report = await runPreflight(inputOf(source, { appUrl }));
    for (const id of ["production-env", "secrets", "caddy", "kill-switch", "metrics", "no-sandbox"]) expect(gate(report.gates, id), id).toMatchObject({ ok: true });
    expect(gate(report.gates, "production-env").reason).toBe("NODE_ENV is production and every setting production requires is present and valid.");
    expect(gate(report.gates, "caddy").reason).toMatch(/asks http:\/\/127\.0\.0\.1:\d+\/internal\/edge\/ask before issuing a certificate, which refuses unknown hosts/);
    expect(gate(report.gates, "kill-switch").reason).toMatch(/global money kill switch is ON \("first deploy/);
    expect(gate(report.gates, "metrics").reason).toMatch(/refuses a request without the token \(404\) and answers one bearing METRICS_TOKEN/);
    expect(report.failed).toEqual(["database-role", "backups"]);

    // The script on the same configuration: exit 1 naming exactly those two.
    const { code, out } = await runScript(source, ["--app-url", appUrl]);
    expect(code, out).toBe(1);
    expect(out).toContain("Preflight FAILED: 2 of 8 gates: database-role, backups.");
    expect(out).toMatch(/^PASS {2}caddy /m);

    // Released by an operator with a reason: still passes, naming who and why.
    await money.setKillSwitch({ userId: operator.id, kind: "operator" }, { tenantId: null, engaged: false, reason: "launch approved by finance" });
    expect(await check("kill-switch", inputOf(source))).toMatchObject({ ok: true, reason: expect.stringMatching(new RegExp(`\\(${operator.email}\\) turned the global kill switch off at .*: "launch approved by finance"`)) });
    // Released by anyone but an operator: fails.
    await money.setKillSwitch({ userId: null, kind: "system" }, { tenantId: null, engaged: false, reason: "automatic" });
    expect((await check("kill-switch", inputOf(source))).reason).toMatch(/^The global money kill switch is OFF, last turned off by a system actor rather than an operator/);
  }, 60_000);
});

describe("each gate's control", () => {
  it("production env: a production source missing what production requires fails with server/env.ts's own words", async () => {
    const r = await check("production-env", inputOf(without(production(), "METRICS_TOKEN", "TRUSTED_PROXIES")));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/METRICS_TOKEN is required in production.*TRUSTED_PROXIES is required in production/);
  });

  it("secrets: weak, placeholder and repeated values fail, a key repeated in another encoding too", async () => {
    const key = randomBytes(32);
    const same = hex(24);
    const r = await check("secrets", inputOf(production({
      SECRET_BOX_KEY: key.toString("hex"), SECRET_BOX_OLD_KEYS: key.toString("base64"), MONEY_SECRET: same, METRICS_TOKEN: same, FLASH_SECRET: "a".repeat(40),
    })));
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("SECRET_BOX_OLD_KEYS[0] has the same value as SECRET_BOX_KEY");
    expect(r.reason).toContain("METRICS_TOKEN has the same value as MONEY_SECRET");
    expect(r.reason).toMatch(/FLASH_SECRET looks weak \(about 0 bits/);
    expect((await check("secrets", inputOf(production({ MONEY_SECRET: "please-change-me-before-going-live-000" })))).reason).toContain("MONEY_SECRET is a placeholder");
  });

  it("database role: a member of storefront_app passes with RLS and its policy on every tenant-owned table; each half fails alone", async () => {
    const member = `sf_preflight_${hex(4)}`;
    const stranger = `sf_preflight_${hex(4)}`;
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const asRole: PreflightInput["query"] = async (text, values) => (await client.query(text, values)).rows;
    const asRoleCheck = async (role: string, before = "") => {
      await client.query("BEGIN");
      try {
        if (before) await client.query(before);
        await client.query(`SET LOCAL ROLE ${role}`);
        return await check("database-role", { ...inputOf(production()), query: asRole });
      } finally {
        await client.query("ROLLBACK");
      }
    };
    try {
      await client.query(`CREATE ROLE ${member} NOLOGIN IN ROLE storefront_app`);
      await client.query(`CREATE ROLE ${stranger} NOLOGIN`);
      const { n } = (await client.query<{ n: number }>(`SELECT count(DISTINCT table_name)::int AS n FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'tenant_id'`)).rows[0]!;
      expect(await asRoleCheck(member)).toEqual({
        id: "database-role", title: expect.any(String), ok: true,
        reason: `The app connects as "${member}", a member of storefront_app, and all ${n} tenant-owned tables have row-level security on with their tenant_scope policy.`,
      });
      expect((await asRoleCheck("storefront_money")).reason).toMatch(/^The app connects as "storefront_money", a member of storefront_money,/);
      expect((await asRoleCheck(stranger)).reason).toBe(`The app's role "${stranger}" is not a member of storefront_app or storefront_money (README, Production).`);
      expect((await asRoleCheck("storefront_platform")).reason).toBe(`The app's role "storefront_platform" bypasses row-level security.`);
      expect(await asRoleCheck(member, `ALTER TABLE orders DISABLE ROW LEVEL SECURITY`)).toMatchObject({ ok: false, reason: `Row-level security is off on 1 of ${n} tenant-owned tables (orders).` });
      expect(await asRoleCheck(member, `DROP POLICY tenant_scope ON customers`)).toMatchObject({ ok: false, reason: `1 of ${n} tenant-owned tables have no tenant_scope policy (customers).` });
    } finally {
      for (const role of [member, stranger]) await client.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await client.end();
    }
  });

  it("backups: pass once a backup and a restore drill are recorded within 7 days, fail when they are older", async () => {
    // The tables of ADR 043; a shop archive and a base backup count alike.
    const ok = (age: string) => db.run.query(`INSERT INTO backup_logs (kind, run_at, status, size_bytes, path) VALUES ('base', now() - $1::interval, 'ok', 1, '/b')`, [age]);
    await ok("8 days");
    await db.run.query(`INSERT INTO backup_logs (kind, run_at, status, error) VALUES ('base', now(), 'failed', 'disk full')`);
    expect((await check("backups", inputOf(production()))).reason).toMatch(/^No backup has succeeded within 7 days \(last: \d{4}-/);
    await ok("1 day");
    expect((await check("backups", inputOf(production()))).reason).toBe("No restore drill has passed within 7 days (last: never).");
    await db.run.query(`INSERT INTO restore_drills (run_at, passed, detail, duration_ms) VALUES (now() - interval '1 day', false, 'x', 1), (now() - interval '9 days', true, 'x', 1)`);
    expect((await check("backups", inputOf(production()))).reason).toMatch(/^No restore drill has passed within 7 days \(last: \d{4}-/);
    await db.run.query(`INSERT INTO restore_drills (run_at, passed, detail, duration_ms) VALUES (now() - interval '2 days', true, 'x', 1)`);
    expect(await check("backups", inputOf(production()))).toMatchObject({ ok: true, reason: expect.stringMatching(/^The last backup succeeded at .* and a restore drill passed at /) });
    await db.run.query(`DELETE FROM backup_logs; DELETE FROM restore_drills`);
  });

  it("caddy: an unreachable admin API, or an ask that does not refuse unknown hosts, fails", async () => {
    expect((await check("caddy", inputOf(production({ CADDY_ADMIN_URL: "http://127.0.0.1:9" })))).reason).toMatch(/^Caddy's admin API at http:\/\/127\.0\.0\.1:9 does not answer/);
    expect((await check("caddy", inputOf(production({ EDGE_SERVER_NAME: "nothere" })))).reason).toMatch(/has no server "nothere"/);
    const openApp = express();
    openApp.get("/internal/edge/ask", (_req, res) => res.send("ok"));
    const open = await startCaddy({ upstreamPort: await listen(openApp) });
    try {
      expect((await check("caddy", inputOf(production({ CADDY_ADMIN_URL: open.adminUrl })))).reason).toMatch(/answered 200 for an unknown host instead of refusing it with 403/);
    } finally {
      await open.stop();
    }
  }, 60_000);

  it("metrics: an instance that answers /metrics without the token fails", async () => {
    const source = production();
    const loose = express();
    // The instance runs without METRICS_TOKEN: it answers any loopback caller.
    loose.get("/metrics", metricsHandler(preflightEnv({ DATABASE_URL: db.url }).env!, createRegistry({ processMetrics: false })));
    const appUrl = `http://127.0.0.1:${await listen(loose)}`;
    expect((await check("metrics", inputOf(source, { appUrl }))).reason).toBe(`${appUrl}/metrics answered 200 without a token (want 404).`);
    expect((await check("metrics", inputOf(without(production(), "METRICS_TOKEN"))))).toMatchObject({ ok: false, reason: expect.stringMatching(/^METRICS_TOKEN is not set/) });
  });

  it("no sandbox: failpoints, a fake Stripe or Bot API and a test chain fail", async () => {
    const r = await check("no-sandbox", inputOf(production({
      MONEY_FAILPOINTS: "x", STRIPE_API_BASE: "http://127.0.0.1:9", TELEGRAM_API_ROOT: "http://127.0.0.1:9", CHAIN_RPC_URL: "http://127.0.0.1:8545",
      CHAIN_ID: "31337", ESCROW_CONTRACT: `0x${"1".repeat(40)}`, ESCROW_TOKEN: `0x${"2".repeat(40)}`,
    })));
    expect(r.ok).toBe(false);
    expect(r.reason).toBe("MONEY_FAILPOINTS is set (test crash points); STRIPE_API_BASE is http://127.0.0.1:9, not https (a fake Stripe); TELEGRAM_API_ROOT is http://127.0.0.1:9, not https (a fake Bot API); CHAIN_ID 31337 is a local node, not a chain with real money.");
  });
});
