/**
 * The launch-readiness preflight (issue 17 point 7, ADR 038): the gates in order, run together. A new gate is a new
 * entry in GATES; `npm run ops:preflight` and the console page /ops/preflight both show every one.
 */
import { parseEnv, type Env } from "#server/env.ts";
import { runGates, type Gate, type GateResult, type PreflightInput } from "./gate.ts";
import { noSandboxGate, productionEnvGate } from "./gates/env.ts";
import { secretsGate } from "./gates/secrets.ts";
import { backupsGate, databaseRoleGate } from "./gates/database.ts";
import { caddyGate } from "./gates/caddy.ts";
import { killSwitchGate } from "./gates/kill-switch.ts";
import { metricsGate } from "./gates/metrics.ts";

export const GATES: readonly Gate[] = [productionEnvGate, secretsGate, databaseRoleGate, caddyGate, backupsGate, killSwitchGate, metricsGate, noSandboxGate];

export interface PreflightReport {
  ok: boolean;
  gates: GateResult[];
  failed: string[];
}

export async function runPreflight(input: PreflightInput, gates: readonly Gate[] = GATES): Promise<PreflightReport> {
  const results = await runGates(gates, input);
  const failed = results.filter((r) => !r.ok).map((r) => r.id);
  return { ok: failed.length === 0, gates: results, failed };
}

/**
 * An environment source as the gates see it: parsed under the production rules, and when those refuse it, parsed
 * again without them so the other gates still look at what is there (their own findings then say more).
 */
export function preflightEnv(source: Record<string, string | undefined>): { env: Env | null; envProblems: string[] } {
  try {
    return { env: parseEnv(source), envProblems: [] };
  } catch (err) {
    const envProblems = (err as Error).message.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4));
    try {
      return { env: parseEnv({ ...source, NODE_ENV: "development" }), envProblems };
    } catch {
      return { env: null, envProblems };
    }
  }
}

/** The report as text, one gate a line, ending with the failing gates named. */
export function formatPreflight(report: PreflightReport): string {
  const lines = report.gates.map((g) => `${g.ok ? "PASS" : "FAIL"}  ${g.id.padEnd(14)} ${g.title}: ${g.reason}`);
  lines.push(report.ok ? `Preflight passed: all ${report.gates.length} gates.` : `Preflight FAILED: ${report.failed.length} of ${report.gates.length} gates: ${report.failed.join(", ")}.`);
  return lines.join("\n");
}
