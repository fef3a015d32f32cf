/** The exact terms of an on-chain payment, each value whole and copyable (long hex wraps instead of overflowing). */
import type { BuyerOrderPage } from "#app/routes/orders.$token.server.ts";
import { CopyButton } from "#app/components/ui/copy-button.tsx";
import { tokenAmount } from "./token-amount.ts";

type Payment = NonNullable<BuyerOrderPage["payment"]>;

function Term({ label, value, testId, copy = true }: { label: string; value: string; testId?: string; copy?: boolean }) {
  // Hex has no word breaks: it wraps anywhere; words (the function signature) wrap between words.
  const wrap = copy ? "break-all select-all" : "break-words";
  return (
    <div className="py-2.5 sm:grid sm:grid-cols-[10rem_1fr] sm:gap-3">
      <dt className="text-sm font-medium text-gray-600">{label}</dt>
      <dd className="mt-1 flex min-w-0 items-start gap-2 sm:mt-0">
        <code data-testid={testId} className={`min-w-0 flex-1 font-mono text-sm text-gray-900 ${wrap}`}>{value}</code>
        {copy ? <CopyButton value={value} /> : null}
      </dd>
    </div>
  );
}

export function WalletTerms({ payment, amount }: { payment: Payment; amount: string }) {
  const fn = payment.rail === "direct" ? "payDirect" : "fund";
  return (
    <div className="mt-5 border-t border-gray-200 pt-3">
      <h3 className="text-sm font-semibold text-gray-900">Payment details</h3>
      <dl className="mt-1 divide-y divide-gray-200">
        <Term label="Amount" value={tokenAmount(payment.amountBaseUnits, payment.tokenDecimals)} testId="wallet-amount" />
        <Term label={`In base units (${payment.tokenDecimals} decimals)`} value={payment.amountBaseUnits} />
        <Term label="Contract" value={payment.contract} testId="wallet-contract" />
        <Term label="Order reference" value={payment.orderRef} testId="wallet-order-ref" />
        <Term label="Merchant" value={payment.merchant} />
        <Term label={`Token (${payment.tokenSymbol})`} value={payment.token} />
        <Term label="Function" value={`${fn}(bytes32 orderRef, address merchant, uint256 amount)`} copy={false} />
        <Term label="Chain ID" value={String(payment.chainId)} copy={false} />
      </dl>
      <p className="mt-2 text-xs text-gray-600">Send {amount} exactly: a different amount, reference or merchant is not matched to this order.</p>
    </div>
  );
}
