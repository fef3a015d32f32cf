/**
 * Payment integrations (issue 14, ADR 024): the merchant pastes their own Stripe secret (or restricted) key and the
 * webhook signing secret; the key is checked with a live call before anything is stored, both are sealed with the
 * secret box, and neither ever leaves this module except into the SDK or the webhook verifier.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient, TenantIntegration } from "@prisma/client";
import { z } from "zod";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import type { SecretBox } from "#server/secrets/index.ts";
import type { ShopRails } from "../rails/types.ts";
import { isTestKey, stripeClient, stripeFailure, type StripeSettings } from "./client.ts";

export const integrationAad = {
  secretKey: (id: string) => `tenant_integrations.secret_key:${id}`,
  webhookSecret: (id: string) => `tenant_integrations.webhook_secret:${id}`,
};

export const connectIntegrationSchema = z.object({
  kind: z.literal("payment"),
  provider: z.literal("stripe"),
  secretKey: z.string().trim().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,240}$/, "Paste a Stripe secret key (sk_live_… / sk_test_…) or restricted key (rk_…)."),
  webhookSecret: z.string().trim().regex(/^whsec_[A-Za-z0-9_+/=]{8,240}$/, "Paste the webhook signing secret (whsec_…) of the endpoint you added in Stripe."),
  // Production only: a test-mode key is taken only when the merchant agrees buyers are shown a "test mode" badge.
  allowTestMode: z.boolean().default(false),
});
export type ConnectIntegrationInput = z.infer<typeof connectIntegrationSchema>;

export interface IntegrationDeps {
  prisma: PrismaClient;
  box: () => SecretBox;
  stripe: StripeSettings;
}

type Row = Pick<TenantIntegration, "id" | "kind" | "provider" | "status" | "accountId" | "businessName" | "livemode" | "lastError" | "createdAt" | "disconnectedAt">;
const PUBLIC_FIELDS = { id: true, kind: true, provider: true, status: true, accountId: true, businessName: true, livemode: true, lastError: true, createdAt: true, disconnectedAt: true } as const;

/** What the API and the Payments page show: never a key. */
export function integrationView(settings: StripeSettings, row: Row) {
  return {
    id: row.id, kind: row.kind, provider: row.provider, status: row.status, accountId: row.accountId, businessName: row.businessName,
    mode: row.livemode ? ("live" as const) : ("test" as const),
    webhookUrl: `${settings.webhookBaseUrl}/api/payments/stripe/webhook/${row.id}`,
    lastError: row.lastError, createdAt: row.createdAt, disconnectedAt: row.disconnectedAt,
  };
}
export type IntegrationView = ReturnType<typeof integrationView>;

export async function listIntegrations(deps: IntegrationDeps, tenantId: string) {
  const rows = await deps.prisma.tenantIntegration.findMany({
    where: { tenantId, kind: "payment", provider: "stripe", disconnectedAt: null }, select: PUBLIC_FIELDS, orderBy: { createdAt: "desc" },
  });
  return rows.map((r) => integrationView(deps.stripe, r));
}

/** The account behind the key, asked of Stripe itself; a refused key is a 400 and nothing is stored. */
async function checkKey(deps: IntegrationDeps, secretKey: string) {
  try {
    const account = await stripeClient(deps.stripe, secretKey).accounts.retrieveCurrent();
    const name = account.business_profile?.name || account.settings?.dashboard?.display_name || account.email || account.id;
    return { accountId: account.id, businessName: name.slice(0, 200) };
  } catch (err) {
    const { error, keyRefused } = stripeFailure(err, "checking the key");
    if (keyRefused) throw new ApiError(400, "STRIPE_KEY_REFUSED", "Stripe refused this key: check that you pasted the secret or restricted key of your own account, and that it can read the account.");
    throw error;
  }
}

