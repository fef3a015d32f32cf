/**
 * Shared fuzz plumbing: the seed and run scale (FUZZ_SEED, FUZZ_RUNS), a keep-alive HTTP sender with bounded
 * concurrency, and the checks every answer must pass (no 500, no stack, an expected status, the typed envelope).
 *
 * Cases are drawn with fc.sample from one fixed seed and sent concurrently: a failure names its seed and index, and
 * its input goes into tests/fuzz/regressions.ts, which every fuzz file replays first.
 */
import http from "node:http";
import net from "node:net";
import fc from "fast-check";

/** Fixed by default so CI is reproducible; set FUZZ_SEED to explore other cases. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_020);
/** Multiplies every case count (FUZZ_RUNS=0.1 for a quick local run, 5 for a long one). */
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);

export const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

/** `n` cases of `arb` from the fixed seed (a stream of its own per `salt`, so adding one file never shifts another). */
export function cases<T>(arb: fc.Arbitrary<T>, n: number, salt: number): T[] {
  return fc.sample(arb, { seed: FUZZ_SEED + salt, numRuns: runs(n) });
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Send {
  path: string;
  method?: string;
  /** Sent as is (latin1 on the wire); a value Node's client refuses (control characters) goes over a raw socket. */
  headers: Record<string, string>;
  body?: Buffer | string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const INVALID_HEADER = /[^\t\x20-\x7e\x80-\xff]/;

/** One request to 127.0.0.1:`port`; header values Node's client refuses go out over a raw socket instead. */
export function send(port: number, s: Send): Promise<Answer> {
  if (Object.entries(s.headers).some(([k, v]) => INVALID_HEADER.test(v) || INVALID_HEADER.test(k))) return sendRaw(port, s);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, agent, path: s.path, method: s.method ?? "GET", headers: s.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(s.body);
  });
}

/** HTTP/1.1 written byte for byte (Connection: close); what a hostile client can put on the wire. */
function sendRaw(port: number, s: Send): Promise<Answer> {
  const body = s.body === undefined ? Buffer.alloc(0) : Buffer.from(s.body);
  const head = [`${s.method ?? "GET"} ${s.path} HTTP/1.1`, ...Object.entries(s.headers).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${body.length}`, "Connection: close"];
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    sock.on("data", (c) => chunks.push(c));
    sock.on("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNRESET" ? finish() : reject(err)));
    sock.on("end", finish);
    sock.write(Buffer.concat([Buffer.from(head.join("\r\n") + "\r\n\r\n", "utf8"), body]));
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString("utf8");
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) return reject(new Error(`no HTTP answer to a raw request: ${JSON.stringify(text.slice(0, 200))}`));
      const split = text.indexOf("\r\n\r\n");
      const headers = Object.fromEntries(
        text.slice(0, split < 0 ? text.length : split).split("\r\n").slice(1).map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      resolve({ status: Number(m[1]), headers, body: split < 0 ? "" : text.slice(split + 4) });
    }
  });
}

/** Runs `fn` over `items`, `concurrency` at a time. */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** A stack frame or a source path: what an error page must never show. */
const STACK = /\n\s+at .+[:(]\d+:\d+\)?|node_modules\/|\/server\/[\w/.-]+\.ts|\/app\/[\w/.-]+\.tsx?/;

/** Why an answer is wrong, or null: a 5xx, a stack trace, an unexpected status, a 4xx JSON answer without the envelope. */
export function problem(a: Answer, allowed: readonly number[], opts: { envelope?: boolean } = {}): string | null {
  if (a.status >= 500 && !allowed.includes(a.status)) return `status ${a.status}`;
  if (STACK.test(a.body)) return "stack trace or source path in the body";
  if (!allowed.includes(a.status)) return `unexpected status ${a.status}`;
  // Node's own HTTP parser refuses a malformed request (a CR, LF or NUL in a header: 400; headers over 16 KB: 431)
  // with a bare status before the app sees it; the app's 4xx always carry a body.
  if ((a.status === 400 || a.status === 431) && a.body === "" && !a.headers["content-type"]) return null;
  const isJson = String(a.headers["content-type"] ?? "").startsWith("application/json");
  if (a.status >= 400 && (opts.envelope || isJson)) {
    let parsed: { success?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
    try {
      parsed = JSON.parse(a.body);
    } catch {
      return "a 4xx without a JSON body";
    }
    if (parsed?.success !== false || typeof parsed.error?.code !== "string" || typeof parsed.error.message !== "string") return "a 4xx without the error envelope";
  }
  return null;
}

export interface Failure {
  index: number;
  input: unknown;
  why: string;
  status?: number;
  body?: string;
}

/** Collects at most a few failures (enough to fix; the count says how many there were). */
export class Failures {
  list: Failure[] = [];
  count = 0;
  add(f: Failure) {
    this.count++;
    if (this.list.length < 5) this.list.push({ ...f, body: f.body?.slice(0, 300) });
  }
  /** Seed and first failures, printed so a CI log is enough to reproduce. */
  report(label: string) {
    const short = (_k: string, v: unknown) => (typeof v === "string" && v.length > 200 ? `${v.slice(0, 200)}…(${v.length} chars)` : v);
    return this.count === 0 ? "" : `${label}: ${this.count} failures (FUZZ_SEED=${FUZZ_SEED})\n${JSON.stringify(this.list, short, 1).slice(0, 6000)}`;
  }
}

/** The CI line: "fuzz: N <what>, F failures". */
export function printCount(what: string, n: number, failures: Failures, ms: number) {
  console.log(`fuzz: ${n} ${what}, ${failures.count} failures (seed ${FUZZ_SEED}, ${(ms / 1000).toFixed(1)} s)`);
}
