/**
 * OPS-3 request metrics of this process: request latency by route class and status class, as a Prometheus
 * histogram. Prometheus scrapes every app instance and sums them; values shared by all instances (edge drift,
 * invariant violations, queue depths) come from Redis or Postgres instead (metrics.ts, platform-metrics.ts).
 */
import type { NextFunction, Request, Response } from "express";
import { Histogram } from "prom-client";
import type { Registry } from "./registry.ts";

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

export class HttpMetrics {
  private histogram: Histogram<"class" | "status">;

  constructor(registry: Registry) {
    this.histogram = new Histogram({
      name: "http_request_duration_seconds", help: "Request latency of this instance by route class and status class.",
      labelNames: ["class", "status"], buckets: BUCKETS, registers: [registry],
    });
  }

  observe(cls: string, status: number, seconds: number) {
    this.histogram.observe({ class: cls, status: `${Math.floor(status / 100)}xx` }, seconds);
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
}
