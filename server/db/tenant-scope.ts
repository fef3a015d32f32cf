/**
 * The tenant floor as a type (STYLE rule 7, ADR 015). A `TenantScope` is what a tenant-owned query needs; `inTenant`
 * puts it into a `where` (or `data`), so the floor is written once and tests/tenant-scope.test.ts can see it.
 */

/** The tenant a query is confined to. */
export interface TenantScope {
  readonly tenantId: string;
}

/** `where` (or `data`) with the tenant floor: `{ ...where, tenantId }`. The scope wins over any tenantId in `where`. */
export function inTenant<W extends object>(scope: TenantScope, where: W): W & { tenantId: string } {
  return { ...where, tenantId: scope.tenantId };
}

interface UpdateManyDelegate<A> {
  updateMany(args: A): PromiseLike<{ count: number }>;
}

/**
 * `updateMany` with the floor in its WHERE. Returns how many rows changed; with `orElse`, throws its error when none
 * did (another tenant's id, or a row that moved meanwhile).
 */
export async function updateInTenant<A extends { where?: object; data: unknown }>(
  scope: TenantScope,
  delegate: UpdateManyDelegate<A>,
  args: NoInfer<A>,
  orElse?: () => Error,
): Promise<number> {
  const { count } = await delegate.updateMany({ ...args, where: inTenant(scope, args.where ?? {}) });
  if (count === 0 && orElse) throw orElse();
  return count;
}
