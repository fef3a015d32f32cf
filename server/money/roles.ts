/** Who may do what with a shop's orders: one list for the API (server/api/orders.ts) and the dashboard. */
import type { TenantRole } from "@prisma/client";

/** Read orders (they hold buyers' emails and addresses, so not developers). */
export const ORDER_READERS = ["owner", "manager", "finance", "support"] as const satisfies readonly TenantRole[];
/** Ship and enter the buyer's delivery code. */
export const ORDER_FULFILLERS = ["owner", "manager"] as const satisfies readonly TenantRole[];
/** Mark a manual invoice paid. */
export const INVOICE_CONFIRMERS = ["owner", "finance"] as const satisfies readonly TenantRole[];
