/** The unsubscribe link's action (ADR 033): the shop on this host, the customer and the signature must all agree. */
import { json, type AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { requireShop } from "#app/utils/storefront.server.ts";

const linkSchema = z.object({ customerId: z.uuid(), sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

export async function unsubscribeCustomer(context: AppLoadContext, customerId: string, sig: string) {
  const tenant = requireShop(context);
  const link = linkSchema.safeParse({ customerId, sig });
  const ok = link.success && (await context.services.customers.unsubscribe({ tenantId: tenant.id }, link.data.customerId, link.data.sig));
  return json({ ok }, { status: ok ? 200 : 400 });
}
