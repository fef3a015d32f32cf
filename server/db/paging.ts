/**
 * Newest-first keyset paging over (createdAt, id) for lists that merchants and operators page through.
 *
 * The cursor (`before`) is the id of the last row shown. Prisma resolves it to that row's own timestamp inside the
 * query, so the comparison happens at the database's microsecond precision. A timestamp cursor would go through a
 * JavaScript Date (milliseconds) and silently skip rows created in the same millisecond as the page's last row.
 */
import { z } from "zod";

/** The `before` query parameter: the id of the last row of the previous page. */
export const beforeCursorSchema = z.uuid();

export const NEWEST_FIRST = [{ createdAt: "desc" }, { id: "desc" }] as const satisfies { createdAt?: "desc"; id?: "desc" }[];

/**
 * `take`/`cursor`/`skip` for one page. `cursor` is the unique key that finds the cursor row; give it the tenant floor
 * where the model has one (e.g. `{ tenantId_id: { tenantId, id } }`), so another tenant's id finds nothing.
 * A cursor that finds no row yields an empty page.
 */
export function pageArgs<C>(limit: number, cursor: C | undefined) {
  return { orderBy: [...NEWEST_FIRST], take: limit + 1, ...(cursor ? { cursor, skip: 1 } : {}) };
}

/** The page and the cursor for the next one (null on the last page). */
export function pageOf<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
}
