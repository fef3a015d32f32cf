import { ORDER_READERS } from "#server/money/index.ts";

export interface TenantTab {
  to: string;
  label: string;
  end: boolean;
}

/** Which dashboard tabs a member sees (each page checks its own rule again on the server). */
export function tabsFor(roles: readonly string[]): TenantTab[] {
  const owner = roles.includes("owner");
  const catalogEditor = owner || roles.includes("manager");
  const domainEditor = catalogEditor || roles.includes("developer");
  const orderReader = roles.some((r) => (ORDER_READERS as readonly string[]).includes(r));
  const tab = (to: string, label: string, end = false): TenantTab => ({ to, label, end });
  return [
    tab(".", "Overview", true),
    ...(orderReader ? [tab("orders", "Orders")] : []),
    ...(catalogEditor ? [tab("catalog", "Catalog")] : []),
    tab("brand", "Brand"),
    ...(owner ? [tab("team", "Team")] : []),
    ...(domainEditor ? [tab("domains", "Domains")] : []),
    tab("payments", "Payments"),
    tab("bot", "Telegram"),
  ];
}
