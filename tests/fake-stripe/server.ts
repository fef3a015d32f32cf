/**
 * A faithful fake of the parts of the Stripe API the platform uses (docs.stripe.com/api), on 127.0.0.1, for the real
 * `stripe` SDK (its host/port/protocol options; STRIPE_API_BASE in the app). Real HTTP, form-encoded bodies, Stripe's
 * error envelope `{ error: { type, code?, message } }` with the matching status, Idempotency-Key semantics like
 * Stripe's (same key + same parameters → the first response again, with `Idempotent-Replayed: true`; same key + other
 * parameters → 400 idempotency_error), a hosted checkout page a browser can open and pay on, and webhooks signed
 * exactly as Stripe signs them (`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`).
 * Failures on demand: 401, 402, 429, 5xx, and requests that never answer (before or after the work is done).
 * No network beyond loopback.
 */
import http from "node:http";
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import qs from "qs";

export interface FakeAccount { key: string; id: string; businessName: string; livemode: boolean }
export interface FakeWebhook { url: string; secret: string }
export interface Failure { method?: string; path: string; status?: number; type?: string; message?: string; times?: number; hang?: "before" | "after" }
export interface Delivery { eventId: string; type: string; status: number; body: string }
export interface CallRecord { method: string; path: string; key: string | null; idempotencyKey: string | null; params: Record<string, unknown>; status: number }

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
class StripeErr extends Error {
  constructor(readonly status: number, readonly type: string, message: string, readonly code?: string) { super(message); }
}
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

/** The signature header exactly as Stripe builds it. */
export function signPayload(payload: string, secret: string, timestamp = now()) {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex")}`;
}

export class FakeStripe {
  readonly calls: CallRecord[] = [];
  readonly deliveries: Delivery[] = [];
  readonly sessions = new Map<string, Json>();
  readonly refunds = new Map<string, Json>();
  readonly events: Json[] = [];
  /** false: events are queued and sent by deliverQueued() (to test late or reordered delivery). */
  autoDeliver = true;
  /** The hosted page's "Pay": the buyer is sent back at once and the payment completes this much later, as on Stripe. */
  hostedPayDelayMs = 0;
  private queued: Array<{ event: Json; accountId: string; opts: { secret?: string; timestamp?: number } }> = [];
  private accounts = new Map<string, FakeAccount>();
  private webhooks = new Map<string, FakeWebhook>();
  private charges = new Map<string, Json>();
  private idem = new Map<string, { hash: string; status: number; body: string }>();
  private failures: Failure[] = [];
  private hanging = new Set<http.ServerResponse>();
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = "";

