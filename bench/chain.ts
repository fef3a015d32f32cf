/**
 * P7 on-chain rails, with a scratch database and an anvil of its own:
 *   - indexer ingest: N escrow orders of one USDC shop funded on chain (the fund() transactions sent in bulk with
 *     explicit nonces from 8 buyers, automine off, packed into full blocks), CHAIN_CONFIRMATIONS blocks mined, then
 *     `chainTick()` timed until every order is escrow_funded: confirmed events turned into postings per second.
 *   - latency: the app running with its worker (the repeatable chain tick every CHAIN_POLL_MS) on the same chain;
 *     seconds from the block that makes a funding CHAIN_CONFIRMATIONS deep being mined to the buyer's order JSON
 *     (`GET /api/storefront/orders/:token`) showing escrow_funded.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { encodeFunctionData, maxUint256, type Hex } from "viem";
import { openDatabase } from "#server/db/client.ts";
import { MoneyService, type MoneyConfig } from "#server/money/index.ts";
import { ANVIL_PRIVATE_KEYS, connectChain, deployStorefront, escrowAbi, mockStablecoinAbi, startAnvil, tokenAbi, type RunningAnvil } from "#server/chain/index.ts";
import { startApp, type RunningApp } from "#tests/app.ts";
import { request } from "#tests/http.ts";
import { createTenant } from "#tests/factories.ts";
import { chainClients } from "#tests/chain-clients.ts";
import type { ScratchDatabase } from "#tests/scratch-db.ts";
import { deleteRedisPrefix, PLATFORM_DOMAIN } from "./http.ts";

export interface ChainBenchOptions {
  /** Orders funded on chain for the ingest measurement. */
  orders: number;
  /** Orders whose confirmation-to-buyer-view latency is measured through the running app. */
  latencyOrders: number;
  pollMs: number;
  confirmations: number;
  reorgWindow: number;
  logRangeBlocks: number;
}

