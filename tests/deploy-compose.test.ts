/**
 * docker-compose.yml (docs/deploy.md) without Docker: the services of the production topology exist, every variable the
 * app services set is one server/env.ts knows (no typos), and each app service's environment passes `parseEnv` in
 * production mode — so a production-only requirement added to env.ts without a compose entry fails here, by name.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { envSchema, parseEnv } from "#server/env.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const compose = parse(readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as Compose;
const caddyfile = readFileSync(path.join(ROOT, "Caddyfile"), "utf8");

type Service = {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string };
  volumes?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const WEB = ["web1", "web2"];
const APP = [...WEB, "worker", "migrate"];
const SECRETS = ["SECRET_BOX_KEY", "MONEY_SECRET", "METRICS_TOKEN"];

/** The service's environment as written (list or map form), values as strings. */
function rawEnv(name: string): Record<string, string> {
  const env = compose.services[name]?.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

/**
 * Compose's interpolation with a placeholder for every variable the operator supplies: `${X:-d}`/`${X-d}` → d,
 * `${X}`/`${X:?msg}`/`${X?msg}` → 64 hex characters (a valid SECRET_BOX_KEY, long enough for every secret, a valid host
 * name and password). `$$` is a literal dollar.
 */
function substitute(value: string): string {
  return value
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)[^}]*)?\}/g, (_m, _name, dash, def) => (dash ? def : "a".repeat(64)))
    .replace(/\$\$/g, "$");
}
const envOf = (name: string) => Object.fromEntries(Object.entries(rawEnv(name)).map(([k, v]) => [k, substitute(v)]));

const caddy = () => compose.services.caddy!;
function caddyAddress() {
  const nets = caddy().networks;
  const addrs = nets && !Array.isArray(nets) ? Object.values(nets).map((n) => n?.ipv4_address).filter(Boolean) : [];
  expect(addrs, "caddy needs a fixed address: TRUSTED_PROXIES and the admin API are IPs").toHaveLength(1);
  return addrs[0]!;
}
const healthTest = (name: string) => [compose.services[name]?.healthcheck?.test ?? []].flat().join(" ");

