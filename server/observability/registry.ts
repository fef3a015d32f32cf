/**
 * OPS-3 metrics on prom-client (ADR 022). Every app gets its own Registry (never prom-client's global one, so two
 * apps in one process, as in tests, never share or collide), with Node's default process metrics.
 *
 * Values that are not this process's own (queue depths, domain states, money and chain figures in Postgres, the
 * shared counters in Redis) are read when Prometheus scrapes: a family group's gauges and counters share one
 * loader through their collect() callbacks, and one scrape (or several at once) runs it once.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export type { Registry } from "prom-client";

/** A fresh registry; with `processMetrics` (an app's /metrics) it carries Node's default process metrics too. */
export function createRegistry({ processMetrics }: { processMetrics: boolean }): Registry {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

export interface Sample {
  labels?: Record<string, string>;
  value: number;
}

/** One metric family whose samples are computed at scrape time from its group's loaded value `S`. */
export interface FamilyDef<S> {
  name: string;
  help: string;
  type: "gauge" | "counter";
  labelNames?: readonly string[];
  samples(loaded: S): Sample[];
}

/** Runs `load` once for every caller that asks while it is in flight; the next ask after it settles loads afresh. */
function coalesce<S>(load: () => Promise<S>): () => Promise<S> {
  let inFlight: Promise<S> | undefined;
  return () => (inFlight ??= load().finally(() => (inFlight = undefined)));
}

/**
 * Registers `defs` on `registry`, each reading its samples from one shared call of `load` per scrape. A family
 * without labels and without a sample shows no value rather than a made-up 0 (prom-client's default).
 */
export function registerFamilies<S>(registry: Registry, load: () => Promise<S>, defs: Array<FamilyDef<S>>) {
  const loaded = coalesce(load);
  for (const def of defs) {
    const labelNames = [...(def.labelNames ?? [])];
    const fill = (metric: Gauge | Counter, samples: Sample[]) => {
      metric.reset();
      if (samples.length === 0 && labelNames.length === 0) metric.remove({});
      for (const s of samples) {
        if (metric instanceof Gauge) metric.set(s.labels ?? {}, s.value);
        else metric.inc(s.labels ?? {}, s.value);
      }
    };
    const options = { name: def.name, help: def.help, labelNames, registers: [registry] };
    if (def.type === "gauge") {
      new Gauge({ ...options, async collect() { fill(this, def.samples(await loaded())); } });
    } else {
      new Counter({ ...options, async collect() { fill(this, def.samples(await loaded())); } });
    }
  }
}
