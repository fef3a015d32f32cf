/**
 * Where the dashboard can show a shop image. Uploads live at /media/<name> on the shop's own host, which the
 * platform host does not serve, so they go through the members-only /dashboard/<tenantId>/media/<name> route.
 * https:// and data: addresses are used as they are; other site paths exist only on the shop's host (undefined).
 */
export function dashboardMediaUrl(tenantId: string, url: string | null | undefined) {
  if (!url) return undefined;
  if (url.startsWith("/media/")) return `/dashboard/${tenantId}/media/${url.slice("/media/".length)}`;
  return url.startsWith("https://") || url.startsWith("data:") ? url : undefined;
}

/** 5242880 → "5 MB", 262144 → "256 KB". */
export function formatBytes(n: number) {
  if (n >= 1024 * 1024) return `${Number((n / 1024 / 1024).toFixed(1))} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
