/**
 * The part of Grafana's dashboard model (schemaVersion 39) that ops/grafana/storefront.json uses and Grafana needs to
 * import it: a uid and title, a datasource variable, and panels with a grid position and Prometheus targets.
 */
import { z } from "zod";

const datasource = z.object({ type: z.literal("prometheus"), uid: z.literal("${datasource}") });
const gridPos = z
  .object({ x: z.number().int().min(0).max(23), y: z.number().int().min(0), w: z.number().int().min(1).max(24), h: z.number().int().min(1) })
  .refine((g) => g.x + g.w <= 24, "a panel must fit in the 24-column grid");
const target = z.object({ refId: z.string().regex(/^[A-Z]$/), datasource, expr: z.string().min(1), legendFormat: z.string().optional() });
const base = { id: z.number().int().positive(), title: z.string().min(1), gridPos };
const dataPanel = z.object({
  ...base,
  type: z.enum(["timeseries", "stat", "gauge", "table", "bargauge"]),
  datasource,
  targets: z.array(target).min(1),
  fieldConfig: z.object({ defaults: z.looseObject({ unit: z.string().optional() }), overrides: z.array(z.unknown()) }).optional(),
  options: z.looseObject({}).optional(),
});
const rowPanel = z.object({ ...base, type: z.literal("row"), collapsed: z.boolean(), panels: z.array(z.unknown()) });

export const grafanaDashboardSchema = z.object({
  uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(36),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({
    list: z.array(z.looseObject({ name: z.string(), type: z.string() })).refine((l) => l.some((v) => v.name === "datasource" && v.type === "datasource"), "needs the datasource variable its panels use"),
  }),
  panels: z.array(z.discriminatedUnion("type", [rowPanel, dataPanel])).min(1),
});
export type GrafanaDashboard = z.infer<typeof grafanaDashboardSchema>;