/** Connects (or replaces) the shop's Stripe account: the old connection, if any, becomes `disconnected`. */
export async function connectIntegration(deps: IntegrationDeps, actor: AuditActor, tenantId: string, input: ConnectIntegrationInput) {
  const testMode = isTestKey(input.secretKey);
  if (testMode && deps.stripe.production && !input.allowTestMode) {
    throw new ApiError(400, "STRIPE_TEST_MODE", "This is a test-mode key: no real card is charged. To use it here anyway, confirm test mode (buyers then see a \"test mode\" badge).", {
      issues: [{ in: "body", path: "allowTestMode", message: "Confirm test mode to connect a test key in production." }],
    });
  }
  const box = deps.box();
  const account = await checkKey(deps, input.secretKey);
  const id = randomUUID();
  const row = await deps.prisma.$transaction(async (tx) => {
    const now = new Date();
    await tx.tenantIntegration.updateMany({ where: { tenantId, kind: "payment", provider: "stripe", disconnectedAt: null }, data: { status: "disconnected", disconnectedAt: now } });
    const created = await tx.tenantIntegration.create({
      data: {
        id, tenantId, kind: "payment", provider: "stripe", status: "active", accountId: account.accountId, businessName: account.businessName, livemode: !testMode,
        encryptedSecretKey: box.seal(input.secretKey, integrationAad.secretKey(id)),
        encryptedWebhookSecret: box.seal(input.webhookSecret, integrationAad.webhookSecret(id)),
      },
      select: PUBLIC_FIELDS,
    });
    await writeAudit(tx, actor, { action: "integration.connect", tenantId, target: `integration:${id}`, details: { provider: "stripe", accountId: account.accountId, mode: testMode ? "test" : "live" } });
    return created;
  });
  return integrationView(deps.stripe, row);
}

export async function disconnectIntegration(deps: IntegrationDeps, actor: AuditActor, tenantId: string, integrationId: string) {
  return deps.prisma.$transaction(async (tx) => {
    // Payment integrations only: the shop's mail sender has its own route and permission (ADR 027).
    const { count } = await tx.tenantIntegration.updateMany({ where: { id: integrationId, tenantId, kind: "payment", disconnectedAt: null }, data: { status: "disconnected", disconnectedAt: new Date() } });
    if (count === 0) throw new ApiError(404, "INTEGRATION_NOT_FOUND", "No such connected integration.");
    await writeAudit(tx, actor, { action: "integration.disconnect", tenantId, target: `integration:${integrationId}`, details: { provider: "stripe" } });
    return { id: integrationId, status: "disconnected" as const };
  });
}

/** A 401 from Stripe after connecting: the rail stops being offered and the Payments page tells the merchant. */
export async function markFailing(prisma: PrismaClient, tenantId: string, integrationId: string, why: string) {
  await prisma.tenantIntegration.updateMany({
    where: { id: integrationId, tenantId, status: "active" }, data: { status: "failing", lastError: `${why} (${new Date().toISOString()})` },
  });
}

/** The shop's usable Stripe account for ShopRails (null: the card rail is not offered). */
export async function activeStripe(prisma: PrismaClient, tenantId: string): Promise<NonNullable<ShopRails["stripe"]> | null> {
  const row = await prisma.tenantIntegration.findFirst({
    where: { tenantId, kind: "payment", provider: "stripe", status: "active", disconnectedAt: null }, select: { id: true, businessName: true, accountId: true, livemode: true },
  });
  return row ? { integrationId: row.id, businessName: row.businessName ?? row.accountId ?? "the shop", testMode: !row.livemode } : null;
}

/** The integration's secret key, for one SDK call; scoped by tenant. */
export async function secretKeyOf(deps: Pick<IntegrationDeps, "prisma" | "box">, tenantId: string, integrationId: string) {
  const row = await deps.prisma.tenantIntegration.findFirst({ where: { id: integrationId, tenantId }, select: { id: true, encryptedSecretKey: true } });
  if (!row?.encryptedSecretKey) throw new ApiError(409, "INTEGRATION_NOT_FOUND", "The shop's Stripe connection is gone.");
  return deps.box().open(row.encryptedSecretKey, integrationAad.secretKey(row.id));
}
