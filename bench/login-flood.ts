/**
 * P8 login flood (issue 20, ADR 019): a catalog page's p99 while one IP sends 200 parallel failed sign-ins with
 * distinct emails, as a ratio to its idle p99 (target < 5). The per-IP limits refuse most of the flood with 429
 * before any hashing; the rest are hashed through the bounded scrypt pool, which must not starve page rendering,
 * gzip and file reads. Production build, one web process, the auth limits at their defaults.
 */
import { randomBytes } from "node:crypto";
import { request } from "#tests/http.ts";
import type { RunningApp } from "#tests/app.ts";
import type { ScratchDatabase } from "#tests/scratch-db.ts";
import { deleteRedisPrefix, PLATFORM_DOMAIN, seedAcme, startProductionApp } from "./http.ts";
import { percentile } from "./checkout.ts";

export interface LoginFloodOptions {
  /** Failed sign-ins sent at once from one IP. */
  signIns: number;
  /** Clients loading the catalog page in a closed loop, idle and during the flood. */
  pageClients: number;
  /** The idle measurement's length; the flood's is as long as the flood lasts, at least this long. */
  idleSeconds: number;
  warmupSeconds: number;
}

export interface LoginFloodResult {
  idleP99: number;
  floodP99: number;
  idleP50: number;
  floodP50: number;
  /** The slowest page of the flood: one in flight when the burst of connections arrived waits for all of them. */
  floodMax: number;
  ratio: number;
  idlePages: number;
  floodPages: number;
  /** Responses to the flood's sign-ins by status. */
  statuses: Record<number, number>;
  floodSeconds: number;
}

const HOST = `acme.${PLATFORM_DOMAIN}`;

/** Loads the catalog page (gzip, as browsers ask) from `clients` loops until `done()`; the latencies in ms. */
async function loadPages(app: RunningApp, clients: number, done: () => boolean) {
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    while (!done()) {
      const started = performance.now();
      const res = await request(app.port, "/", { host: HOST, headers: { "accept-encoding": "gzip" } });
      if (res.status !== 200) throw new Error(`catalog page answered ${res.status}`);
      latencies.push(performance.now() - started);
    }
  }));
  return latencies.sort((a, b) => a - b);
}

const forSeconds = (seconds: number) => {
  const until = performance.now() + seconds * 1000;
  return () => performance.now() >= until;
};

export async function runLoginFloodBench(db: ScratchDatabase, opts: LoginFloodOptions, onStart: (app: RunningApp, prefix: string) => void): Promise<LoginFloodResult> {
  await seedAcme(db);
  const redisPrefix = `bench${randomBytes(4).toString("hex")}:`;
  const app = await startProductionApp(db, redisPrefix);
  onStart(app, redisPrefix);
  try {
    const home = await request(app.port, "/", { host: HOST });
    if (home.status !== 200 || !home.body.includes("Acme Outfitters")) throw new Error(`catalog page sanity check failed: ${home.status}`);
    await loadPages(app, opts.pageClients, forSeconds(opts.warmupSeconds));
    const idle = await loadPages(app, opts.pageClients, forSeconds(opts.idleSeconds));

    // One client IP (the app trusts 127.0.0.1 as its proxy, so X-Forwarded-For is the client), a new email each.
    const ip = "203.0.113.77";
    let floodDone = false;
    let floodSeconds = 0;
    const floodStarted = performance.now();
    const flood = Promise.all(Array.from({ length: opts.signIns }, (_, i) =>
      request(app.port, "/api/auth/login", {
        host: PLATFORM_DOMAIN, headers: { "x-forwarded-for": ip }, body: { email: `flood${i}@example.test`, password: "wrong-password-1" },
      }).then((r) => r.status),
    )).finally(() => {
      floodDone = true;
      floodSeconds = (performance.now() - floodStarted) / 1000;
    });
    const minimum = forSeconds(opts.idleSeconds);
    const [statuses, during] = await Promise.all([flood, loadPages(app, opts.pageClients, () => floodDone && minimum())]);
    const idleP99 = percentile(idle, 99);
    const floodP99 = percentile(during, 99);
    return {
      idleP99, floodP99, idleP50: percentile(idle, 50), floodP50: percentile(during, 50), floodMax: during.at(-1) ?? 0, ratio: floodP99 / idleP99,
      idlePages: idle.length, floodPages: during.length, floodSeconds,
      statuses: statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {}),
    };
  } finally {
    await app.stop();
    await deleteRedisPrefix(redisPrefix);
  }
}
