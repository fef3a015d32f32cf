/**
 * Postgres errors (as the Prisma driver adapter or node-postgres reports them) mapped to the API's typed errors,
 * including the ones our money functions raise on purpose (migration 20261123070000_money_hot_path).
 */
import { ApiError } from "#server/http/index.ts";

type AdapterCause = { originalCode?: string; originalMessage?: string; detail?: string };

export function pgErrorOf(err: unknown): { code: string; message: string; detail?: string } | null {
  // A failed query arrives wrapped in Prisma's error (meta.driverAdapterError); a failed COMMIT (deferred triggers
  // run there) as the adapter's own DriverAdapterError with the Postgres error as its cause.
  const e0 = err as { meta?: { driverAdapterError?: { cause?: AdapterCause } }; name?: string; cause?: AdapterCause };
  const cause = e0?.meta?.driverAdapterError?.cause ?? (e0?.name === "DriverAdapterError" ? e0.cause : undefined);
  if (cause?.originalCode) return { code: cause.originalCode, message: cause.originalMessage ?? "", detail: cause.detail };
  const e = err as { code?: string; message?: string; detail?: string };
  if (typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return { code: e.code, message: e.message ?? "", detail: e.detail };
  return null;
}

export const isUniqueViolation = (err: unknown, constraint?: string) => {
  if ((err as { code?: string })?.code === "P2002") return true;
  const pg = pgErrorOf(err);
  return pg?.code === "23505" && (!constraint || pg.message.includes(constraint));
};

/** Deadlocks and serialization failures: the whole transaction may be retried as is. */
export const isRetryable = (err: unknown) => ["40P01", "40001"].includes(pgErrorOf(err)?.code ?? "");

/** `money_assert_allowed` refused: which switch is on. */
export function killSwitchScope(err: unknown): "global" | "tenant" | null {
  const pg = pgErrorOf(err);
  if (pg?.code !== "SFKIL") return null;
  return /tenant/.test(pg.detail ?? pg.message) ? "tenant" : "global";
}

/** Constraint violations and refusals the database raises on our behalf become 409s; anything else stays unexpected. */
export function mapDbError(err: unknown): unknown {
  const pg = pgErrorOf(err);
  if (!pg) return err;
  if (pg.code === "SFOOS") {
    const d = JSON.parse(pg.detail ?? "{}") as { itemId?: string; title?: string; available?: number };
    return new ApiError(409, "OUT_OF_STOCK", `Not enough “${d.title ?? "of an item"}” in stock.`, { itemId: d.itemId, available: d.available ?? 0 });
  }
  if (pg.code === "SFCAS") {
    if (!pg.detail) return new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
    return new ApiError(409, "CONFLICT", `The order is ${pg.detail}; it can no longer change this way.`, { status: pg.detail });
  }
  if (pg.message.includes("ledger_accounts_balance_ck")) return new ApiError(409, "INSUFFICIENT_FUNDS", "The account does not hold enough for this posting.");
  if (pg.message.includes("illegal order transition")) return new ApiError(409, "CONFLICT", "The order is not in a state that allows this.");
  if (pg.message.includes("escrow") && pg.code === "23514") return new ApiError(409, "CONFLICT", "The escrow is already settled.");
  return err;
}