describe("docker-compose.yml", () => {
  it("has the production topology: two web instances, a worker, Postgres, Redis, Caddy and a migration one-shot", () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining([...APP, "postgres", "redis", "caddy"]));
    for (const name of WEB) expect(rawEnv(name).MODE, name).toBe("web");
    expect(rawEnv("worker").MODE).toBe("worker");
    expect([compose.services.migrate!.command].flat().join(" ")).toBe("npm run db:migrate");
    for (const name of APP) expect(compose.services[name]!.build ?? compose.services[name]!.image, name).toBeTruthy();
  });

  it("sets only variables server/env.ts knows on the app services", () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of APP) {
      const unknown = Object.keys(rawEnv(name)).filter((k) => !known.has(k));
      expect(unknown, `${name} sets variables envSchema does not have (typos?)`).toEqual([]);
    }
  });

  it.each(APP)("%s: its environment passes the production checks of parseEnv", (name) => {
    const env = envOf(name);
    expect(env.NODE_ENV).toBe("production");
    // Only what compose sets: nothing from this machine's environment fills a gap.
    let problem = "";
    try {
      parseEnv(env);
    } catch (err) {
      problem = (err as Error).message;
    }
    expect(problem, `${name} would refuse to start in production; add the missing setting to docker-compose.yml`).toBe("");
    const parsed = parseEnv(env);
    expect(parsed.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/[^@]+@postgres:5432\//);
    expect(parsed.REDIS_URL).toBe("redis://redis:6379");
  });

  it("takes secrets from the operator, never from a default in the file", () => {
    for (const name of APP) {
      const env = rawEnv(name);
      for (const key of SECRETS) expect(env[key], `${name} ${key}`).toMatch(new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`));
      expect(env.DATABASE_URL, `${name} DATABASE_URL`).toMatch(/\$\{POSTGRES_PASSWORD:\?[^}]+\}/);
      expect(env.PAYMENTS_SANDBOX, name).toBeUndefined();
      expect(env.MONEY_FAILPOINTS, name).toBeUndefined();
    }
    expect(rawEnv("postgres").POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?[^}]+\}$/);
    // The SMTP password goes to the worker only (web processes never deliver mail, ADR 026).
    expect(rawEnv("worker").SMTP_URL).toMatch(/\$\{SMTP_PASSWORD:\?[^}]+\}/);
    for (const name of WEB) expect(rawEnv(name).SMTP_URL, name).toBeUndefined();
  });

  it("wires the app to the edge: trusted proxy, admin API, upstreams and the ask endpoint agree", () => {
    const address = caddyAddress();
    const caddyEnv = envOf("caddy");
    for (const name of [...WEB, "worker"]) {
      const env = parseEnv(envOf(name));
      expect(env.TRUSTED_PROXIES, name).toEqual([address]);
      expect(env.CADDY_ADMIN_URL, name).toBe(`http://${caddyEnv.CADDY_ADMIN_LISTEN}`);
      expect(caddyEnv.CADDY_ADMIN_LISTEN!.split(":")[0], "admin API on Caddy's own address, not 0.0.0.0").toBe(address);
      expect(env.EDGE_SERVER_NAME, "a Caddyfile names its first server srv0").toBe("srv0");
      expect(env.EDGE_UPSTREAMS.slice().sort(), `${name} EDGE_UPSTREAMS`).toEqual(WEB.map((w) => `${w}:${env.PORT}`));
      expect(env.HOST, "containers listen beyond loopback").toBe("0.0.0.0");
    }
    expect(caddyEnv.APP_UPSTREAMS!.split(/\s+/).sort()).toEqual(WEB.map((w) => `${w}:3000`));
    expect(caddyEnv.EDGE_ASK_URL).toMatch(new RegExp(`^http://(${WEB.join("|")}):3000/internal/edge/ask$`));
    expect(caddyEnv.PLATFORM_DOMAIN).toBe(envOf("web1").PLATFORM_DOMAIN);
    // Every variable given to Caddy is one the Caddyfile reads.
    for (const key of Object.keys(caddyEnv)) expect(caddyfile, `Caddyfile reads {$${key}}`).toContain(`{$${key}`);
    expect(JSON.stringify(caddy()), "never publish the admin API").not.toMatch(/2019:2019|"2019"/);
  });

  it("mounts the repo's Caddyfile and keeps Caddy's data in a named volume", () => {
    const volumes = caddy().volumes ?? [];
    const file = volumes.map((v) => v.split(":")).find(([, target]) => target === "/etc/caddy/Caddyfile");
    expect(file, "the Caddyfile mount").toBeDefined();
    expect(path.resolve(ROOT, file![0]!)).toBe(path.join(ROOT, "Caddyfile"));
    expect([caddy().command].flat().join(" ")).toContain("--config /etc/caddy/Caddyfile --adapter caddyfile");
    const data = volumes.map((v) => v.split(":")).find(([, target]) => target === "/data");
    expect(data?.[0], "certificates in a named volume").toMatch(/^[a-z_]+$/);
    expect(Object.keys(compose.volumes ?? {})).toContain(data![0]);
  });

  it("orders start-up on the migration and checks health", () => {
    for (const name of [...WEB, "worker"]) {
      const deps = compose.services[name]!.depends_on as Record<string, { condition?: string }>;
      expect(deps.migrate?.condition, name).toBe("service_completed_successfully");
      expect(deps.postgres?.condition, name).toBe("service_healthy");
      expect(deps.redis?.condition, name).toBe("service_healthy");
    }
    expect((compose.services.migrate!.depends_on as Record<string, { condition?: string }>).postgres?.condition).toBe("service_healthy");
    for (const name of WEB) expect(healthTest(name), name).toMatch(/\/(readyz|healthz)/);
    expect(healthTest("postgres")).toContain("pg_isready");
    expect(healthTest("redis")).toContain("redis-cli ping");
    const redisCmd = [compose.services.redis!.command].flat().join(" ");
    expect(redisCmd, "BullMQ needs persistence").toMatch(/--appendonly yes/);
    expect(redisCmd, "BullMQ needs noeviction").toMatch(/--maxmemory-policy noeviction/);
  });

  it("would catch a production requirement missing from compose", () => {
    // The same check as above, with one required setting taken away: parseEnv names it.
    const { METRICS_TOKEN: _dropped, ...rest } = envOf("web1");
    expect(() => parseEnv(rest)).toThrow(/METRICS_TOKEN is required in production/);
  });
});
