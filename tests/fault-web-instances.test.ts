/**
 * Fault injection (issue 20, Deliver 4): two web instances on one database and Redis behind a real Caddy that
 * load-balances over both (round robin; active health checks on /healthz; passive: a failed upstream is out for
 * fail_duration; lb_try_duration retries a request that cannot reach one upstream on the other). One instance is
 * SIGKILLed under a GET load: no request fails beyond those in flight on it. Restarted on its port, it rejoins.
 * Which instance served a request is read from each instance's access log (no header needed).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type RunningApp } from "./app.ts";
import { startCaddy, type RunningCaddy } from "./caddy.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { request } from "./http.ts";
import { createShop } from "./money-fixture.ts";
import { until } from "./wait.ts";

const CLIENTS = 4;
const db = await createTestDatabase();
const env = {
  DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", RATE_LIMIT_STOREFRONT_PER_MIN: "1000000",
};
let apps: RunningApp[] = [];
let caddy: RunningCaddy;
let shop: Awaited<ReturnType<typeof createShop>>;

/** The tested topology (docs/deploy.md): one route, both instances as upstreams. */
function lbConfig(adminUrl: string, httpPort: number, upstreams: number[]) {
  return {
    admin: { listen: new URL(adminUrl).host },
    apps: {
      http: {
        servers: {
          lb: {
            listen: [`127.0.0.1:${httpPort}`],
            automatic_https: { disable: true },
            routes: [{
              handle: [{
                handler: "reverse_proxy",
                upstreams: upstreams.map((p) => ({ dial: `127.0.0.1:${p}` })),
                load_balancing: { selection_policy: { policy: "round_robin" }, try_duration: "5s", try_interval: "50ms" },
                health_checks: {
                  active: { uri: "/healthz", interval: "250ms", timeout: "1s" },
                  passive: { fail_duration: "2s", max_fails: 1 },
                },
              }],
            }],
          },
        },
      },
    },
  };
}

beforeAll(async () => {
  shop = await createShop(db);
  apps = await Promise.all([startApp(env, 60_000), startApp(env, 60_000)]);
  caddy = await startCaddy({ upstreamPort: apps[0]!.port });
  const res = await fetch(`${caddy.adminUrl}/load`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(lbConfig(caddy.adminUrl, caddy.httpPort, apps.map((a) => a.port))),
  });
  expect(res.status, await res.text()).toBe(200);
}, 60_000);

afterAll(async () => {
  await caddy?.stop();
  await Promise.all(apps.map((a) => a.stop()));
});

/** Catalog requests an instance's access log shows. */
const served = (app: RunningApp) => app.logs.join("").split("\n").filter((l) => l.includes('"path":"/api/storefront/catalog"')).length;

it("one of two instances SIGKILLed mid-load: no failure beyond its in-flight requests; restarted on its port, it rejoins", async () => {
  const get = () => request(caddy.httpPort, "/api/storefront/catalog", { host: `${shop.slug}.localhost` });
  await until(async () => (await get()).status === 200, "Caddy to proxy", 10_000);
  let requests = 0;
  const failures: string[] = [];
  let stop = false;
  async function client() {
    while (!stop) {
      requests++;
      try {
        const res = await get();
        if (res.status !== 200) failures.push(`${res.status} ${res.body.slice(0, 120)}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  }
  const loops = Array.from({ length: CLIENTS }, client);
  const [victim, survivor] = apps as [RunningApp, RunningApp];
  await until(() => served(victim) >= 20 && served(survivor) >= 20, "both instances to serve", 15_000);

  victim.child.kill("SIGKILL");
  await new Promise((r) => victim.child.once("exit", r));
  const atKill = requests;
  const survivorAtKill = served(survivor);
  await until(() => served(survivor) >= survivorAtKill + 100, "the survivor to carry the load", 15_000);
  const failedWhileDown = failures.length;

  // Restarted on the same port: the active health check finds it and round robin sends it requests again.
  const restarted = await startApp({ ...env, PORT: String(victim.port) }, 60_000);
  apps = [restarted, survivor];
  await until(() => served(restarted) >= 20, "the restarted instance to rejoin", 15_000);
  stop = true;
  await Promise.all(loops);

  console.log(
    `fault-web-instances: ${requests} requests (${atKill} before the kill), ${failures.length} failures ` +
      `(${failedWhileDown} while one instance was down, at most ${CLIENTS} in flight), restarted instance served ${served(restarted)}`,
  );
  expect(failures.length, failures.join("\n")).toBeLessThanOrEqual(CLIENTS);
  expect(served(restarted)).toBeGreaterThanOrEqual(20);
}, 90_000);
