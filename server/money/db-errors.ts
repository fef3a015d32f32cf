/** Postgres errors as the Prisma driver adapter reports them, mapped to the API's typed errors. */
import { ApiError } from "#server/http/errors.ts";

export function pgErrorOf(err: unknown): { code: string; message: string } | null {
  const cause = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; originalMessage?: string } } } })?.meta?.driverAdapterError?.cause;
  if (cause?.originalCode) return { code: cause.originalCode, message: cause.originalMessage ?? "" };
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return { code: e.code, message: e.message ?? "" };
  return null;
}

export const isUniqueViolation = (err: unknown, constraint?: string) => {
  if ((err as { code?: string })?.code === "P2002") return true;
  const pg = pgErrorOf(err);
  return pg?.code === "23505" && (!constraint || pg.message.includes(constraint));
};

/** Deadlocks and serialization failures: the whole transaction may be retried as is. */
export const isRetryable = (err: unknown) => ["40P01", "40001"].includes(pgErrorOf(err)?.code ?? "");

/** Constraint violations the database raises on our behalf become 409s; anything else stays unexpected. */
export function mapDbError(err: unknown): unknown {
  const pg = pgErrorOf(err);
  if (!pg) return err;
  if (pg.message.includes("ledger_accounts_balance_ck")) return new ApiError(409, "INSUFFICIENT_FUNDS", "The account does not hold enough for this posting.");
  if (pg.message.includes("illegal order transition")) return new ApiError(409, "CONFLICT", "The order is not in a state that allows this.");
  if (pg.message.includes("escrow") && pg.code === "23514") return new ApiError(409, "CONFLICT", "The escrow is already settled.");
  return err;
}
