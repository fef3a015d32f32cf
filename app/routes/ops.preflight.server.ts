/**
 * The console's launch-readiness page (ADR 038): the same gates as `npm run ops:preflight`, for this instance's
 * environment (already validated at boot) and its database.
 */
import type { PrismaClient } from "@prisma/client";
import { getEnv } from "#server/env.ts";
import { runPreflight, type PreflightQuery } from "#server/ops/index.ts";

export async function loadPreflight(prisma: PrismaClient) {
  const query: PreflightQuery = (text, values = []) => prisma.$queryRawUnsafe(text, ...values);
  const report = await runPreflight({ env: getEnv(), envProblems: [], query });
  return { ...report, checkedAt: new Date().toISOString() };
}
