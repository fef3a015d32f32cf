/**
 * OPS-3 request metrics of this process: request latency by route class and status class, as a Prometheus
 * histogram. Prometheus scrapes every app instance and sums them; values shared by all instances (edge drift,
 * invariant violations, queue depths) come from Redis or Postgres instead (metrics.ts, platform-metrics.ts).
 */
import type { NextFunction, Request, Response } from "express";
import { field } from "./metrics.ts";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Route classes: few and fixed, so the label never grows with paths, hosts or tenants. */
const CLASSES: Array<[RegExp, string]> = [
  [/^\/(?:internal\/|healthz$|readyz$|metrics$)/, "internal"],
  [/^\/build\//, "asset"],
  [/^\/media\//, "media"],
  [/^\/api\/telegram\//, "webhook"],
  [/^\/(?:api\/storefront\/checkout|checkout(?:\.data)?)$/, "checkout"],
  [/^\/api\/storefront\//, "storefront_api"],
  [/^\/api\//, "api"],
  [/^\/ops(?:\/|$)/, "ops"],
  [/^\/(?:dashboard|account|login|logout|signup|invite)(?:\/|$|\.data$)/, "dashboard"],
  [/\.(?:css|js|map|ico|png|svg|webp|jpg|woff2?|txt|xml)$/, "asset"],
];

export function routeClass(pathname: string): string {
  for (const [re, name] of CLASSES) if (re.test(pathname)) return name;
  return "storefront";
}

interface Series {
  buckets: number[];
  sum: number;
  count: number;
}

export class HttpMetrics {
  private series = new Map<string, Series>();

  observe(cls: string, status: number, seconds: number) {
    const key = `${cls}\u0000${Math.floor(status / 100)}xx`;
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.buckets[i]!++;
    s.sum += seconds;
    s.count++;
  }

  /**
   * Times every request from here on, by the path it arrived with (routers rewrite req.url on the way); `finished`
   * runs in the same listener, for other per-response counts (the per-shop request stats).
   */
  middleware(finished?: (res: Response) => void) {
    return (req: Request, res: Response, next: NextFunction) => {
      const started = process.hrtime.bigint();
      const pathname = req.path;
      res.once("finish", () => {
        this.observe(routeClass(pathname), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
        finished?.(res);
      });
      next();
    };
  }

  render(): string {
    const name = "http_request_duration_seconds";
    const lines = [`# HELP ${name} Request latency of this instance by route class and status class.`, `# TYPE ${name} histogram`];
    for (const [key, s] of [...this.series].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [cls, status] = key.split("\u0000") as [string, string];
      const labels = { class: cls, status };
      BUCKETS.forEach((le, i) => lines.push(`${field(`${name}_bucket`, { ...labels, le: String(le) })} ${s.buckets[i]}`));
      lines.push(`${field(`${name}_bucket`, { ...labels, le: "+Inf" })} ${s.count}`);
      lines.push(`${field(`${name}_sum`, labels)} ${s.sum}`, `${field(`${name}_count`, labels)} ${s.count}`);
    }
    return lines.join("\n") + "\n";
  }
}
