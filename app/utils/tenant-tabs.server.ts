import type { TenantRole } from "@prisma/client";
import { can } from "#server/auth/index.ts";

export interface TenantTab {
  to: string;
  label: string;
  end: boolean;
}

/** Which dashboard tabs a member sees (each page checks its own rule again on the server). */
export function tabsFor(roles: readonly TenantRole[]): TenantTab[] {
  const tab = (to: string, label: string, end = false): TenantTab => ({ to, label, end });
  return [
    tab(".", "Overview", true),
    ...(can(roles, "orders.read") ? [tab("orders", "Orders")] : []),
    ...(can(roles, "catalog.read") ? [tab("catalog", "Catalog")] : []),
    ...(can(roles, "customers.read") ? [tab("customers", "Customers")] : []),
    tab("brand", "Brand"),
    ...(can(roles, "team.read") ? [tab("team", "Team")] : []),
    ...(can(roles, "domains.manage") ? [tab("domains", "Domains")] : []),
    tab("payments", "Payments"),
    ...(can(roles, "shipping.read") ? [tab("shipping", "Shipping & tax")] : []),
    ...(can(roles, "payouts.read") ? [tab("payouts", "Payouts")] : []),
    tab("bot", "Telegram"),
    tab("notifications", "Notifications"),
  ];
}
