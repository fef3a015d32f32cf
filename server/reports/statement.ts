/**
 * CSV exports of the Payouts page (ADR 031): one row per ledger movement, and the monthly statement (each account's
 * opening balance, the month's movements with the running balance, the closing balance), months in the shop's zone.
 */
import type { SqlQuery } from "#server/db/index.ts";
import { fromUnits, toUnits } from "#server/money/index.ts";
import { allMovements, balancesBefore, localMidnight, type Movement, type MovementRange } from "./payouts.ts";

/** A CSV field: quoted when needed, and never read as a formula by a spreadsheet (a leading =, +, -, @ is escaped). */
export function csvField(value: string | number | null): string {
  let s = value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const line = (fields: (string | number | null)[]) => `${fields.map(csvField).join(",")}\r\n`;

export const MOVEMENT_HEADER = ["time_utc", "account", "kind", "order_id", "memo", "amount", "currency"];
const movementFields = (m: Movement) => [m.at, m.account, m.kind, m.orderId, m.memo, m.amount, m.currency];

/** A CSV produced a batch of movements at a time. */
function csvStream(lines: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}

/** One row per movement in the range. */
export function movementsCsv(query: SqlQuery, tenantId: string, range: MovementRange) {
  return csvStream((async function* () {
    yield line(MOVEMENT_HEADER);
    for await (const m of allMovements(query, tenantId, range)) yield line(movementFields(m));
  })());
}

/** The month [first local midnight, next month's) in the shop's zone. */
export async function monthRange(query: SqlQuery, month: string, timeZone: string): Promise<MovementRange> {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  const [from, to] = await Promise.all([localMidnight(query, `${month}-01`, timeZone), localMidnight(query, `${next}-01`, timeZone)]);
  return { from, to };
}

/** The monthly statement: per account an opening row, its movements with the running balance, a closing row. */
export function statementCsv(query: SqlQuery, tenantId: string, range: MovementRange) {
  return csvStream((async function* () {
    yield line(["row", ...MOVEMENT_HEADER, "balance"]);
    const opening = await balancesBefore(query, tenantId, range.from);
    const running = new Map(opening.map((o) => [`${o.account}:${o.currency}`, toUnits(o.balance)]));
    for (const o of opening) yield line(["opening", range.from.toISOString(), o.account, null, null, null, null, o.currency, o.balance]);
    for await (const m of allMovements(query, tenantId, range)) {
      const key = `${m.account}:${m.currency}`;
      const balance = (running.get(key) ?? 0n) + toUnits(m.amount);
      running.set(key, balance);
      yield line(["movement", ...movementFields(m), fromUnits(balance)]);
    }
    for (const o of opening) yield line(["closing", range.to.toISOString(), o.account, null, null, null, null, o.currency, fromUnits(running.get(`${o.account}:${o.currency}`) ?? 0n)]);
  })());
}
