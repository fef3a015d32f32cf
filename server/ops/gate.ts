/**
 * Launch-readiness gates (issue 17 point 7, ADR 038): each is a small named check answering pass or fail with one
 * sentence. They run side by side; one that throws fails with what went wrong, so a broken check never reads as a pass.
 */
import type { Env } from "#server/env.ts";

/** One statement's rows: node-postgres in the script, Prisma's raw query in the console. */
export type PreflightQuery = <R = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<R[]>;

export interface PreflightInput {
  /** The environment as parsed; null when it does not parse even outside production rules. */
  env: Env | null;
  /** What the production rules of server/env.ts refused (empty when they accepted it). */
  envProblems: string[];
  /** The app's database as the app connects to it; null when there is no Postgres to ask (the PGlite demo). */
  query: PreflightQuery | null;
  /** A running instance to probe (its /metrics), e.g. http://10.0.0.5:3000; optional. */
  appUrl?: string;
}

export interface GateOutcome {
  ok: boolean;
  reason: string;
}

export interface Gate {
  id: string;
  title: string;
  check(input: PreflightInput): Promise<GateOutcome>;
}

export interface GateResult extends GateOutcome {
  id: string;
  title: string;
}

export const pass = (reason: string): GateOutcome => ({ ok: true, reason });
export const fail = (reason: string): GateOutcome => ({ ok: false, reason });

/** The gate's check with the environment it needs, or a failure saying it could not be read. */
export function withEnv(check: (env: Env, input: PreflightInput) => Promise<GateOutcome>) {
  return (input: PreflightInput) => (input.env ? check(input.env, input) : Promise.resolve(fail("Not checked: the environment does not parse (see the production env gate).")));
}

/** The gate's check with the database, or a failure saying there is none to ask. */
export function withDatabase(check: (query: PreflightQuery, input: PreflightInput) => Promise<GateOutcome>) {
  return (input: PreflightInput) =>
    input.query ? check(input.query, input) : Promise.resolve(fail("Not checked: DATABASE_URL is not a Postgres the check can reach (the PGlite demo database is not for production)."));
}

export async function runGates(gates: readonly Gate[], input: PreflightInput): Promise<GateResult[]> {
  return Promise.all(
    gates.map(async (g) => {
      const outcome = await g.check(input).catch((err: Error) => fail(`The check itself failed: ${err.message}`));
      return { id: g.id, title: g.title, ...outcome };
    }),
  );
}
