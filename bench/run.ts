/**
 * `npm run bench` (after `npm run build`):
 *   P1  storefront home req/s ÷ bare Remix page req/s, same server build, same host (target ≥ 0.8).
 *   P2  tenant resolution cost at 10 / 10,000 / 100,000 tenants, warm (cache hit) and cold (DB lookup), as ratios
 *       to the N=10 case.
 *   P3  edge: request latency through a real Caddy at 10 / 1,000 / 5,000 custom domains, grouped host routes vs one
 *       route per host, as ratios to the N=10 case, and the time of one route change (bench/edge.ts, ADR 008).
 * Everything it creates (two databases, the app process, the edge bench's Caddys) is removed before it exits.
 */
import { createScratchDatabase, type ScratchDatabase } from "#tests/scratch-db.ts";
import { runHttpBench, deleteRedisPrefix, PLATFORM_DOMAIN } from "./http.ts";
import { runResolutionBench, fmtInt } from "./resolution.ts";
import { benchEdge, edgeSummary, stopEdgeBench } from "./edge.ts";
import type { RunningApp } from "#tests/app.ts";

const HTTP = { warmupSeconds: 2, durationSeconds: 8, connections: 20, rounds: 2 };
const RESOLUTION = { sizes: [10, 10_000, 100_000], platformDomain: PLATFORM_DOMAIN, coldSecondsPerKind: 3, warmOpsPerPass: 200_000, warmPasses: 11 };
const EDGE = { sizes: [10, 1000, 5000], requests: 2000, concurrency: 1 };

const databases: ScratchDatabase[] = [];
let app: RunningApp | undefined;
let redisPrefix: string | undefined;
let cleaning: Promise<void> | undefined;

function cleanup() {
  cleaning ??= (async () => {
    await app?.stop().catch(() => {});
    await stopEdgeBench().catch(() => {});
    if (redisPrefix) await deleteRedisPrefix(redisPrefix).catch((err) => console.error(`could not clean Redis ${redisPrefix}*: ${err.message}`));
    for (const db of databases) await db.drop().catch((err) => console.error(`could not drop ${db.name}: ${err.message}`));
  })();
  return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => void cleanup().finally(() => process.exit(130)));
}

const log = (line: string) => console.log(line);
const ratio = (x: number) => x.toFixed(2);
const started = performance.now();
let code = 0;
try {
  log(`bench: P1 HTTP (production build, ${HTTP.connections} connections, ${HTTP.warmupSeconds}s warm-up, ${HTTP.rounds}×${HTTP.durationSeconds}s per page, ABBA order)…`);
  const httpDb = await createScratchDatabase("http");
  databases.push(httpDb);
  const http = await runHttpBench(httpDb, HTTP, (a, prefix) => ((app = a), (redisPrefix = prefix)));
  app = undefined;
  redisPrefix = undefined;
  await httpDb.drop();

  log(`bench: P2 tenant resolution (${RESOLUTION.sizes.join(" / ")} tenants, one custom domain each)…`);
  const resDb = await createScratchDatabase("res");
  databases.push(resDb);
  const res = await runResolutionBench(resDb, RESOLUTION, log);
  await resDb.drop();

  log(`bench: P3 edge (real Caddy, ${EDGE.sizes.join(" / ")} custom domains, grouped host routes vs one route per host)…`);
  const edge = await benchEdge(EDGE);

  const { storefront: s, bare: b } = http;
  const base = res[0]!;
  const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
  const rel = (pick: (r: (typeof res)[number]) => number) =>
    res.slice(1).map((r) => `${label(r.n)}/${label(base.n)} = ${ratio(pick(r) / pick(base))}`).join(", ");

  log("");
  log(
    `P1 storefront/bare = ${ratio(http.ratio)} (storefront ${fmtInt(s.reqPerSec)} req/s, bare ${fmtInt(b.reqPerSec)} req/s; ` +
      `p50 ${s.latencyP50} vs ${b.latencyP50} ms; ${fmtInt(s.bytesPerReq)} vs ${fmtInt(b.bytesPerReq)} bytes/response) — target ≥ 0.8: ${http.ratio >= 0.8 ? "met" : "NOT met"}`,
  );
  log(
    `resolution warm (ns per cache-hit resolve, uniform random over all 2N cached hosts): ${rel((r) => r.warmNsPerOp)}` +
      ` (N=${res.map((r) => `${label(r.n)} ${Math.round(r.warmNsPerOp)} ns`).join(", ")})`,
  );
  log(
    `resolution cold (µs per DB lookup, 50/50 subdomain/custom): ${rel((r) => r.coldMixUs)}` +
      ` (N=${res.map((r) => `${label(r.n)} ${Math.round(r.coldMixUs)} µs`).join(", ")})`,
  );
  log(`  cold subdomain: ${rel((r) => r.coldSubdomain.meanUs)} (${res.map((r) => `${Math.round(r.coldSubdomain.meanUs)} µs`).join(", ")})`);
  log(`  cold custom domain: ${rel((r) => r.coldCustom.meanUs)} (${res.map((r) => `${Math.round(r.coldCustom.meanUs)} µs`).join(", ")})`);
  for (const line of edgeSummary(edge)) log(line);
  log(`bench took ${((performance.now() - started) / 1000).toFixed(0)}s`);
} catch (err) {
  console.error("bench failed:", err instanceof Error ? (err.stack ?? err.message) : err);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
