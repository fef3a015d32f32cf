/** EDGE-5: the production Caddyfile and the JSON base config are valid for the real Caddy binary and say what we rely on. */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = new URL("..", import.meta.url).pathname;

describe("edge configs", () => {
  it("Caddyfile adapts: admin on loopback, on-demand TLS asking the app, no pre-managed certificates, platform + catch-all sites", async () => {
    const env = { ...process.env, PLATFORM_DOMAIN: "shops.example.com", APP_UPSTREAMS: "10.0.0.11:3000 10.0.0.12:3000" };
    await run("caddy", ["validate", "--config", "Caddyfile", "--adapter", "caddyfile"], { cwd: ROOT, env });
    const { stdout } = await run("caddy", ["adapt", "--config", "Caddyfile", "--adapter", "caddyfile"], { cwd: ROOT, env });
    const cfg = JSON.parse(stdout);
    expect(cfg.admin.listen).toBe("127.0.0.1:2019");
    expect(cfg.apps.tls.automation.on_demand.ask).toBe("http://127.0.0.1:3000/internal/edge/ask");
    const srv = cfg.apps.http.servers.srv0;
    expect(srv.automatic_https.disable_certificates).toBe(true);
    const hosts = srv.routes.flatMap((r: { match?: Array<{ host?: string[] }> }) => r.match?.flatMap((m) => m.host ?? []) ?? []);
    expect(hosts).toEqual(expect.arrayContaining(["shops.example.com", "*.shops.example.com"]));
    expect(srv.routes.some((r: { match?: unknown }) => !r.match)).toBe(true); // the catch-all for custom domains
    expect(JSON.stringify(srv.routes)).toContain("10.0.0.12:3000");
  });

  it("caddy/base.json is valid and keeps the admin API on loopback", async () => {
    await run("caddy", ["validate", "--config", "caddy/base.json"], { cwd: ROOT });
    const cfg = JSON.parse(await readFile(`${ROOT}caddy/base.json`, "utf8"));
    expect(cfg.admin.listen).toMatch(/^127\.0\.0\.1:/);
    expect(cfg.apps.http.servers.edge.automatic_https).toEqual({ disable_redirects: true, disable_certificates: true });
    expect(cfg.apps.tls.automation.policies[0]).toMatchObject({ on_demand: true, issuers: [{ module: "internal" }] });
  });
});