  async start() {
    await new Promise<void>((ok) => this.server.listen(0, "127.0.0.1", ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close() {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }

  /** A Stripe account and the secret key that opens it. */
  addAccount(opts: Partial<FakeAccount> = {}): FakeAccount {
    const livemode = opts.livemode ?? false;
    const account = { key: opts.key ?? `sk_${livemode ? "live" : "test"}_${randomBytes(16).toString("hex")}`, id: opts.id ?? id("acct"), businessName: opts.businessName ?? "Fake Shop Ltd", livemode };
    this.accounts.set(account.key, account);
    return account;
  }

  /** Where the account's events go, signed with this secret (the endpoint the merchant adds in Stripe's dashboard). */
  setWebhook(accountId: string, hook: FakeWebhook) {
    this.webhooks.set(accountId, hook);
  }

  revokeKey(key: string) {
    this.accounts.delete(key);
  }

  fail(f: Failure) {
    this.failures.push({ times: 1, ...f });
  }

  /** The buyer pays on the hosted page (or the test does it directly): completes the session and sends the event. */
  async pay(sessionId: string) {
    const s = this.sessions.get(sessionId);
    if (!s) throw new Error(`no session ${sessionId}`);
    if (s.payment_status === "paid") return s;
    const pi = id("pi");
    const charge = { id: id("ch"), object: "charge", amount: s.amount_total, amount_refunded: 0, currency: s.currency, payment_intent: pi, refunded: false, disputed: false, paid: true, status: "succeeded", livemode: s.livemode, created: now() };
    this.charges.set(pi, { ...charge, account: s.account });
    Object.assign(s, { payment_status: "paid", status: "complete", payment_intent: pi });
    await this.emit(s.account, "checkout.session.completed", this.publicSession(s));
    return s;
  }

  async dispute(paymentIntent: string) {
    const c = this.charges.get(paymentIntent)!;
    c.disputed = true;
    await this.emit(c.account, "charge.dispute.created", { id: id("dp"), object: "dispute", amount: c.amount, currency: c.currency, charge: c.id, payment_intent: paymentIntent, reason: "fraudulent", status: "needs_response" });
  }

  /** Sends an event for the account now (or queues it), signed with its webhook secret unless overridden. */
  async emit(accountId: string, type: string, object: Json, opts: { eventId?: string; secret?: string; timestamp?: number } = {}) {
    const event = { id: opts.eventId ?? id("evt"), object: "event", api_version: "2026-11-18.endive", created: now(), livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
    this.events.push(event);
    const job = { event, accountId, opts };
    if (this.autoDeliver) return this.deliver(job);
    this.queued.push(job);
    return null;
  }

  async deliverQueued(order: "fifo" | "lifo" = "fifo") {
    const jobs = order === "fifo" ? this.queued : [...this.queued].reverse();
    this.queued = [];
    const out = [];
    for (const j of jobs) out.push(await this.deliver(j));
    return out;
  }

  /** Delivers one event again exactly as before (Stripe retries with the same id and a new timestamp). */
  async redeliver(eventId: string) {
    const event = this.events.find((e) => e.id === eventId)!;
    const accountId = this.accountOfEvent(event);
    return this.deliver({ event, accountId, opts: {} });
  }

  private accountOfEvent(event: Json) {
    const o = event.data.object;
    const viaSession = [...this.sessions.values()].find((s) => s.id === o.id)?.account;
    return viaSession ?? this.charges.get(o.payment_intent)?.account;
  }

  private async deliver(job: { event: Json; accountId: string; opts: { secret?: string; timestamp?: number } }): Promise<Delivery | null> {
    const hook = this.webhooks.get(job.accountId);
    if (!hook) return null;
    const payload = JSON.stringify(job.event, null, 2);
    const res = await fetch(hook.url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signPayload(payload, job.opts.secret ?? hook.secret, job.opts.timestamp), "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
      body: payload,
    });
    const d = { eventId: job.event.id, type: job.event.type, status: res.status, body: await res.text() };
    this.deliveries.push(d);
    return d;
  }

  private publicSession(s: Json) {
    const { account, line_items_input, ...rest } = s;
    void account; void line_items_input;
    return rest;
  }

  private account(req: http.IncomingMessage) {
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;
    const account = key ? this.accounts.get(key) : undefined;
    if (!account) throw new StripeErr(401, "invalid_request_error", `Invalid API Key provided: ${key ? `${key.slice(0, 8)}${"*".repeat(8)}${key.slice(-4)}` : "(none)"}`);
    return account;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    if (url.pathname.startsWith("/pay/")) return this.hostedPage(method, url, res);
    const params = (method === "GET" ? qs.parse(url.search.slice(1)) : qs.parse(raw)) as Record<string, unknown>;
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;
    const idemKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
    const record = (status: number) => this.calls.push({ method, path: url.pathname, key, idempotencyKey: idemKey, params, status });
    const send = (status: number, body: string, replayed = false) => {
      record(status);
      res.writeHead(status, { "content-type": "application/json", "request-id": id("req"), ...(replayed ? { "idempotent-replayed": "true" } : {}) });
      res.end(body);
    };
    const failure = this.failures.find((f) => (!f.method || f.method === method) && url.pathname.startsWith(f.path) && (f.times ?? 1) > 0);
    if (failure) failure.times = (failure.times ?? 1) - 1;
    if (failure?.hang === "before") return void this.hanging.add(res);
    if (failure?.status) {
      const type = failure.type ?? (failure.status === 402 ? "card_error" : failure.status === 429 ? "rate_limit_error" : failure.status === 401 ? "invalid_request_error" : "api_error");
      return send(failure.status, JSON.stringify({ error: { type, message: failure.message ?? `Fake failure ${failure.status}` } }));
    }
    const slot = idemKey && method === "POST" ? `${key}:${idemKey}` : null;
    const hash = createHash("sha256").update(`${method} ${url.pathname} ${raw}`).digest("hex");
    const seen = slot ? this.idem.get(slot) : undefined;
    if (seen) {
      if (seen.hash !== hash) return send(400, JSON.stringify({ error: { type: "idempotency_error", message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.` } }));
      return send(seen.status, seen.body, true);
    }
    let status = 200;
    let body: string;
    try {
      body = JSON.stringify(await this.route(method, url.pathname, params, req));
    } catch (err) {
      if (!(err instanceof StripeErr)) throw err;
      status = err.status;
      body = JSON.stringify({ error: { type: err.type, message: err.message, ...(err.code ? { code: err.code } : {}) } });
    }
    // Stripe saves the result of a request that reached it (errors of validation included) under its key.
    if (slot && status !== 401 && status !== 429 && status < 500) this.idem.set(slot, { hash, status, body });
    if (failure?.hang === "after") return void this.hanging.add(res);
    send(status, body);
  }

  private async route(method: string, path: string, p: Json, req: http.IncomingMessage): Promise<Json> {
    const account = this.account(req);
    if (method === "GET" && path === "/v1/account") {
      return { id: account.id, object: "account", business_profile: { name: account.businessName }, settings: { dashboard: { display_name: account.businessName } }, email: null, country: "US", charges_enabled: true };
    }
    if (method === "POST" && path === "/v1/checkout/sessions") return this.createSession(account, p);
    const sm = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === "GET" && sm) {
      const s = this.sessions.get(sm[1]!);
      if (!s || s.account !== account.id) throw new StripeErr(404, "invalid_request_error", `No such checkout.session: '${sm[1]}'`, "resource_missing");
      return this.publicSession(s);
    }
    if (method === "POST" && path === "/v1/refunds") return this.createRefund(account, p);
    throw new StripeErr(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  private createSession(account: FakeAccount, p: Json) {
    const items = Object.values((p.line_items ?? {}) as Json) as Json[];
    if (p.mode !== "payment" || items.length === 0) throw new StripeErr(400, "invalid_request_error", "You must provide at least one line item in payment mode.", "parameter_missing");
    for (const k of ["success_url", "cancel_url"]) if (typeof p[k] !== "string" || !/^https?:\/\//.test(p[k])) throw new StripeErr(400, "invalid_request_error", `Not a valid URL: ${k}`, "url_invalid");
    const currencies = new Set(items.map((i) => i.price_data?.currency));
    if (currencies.size !== 1) throw new StripeErr(400, "invalid_request_error", "All line items must have the same currency.");
    const amount = items.reduce((s, i) => s + Number(i.price_data.unit_amount) * Number(i.quantity), 0);
    const sid = `cs_${account.livemode ? "live" : "test"}_${randomBytes(20).toString("hex")}`;
    const session = {
      id: sid, object: "checkout.session", mode: "payment", status: "open", payment_status: "unpaid", amount_total: amount, amount_subtotal: amount,
      currency: [...currencies][0], client_reference_id: p.client_reference_id ?? null, metadata: p.metadata ?? {}, success_url: p.success_url, cancel_url: p.cancel_url,
      payment_intent: null, livemode: account.livemode, url: `${this.url}/pay/${sid}`, created: now(), expires_at: now() + 86_400,
      account: account.id, line_items_input: items,
    };
    this.sessions.set(sid, session);
    return this.publicSession(session);
  }

  private async createRefund(account: FakeAccount, p: Json) {
    const c = this.charges.get(String(p.payment_intent));
    if (!c || c.account !== account.id) throw new StripeErr(404, "invalid_request_error", `No such payment_intent: '${p.payment_intent}'`, "resource_missing");
    if (c.refunded) throw new StripeErr(400, "invalid_request_error", `Charge ${c.id} has already been refunded.`, "charge_already_refunded");
    if (c.disputed) throw new StripeErr(400, "invalid_request_error", `Charge ${c.id} has been charged back; refunds are not possible.`, "charge_disputed");
    const refund = { id: id("re"), object: "refund", amount: c.amount, currency: c.currency, charge: c.id, payment_intent: p.payment_intent, status: "succeeded", metadata: p.metadata ?? {}, created: now() };
    this.refunds.set(refund.id, refund);
    Object.assign(c, { refunded: true, amount_refunded: c.amount });
    const { account: acct, ...charge } = c;
    // Stripe sends the event on its own schedule, after answering.
    setTimeout(() => void this.emit(acct, "charge.refunded", charge).catch(() => undefined), 20);
    return refund;
  }

  private async hostedPage(method: string, url: URL, res: http.ServerResponse) {
    const s = this.sessions.get(url.pathname.slice("/pay/".length));
    if (!s) { res.writeHead(404, { "content-type": "text/plain" }); return void res.end("No such checkout session"); }
    if (method === "POST") {
      if (this.hostedPayDelayMs > 0) setTimeout(() => void this.pay(s.id).catch(() => undefined), this.hostedPayDelayMs);
      else await this.pay(s.id);
      res.writeHead(303, { location: s.success_url });
      return void res.end();
    }
    const esc = (v: unknown) => String(v).replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
    const lines = (s.line_items_input as Json[]).map((i) => `<li>${esc(i.quantity)} × ${esc(i.price_data.product_data?.name)} — ${esc(i.price_data.unit_amount)} ${esc(s.currency)}</li>`).join("");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Fake Stripe Checkout</title>
<style>body{font-family:sans-serif;max-width:480px;margin:40px auto;color:#1a1f36}h1{font-size:20px}.amount{font-size:28px;font-weight:600}button{background:#635bff;color:#fff;border:0;border-radius:6px;padding:12px 20px;font-size:16px;width:100%}.test{background:#ffde92;padding:4px 8px;border-radius:4px;font-size:12px}</style></head>
<body>${s.livemode ? "" : '<span class="test">TEST MODE</span>'}<h1>Fake Stripe Checkout</h1><p class="amount" data-testid="amount">${esc(s.amount_total)} ${esc(String(s.currency).toUpperCase())} (minor units: ${esc(s.amount_total)})</p><ul>${lines}</ul>
<p>Card: 4242 4242 4242 4242</p><form method="post"><button type="submit" data-testid="pay">Pay</button></form>
<p><a href="${esc(s.cancel_url)}">Cancel and go back</a></p></body></html>`);
  }
}

export async function startFakeStripe() {
  return new FakeStripe().start();
}
