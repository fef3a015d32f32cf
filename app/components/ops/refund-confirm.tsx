/**
 * The confirm step before a dispute is refunded: a box the operator must tick. The server refuses a refund without
 * it (ops.disputes.server.ts), so it holds without JavaScript too.
 */
export const CONFIRM_REFUND_FIELD = "confirmRefund";
export const CONFIRM_REFUND_VALUE = "yes";

export function RefundConfirm({ id, amount }: { id: string; amount: React.ReactNode }) {
  return (
    <label htmlFor={id} className="flex w-full items-start gap-2 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-inset ring-amber-200">
      <input id={id} type="checkbox" name={CONFIRM_REFUND_FIELD} value={CONFIRM_REFUND_VALUE} className="mt-0.5 size-4 shrink-0 rounded border-amber-300" />
      <span>
        <span className="font-semibold">Yes, refund the buyer</span> {amount}. Needed for “Refund buyer”; a refund cannot be undone.
      </span>
    </label>
  );
}
