/**
 * Re-encrypt every stored secret under the current key (`npm run secrets:rotate`). Each row is updated with a
 * compare-and-swap on its old ciphertext, so a secret written concurrently is never overwritten with a stale one.
 */
import type { PrismaClient } from "@prisma/client";
import type { SecretBox } from "./secret-box.ts";

export interface RotationReport {
  scanned: number;
  rotated: number;
  alreadyCurrent: number;
  failed: Array<{ table: string; id: string; reason: string }>;
}

/** Where secrets live and how each is bound (AAD); new secret columns must be added here. */
export const SECRET_COLUMNS = [
  { table: "tenant_bots", column: "encrypted_token", aad: (id: string) => `tenant_bots.token:${id}` },
  { table: "tenant_bots", column: "encrypted_webhook_secret", aad: (id: string) => `tenant_bots.webhook_secret:${id}` },
  { table: "tenant_bots", column: "encrypted_claim_token", aad: (id: string) => `tenant_bots.claim_token:${id}` },
  { table: "tenant_integrations", column: "encrypted_config", aad: (id: string) => `tenant_integrations.config:${id}` },
  { table: "tenant_integrations", column: "encrypted_secret_key", aad: (id: string) => `tenant_integrations.secret_key:${id}` },
  { table: "tenant_integrations", column: "encrypted_webhook_secret", aad: (id: string) => `tenant_integrations.webhook_secret:${id}` },
] as const;

export async function rotateSecrets(prisma: PrismaClient, box: SecretBox): Promise<RotationReport> {
  const report: RotationReport = { scanned: 0, rotated: 0, alreadyCurrent: 0, failed: [] };
  for (const { table, column, aad } of SECRET_COLUMNS) {
    const rows = await prisma.$queryRawUnsafe<{ id: string; value: string }[]>(
      `SELECT id::text AS id, "${column}" AS value FROM "${table}" WHERE "${column}" IS NOT NULL ORDER BY id`,
    );
    for (const row of rows) {
      report.scanned++;
      if (box.isCurrent(row.value)) {
        report.alreadyCurrent++;
        continue;
      }
      try {
        const next = box.reseal(row.value, aad(row.id));
        const n = await prisma.$executeRawUnsafe(
          `UPDATE "${table}" SET "${column}" = $1 WHERE id = $2::uuid AND "${column}" = $3`,
          next, row.id, row.value,
        );
        if (n === 1) report.rotated++;
        else report.failed.push({ table, id: row.id, reason: "changed during rotation; run again" });
      } catch (err) {
        report.failed.push({ table, id: row.id, reason: (err as Error).message });
      }
    }
  }
  return report;
}
