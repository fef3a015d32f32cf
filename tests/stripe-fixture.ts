/** The Stripe fake wired to a running app: connect a shop's account through the API, then its webhooks reach the app. */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { Client } from "./http.ts";
import type { FakeAccount, FakeStripe } from "./fake-stripe/server.ts";

export const SECRET_BOX_KEY = randomBytes(32).toString("hex");

export interface ConnectedStripe { account: FakeAccount; webhookSecret: string; integrationId: string; body: Record<string, unknown> }

/** Connects a new fake account to the shop as its owner/finance member, and points the account's webhooks at the app. */
export async function connectStripe(fake: FakeStripe, appUrl: string, member: Client, tenantId: string, opts: { businessName?: string } = {}): Promise<ConnectedStripe> {
  const account = fake.addAccount({ businessName: opts.businessName ?? "Fake Shop Ltd" });
  const webhookSecret = `whsec_${randomBytes(24).toString("hex")}`;
  const res = await member.post(`/api/tenants/${tenantId}/integrations`, { kind: "payment", provider: "stripe", secretKey: account.key, webhookSecret });
  expect(res.status, res.body).toBe(201);
  const integrationId = res.json.data.id as string;
  fake.setWebhook(account.id, { url: `${appUrl}/api/payments/stripe/webhook/${integrationId}`, secret: webhookSecret });
  return { account, webhookSecret, integrationId, body: res.json.data };
}
