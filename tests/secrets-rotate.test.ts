import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./db.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant } from "./factories.ts";
import { SecretBox } from "#server/secrets/index.ts";

const db = await createTestDatabase();

describe("npm run secrets:rotate", () => {
  it("re-encrypts every secret under the new key; afterwards the old key is no longer needed", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const tenant = await createTenant(db.prisma);
    const before = new SecretBox(oldKey);
    const bots = [];
    for (let i = 0; i < 3; i++) {
      const id = crypto.randomUUID();
      const token = `${100000 + i}:tok-${randomBytes(8).toString("hex")}`;
      await db.prisma.tenantBot.create({
        data: {
          id, tenantId: tenant.id, telegramBotId: String(100000 + i), username: `bot${i}`,
          encryptedToken: before.seal(token, `tenant_bots.token:${id}`),
          encryptedWebhookSecret: before.seal(`wh-${i}`, `tenant_bots.webhook_secret:${id}`),
        },
      });
      bots.push({ id, token });
    }
    // The shop's Stripe keys (ADR 024) are re-sealed too.
    const integrationId = crypto.randomUUID();
    await db.prisma.tenantIntegration.create({
      data: {
        id: integrationId, tenantId: tenant.id, kind: "payment", provider: "stripe", status: "active", accountId: "acct_rot", businessName: "Rot", livemode: false,
        encryptedSecretKey: before.seal("sk_test_rotate_me", `tenant_integrations.secret_key:${integrationId}`),
        encryptedWebhookSecret: before.seal("whsec_rotate_me", `tenant_integrations.webhook_secret:${integrationId}`),
      },
    });
    const run = (env: Record<string, string>) =>
      promisify(execFile)("npm", ["run", "-s", "secrets:rotate"], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, REDIS_URL, NODE_ENV: "test", ...env },
      });
    const { stdout } = await run({ SECRET_BOX_KEY: newKey.toString("hex"), SECRET_BOX_OLD_KEYS: oldKey.toString("hex") });
    expect(JSON.parse(stdout)).toEqual({ scanned: 8, rotated: 8, alreadyCurrent: 0, failed: 0 });
    const onlyNew = new SecretBox(newKey);
    for (const b of bots) {
      const row = await db.prisma.tenantBot.findUniqueOrThrow({ where: { id: b.id } });
      expect(row.encryptedToken).not.toContain(b.token);
      expect(onlyNew.open(row.encryptedToken, `tenant_bots.token:${b.id}`)).toBe(b.token);
    }
    const stripe = await db.prisma.tenantIntegration.findUniqueOrThrow({ where: { id: integrationId } });
    expect(onlyNew.open(stripe.encryptedSecretKey!, `tenant_integrations.secret_key:${integrationId}`)).toBe("sk_test_rotate_me");
    expect(onlyNew.open(stripe.encryptedWebhookSecret!, `tenant_integrations.webhook_secret:${integrationId}`)).toBe("whsec_rotate_me");
    // A second run finds nothing to do.
    const again = await run({ SECRET_BOX_KEY: newKey.toString("hex") });
    expect(JSON.parse(again.stdout)).toEqual({ scanned: 8, rotated: 0, alreadyCurrent: 8, failed: 0 });
  });
});