export interface ChainBenchResult {
  orders: number;
  fundingBlocks: number;
  ingestSeconds: number;
  eventsPerSec: number;
  msPerEvent: number;
  ticks: number;
  firstTickSeconds: number;
  latencies: number[];
  latencyMedian: number;
  latencyMax: number;
}

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const BUYERS = [2, 3, 4, 5, 6, 7, 8, 9];
const MERCHANT = "0x5000000000000000000000000000000000000a01";
const CONFIG: MoneyConfig = {
  sandbox: false, secret: randomBytes(32).toString("hex"), oldSecrets: [], orderTtlMs: 24 * 3_600_000, invoiceTtlMs: 86_400_000, releaseGraceMs: 0,
  codeTtlMs: 86_400_000, codeMaxAttempts: 10, codeAttemptsPer15Min: 1000, defaultFeeBps: 250, payoutGraceMs: 0, reconcileEveryMs: 15 * 60_000,
};
const NO_SCHEDULER = { expire: async () => {}, release: async () => {}, payout: async () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

export async function runChainBench(db: ScratchDatabase, opts: ChainBenchOptions, log: (line: string) => void,
  onStart: (stop: { anvil?: RunningAnvil; app?: RunningApp; prefix?: string }) => void): Promise<ChainBenchResult> {
  if (opts.confirmations < 2) throw new Error("the latency measurement needs CHAIN_CONFIRMATIONS ≥ 2 (a confirming block after the funding's own)");
  const redisPrefix = `bench${randomBytes(4).toString("hex")}:`;
  const anvil = await startAnvil();
  onStart({ anvil, prefix: redisPrefix });
  const database = await openDatabase(db.url);
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  let app: RunningApp | undefined;
  try {
    const c = chainClients(anvil.rpcUrl);
    const rpc = (method: string, params: unknown[]) => c.publicClient.request({ method, params } as never) as Promise<unknown>;
    const d = await deployStorefront({ walletClient: c.wallet(0), publicClient: c.publicClient, arbiter: c.wallet(0).account.address, feeRecipient: c.wallet(1).account.address });
    const chainEnv = {
      CHAIN_RPC_URL: anvil.rpcUrl, CHAIN_ID: d.chainId, ESCROW_CONTRACT: d.escrow, ESCROW_TOKEN: d.token, ESCROW_TOKEN_SYMBOL: d.tokenSymbol,
      ESCROW_TOKEN_DECIMALS: d.tokenDecimals, ESCROW_DEPLOY_BLOCK: Number(d.deployBlock), CHAIN_CONFIRMATIONS: opts.confirmations,
      CHAIN_REORG_WINDOW_BLOCKS: opts.reorgWindow, CHAIN_POLL_MS: opts.pollMs, CHAIN_LOG_RANGE_BLOCKS: opts.logRangeBlocks,
      CHAIN_PAYOUT_REPLACE_AFTER_MS: 120_000, ARBITER_PRIVATE_KEY: ANVIL_PRIVATE_KEYS[0],
    };
    const chain = (await connectChain({ NODE_ENV: "development", ...chainEnv }))!;
    const money = new MoneyService({
      prisma: database.prisma, sql: database.run, redis, prefix: redisPrefix, logger: pino({ level: "silent" }), config: CONFIG, scheduler: NO_SCHEDULER,
      notify: async () => {}, chain,
    });

    const tenant = await createTenant(database.prisma, {
      slug: "chainshop",
      paymentPolicy: { allowedRails: ["escrow"], defaultRail: "escrow", escrowRequiredAboveAmount: null, escrowRequiredForCategories: [], buyerDisclosureMode: "plain" },
      catalog: [{ title: "Chain item", description: "", price: "19.99", category: null, kind: "digital", stock: null, active: true }],
    });
    await database.prisma.tenant.update({ where: { id: tenant.id }, data: { currency: d.tokenSymbol } });
    await database.prisma.tenantPaymentPolicy.update({ where: { tenantId: tenant.id }, data: { payoutAddress: MERCHANT } });
    const item = (await database.prisma.catalogItem.findFirstOrThrow({ where: { tenantId: tenant.id }, select: { id: true } })).id;
    const checkout = async (i: number) => {
      const r = await money.checkout(tenant.id, { items: [{ itemId: item, quantity: 1 }], email: "bench@example.test", rail: "escrow", acknowledgeNoEscrow: true }, `chain-bench-${i}`);
      const p = r.order.payment!;
      return { orderId: r.order.id, token: r.token, ref: p.orderRef as Hex, amount: BigInt(p.amountBaseUnits) };
    };

    // Each buyer mints and approves once; then a funding is one fund() transaction.
    for (const b of BUYERS) {
      const w = c.wallet(b);
      await c.mined(await w.writeContract({ address: d.token, abi: mockStablecoinAbi, functionName: "mint", args: [w.account.address, 10n ** 18n] }));
      await c.mined(await w.writeContract({ address: d.token, abi: tokenAbi, functionName: "approve", args: [d.escrow, maxUint256] }));
    }

    // ---- Ingest -------------------------------------------------------------------------------------------------
    log(`  P7: ${opts.orders} checkouts…`);
    const orders = new Array<Awaited<ReturnType<typeof checkout>>>(opts.orders);
    await pool(Array.from({ length: opts.orders }, (_, i) => i), 8, async (i) => void (orders[i] = await checkout(i)));
    await money.chainTick(); // the checkpoint starts at the deployment; everything before the fundings is indexed

    log(`  P7: funding ${opts.orders} orders on chain (automine off, full blocks)…`);
    const fundingFrom = (await c.publicClient.getBlockNumber({ cacheTime: 0 })) + 1n;
    const gas = (await c.publicClient.estimateGas({
      account: c.wallet(2).account, to: d.escrow, data: encodeFunctionData({ abi: escrowAbi, functionName: "fund", args: [`0x${"ab".repeat(32)}`, MERCHANT, 1n] }),
    }) * 13n) / 10n;
    const nonces = new Map<number, number>();
    for (const b of BUYERS) nonces.set(b, await c.publicClient.getTransactionCount({ address: c.wallet(b).account.address, blockTag: "pending" }));
    await rpc("evm_setAutomine", [false]);
    const BATCH = 400;
    for (let start = 0; start < orders.length; start += BATCH) {
      const batch = orders.slice(start, start + BATCH);
      const raws = await Promise.all(batch.map(async (o, j) => {
        const b = BUYERS[(start + j) % BUYERS.length]!;
        const nonce = nonces.get(b)!;
        nonces.set(b, nonce + 1);
        const w = c.wallet(b);
        return w.signTransaction({
          account: w.account, chain: w.chain, to: d.escrow, type: "eip1559", gas, nonce, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n,
          data: encodeFunctionData({ abi: escrowAbi, functionName: "fund", args: [o.ref, MERCHANT, o.amount] }),
        });
      }));
      await pool(raws, 16, async (raw) => void (await c.publicClient.sendRawTransaction({ serializedTransaction: raw })));
      await mineUntilEmpty(rpc);
    }
    await rpc("evm_setAutomine", [true]);
    const fundingTo = await c.publicClient.getBlockNumber({ cacheTime: 0 });
    const funded = await c.publicClient.getContractEvents({ address: d.escrow, abi: escrowAbi, eventName: "Funded", fromBlock: fundingFrom, toBlock: fundingTo });
    if (funded.length !== opts.orders) throw new Error(`${funded.length} Funded events on chain for ${opts.orders} fundings: some reverted`);
    await rpc("anvil_mine", [`0x${opts.confirmations.toString(16)}`]);

    log(`  P7: indexing ${opts.orders} fundings in ${fundingTo - fundingFrom + 1n} blocks (CHAIN_LOG_RANGE_BLOCKS ${opts.logRangeBlocks}, CHAIN_CONFIRMATIONS ${opts.confirmations})…`);
    let posted = 0;
    let ticks = 0;
    let firstTick = 0;
    const t0 = performance.now();
    while (posted < opts.orders) {
      const s = performance.now();
      const r = await money.chainTick();
      if (r.poll?.kind !== "indexed") throw new Error(`indexer poll: ${JSON.stringify(r.poll)}`);
      if (ticks++ === 0) firstTick = performance.now() - s;
      if (r.applied.flagged || r.applied.recorded) throw new Error(`unexpected outcomes: ${JSON.stringify(r.applied)}`);
      if (r.applied.posted === 0 && r.poll.lastBlock >= r.poll.head) throw new Error(`no progress after ${posted} postings`);
      posted += r.applied.posted;
    }
    const ingestMs = performance.now() - t0;
    const [fundedRows] = (await database.sql.query(`SELECT count(*)::int AS n FROM orders WHERE status = 'escrow_funded'`)).rows as Array<{ n: number }>;
    if (fundedRows!.n !== opts.orders) throw new Error(`${fundedRows!.n} of ${opts.orders} orders escrow_funded`);

    // ---- Latency through the running app ----------------------------------------------------------------------
    log(`  P7: latency of ${opts.latencyOrders} orders through the app (CHAIN_POLL_MS ${opts.pollMs})…`);
    app = await startApp({
      NODE_ENV: "development", DATABASE_URL: db.url, REDIS_PREFIX: redisPrefix, PLATFORM_DOMAIN, LOG_LEVEL: "warn", PAYMENTS_SANDBOX: "false",
      MONEY_SECRET: randomBytes(32).toString("hex"), RATE_LIMIT_STOREFRONT_PER_MIN: "1000000000", RATE_LIMIT_CHECKOUT_PER_MIN: "1000000000",
      ...Object.fromEntries(Object.entries(chainEnv).map(([k, v]) => [k, String(v)])),
    }, 30_000);
    onStart({ anvil, app, prefix: redisPrefix });
    const host = `chainshop.${PLATFORM_DOMAIN}`;
    const latencies: number[] = [];
    for (let i = 0; i < opts.latencyOrders; i++) {
      const res = await request(app.port, "/api/storefront/checkout", {
        method: "POST", host, headers: { "idempotency-key": `chain-latency-${i}` }, body: { items: [{ itemId: item, quantity: 1 }], email: "bench@example.test", rail: "escrow" },
      });
      if (res.status !== 201) throw new Error(`checkout: ${res.status} ${res.body}`);
      const { token, order } = res.json.data as { token: string; order: { payment: { orderRef: Hex; amountBaseUnits: string; merchant: Hex } } };
      const w = c.wallet(BUYERS[i % BUYERS.length]!);
      await c.mined(await w.writeContract({ address: d.escrow, abi: escrowAbi, functionName: "fund", args: [order.payment.orderRef, order.payment.merchant, BigInt(order.payment.amountBaseUnits)] }));
      if (opts.confirmations > 2) await rpc("anvil_mine", [`0x${(opts.confirmations - 2).toString(16)}`]);
      // A random phase against the poll schedule, then the block that makes the funding CHAIN_CONFIRMATIONS deep.
      await sleep(Math.random() * opts.pollMs);
      const view = async () => (await request(app!.port, `/api/storefront/orders/${token}`, { host })).json?.data?.status as string | undefined;
      if ((await view()) !== "pending_payment") throw new Error("the order was funded before its confirming block");
      const mined = performance.now();
      await rpc("anvil_mine", ["0x1"]);
      for (;;) {
        if ((await view()) === "escrow_funded") break;
        if (performance.now() - mined > 30_000) throw new Error(`order ${i} not escrow_funded 30 s after its confirming block`);
        await sleep(5);
      }
      latencies.push((performance.now() - mined) / 1000);
    }
    return {
      orders: opts.orders, fundingBlocks: Number(fundingTo - fundingFrom + 1n), ingestSeconds: ingestMs / 1000, eventsPerSec: opts.orders / (ingestMs / 1000),
      msPerEvent: ingestMs / opts.orders, ticks, firstTickSeconds: firstTick / 1000, latencies, latencyMedian: median(latencies), latencyMax: Math.max(...latencies),
    };
  } finally {
    await app?.stop().catch(() => {});
    redis.disconnect();
    await database.close().catch(() => {});
    await anvil.stop();
    await deleteRedisPrefix(redisPrefix).catch(() => {});
  }
}

/** With automine off: mines blocks until the pool is empty (a block takes what fits in its gas limit). */
async function mineUntilEmpty(rpc: (method: string, params: unknown[]) => Promise<unknown>) {
  for (let i = 0; i < 10_000; i++) {
    const s = (await rpc("txpool_status", [])) as { pending: string; queued: string };
    if (Number(s.pending) === 0) {
      if (Number(s.queued) !== 0) throw new Error(`${Number(s.queued)} transactions queued behind a nonce gap`);
      return;
    }
    // Keep the base fee flat: full blocks would raise it 12.5 % each, past any fee cap.
    await rpc("anvil_setNextBlockBaseFeePerGas", ["0x3b9aca00"]);
    await rpc("anvil_mine", ["0x1"]);
  }
  throw new Error("the pool never emptied");
}

export function chainSummary(r: ChainBenchResult, opts: ChainBenchOptions) {
  return [
    `P7 chain indexer ingest = ${Math.round(r.eventsPerSec)} confirmed fundings → postings per second (${r.msPerEvent.toFixed(2)} ms per event; ${r.orders} events in ${r.fundingBlocks} blocks, ` +
      `${r.ingestSeconds.toFixed(1)} s over ${r.ticks} chainTick() calls, the first (scan + confirm + first 500 postings) ${r.firstTickSeconds.toFixed(2)} s; CHAIN_LOG_RANGE_BLOCKS ${opts.logRangeBlocks})`,
    `P7 chain confirmation → buyer view (escrow_funded) with CHAIN_POLL_MS ${opts.pollMs}: median ${r.latencyMedian.toFixed(2)} s, max ${r.latencyMax.toFixed(2)} s over ${r.latencies.length} orders ` +
      `(CHAIN_CONFIRMATIONS ${opts.confirmations}; the clock starts when the block making the funding ${opts.confirmations} deep is mined)`,
  ];
}
