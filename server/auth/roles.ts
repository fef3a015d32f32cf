/** The tenant roles, in the order the dashboard lists them; browser-safe (the team page's form uses it). */
import type { TenantRole } from "@prisma/client";

export const TENANT_ROLES = ["owner", "manager", "finance", "support", "developer"] as const satisfies readonly TenantRole[];
