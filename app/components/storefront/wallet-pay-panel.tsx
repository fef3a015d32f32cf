/** The on-chain payment of a buyer's order: the exact terms, the "Pay with wallet" flow and its live progress. */
import { useRevalidator } from "@remix-run/react";
import type { BuyerOrderPage } from "#app/routes/orders.$token.server.ts";
import { useVisibleInterval } from "#app/components/ui/use-visible-interval.ts";
import { primaryButton, secondaryButton } from "./styles.ts";
import { tokenAmountLabel } from "./token-amount.ts";
import { useWalletPay, type WalletRun } from "./use-wallet-pay.ts";
import { WalletTerms } from "./wallet-terms.tsx";

type Payment = NonNullable<BuyerOrderPage["payment"]>;
const CONFIRMATIONS_POLL_MS = 1_500;

const STEP_TEXT: Record<string, (p: Payment, amount: string) => string> = {
  connect: () => "Confirm the connection in your wallet…",
  "switch-chain": (p) => `Confirm the switch to chain ${p.chainId} in your wallet…`,
  approve: (p, amount) => `Allow the payment contract to take ${amount}: confirm in your wallet…`,
  "approve-sent": () => "Allowance sent. Waiting for the network to include it…",
  pay: (p, amount) => `Confirm the payment of ${amount} in your wallet…`,
};

/** What to show: the local run in this tab, overtaken by what the server has seen on chain. */
function progressOf(status: string, payment: Payment, run: WalletRun) {
  if (status === "escrow_funded" || status === "paid") return { state: "funded", txHash: payment.txHash } as const;
  const txHash = payment.txHash ?? (run.phase === "sent" ? run.txHash : null);
  if (txHash) return { state: payment.txHash ? "confirming" : "sent", txHash } as const;
  if (run.phase === "busy") return { state: run.step.step, txHash: "txHash" in run.step ? run.step.txHash : null } as const;
  if (run.phase === "failed") return { state: run.reason === "rejected" ? "rejected" : "error", txHash: null } as const;
  return { state: "idle", txHash: null } as const;
}

interface Props { status: string; payment: Payment; addChain: BuyerOrderPage["addChain"]; payBy: string | null }

export function WalletPayPanel({ status, payment, addChain, payBy }: Props) {
  const { provider, run, pay } = useWalletPay(payment, addChain);
  const amount = tokenAmountLabel(payment.amountBaseUnits, payment.tokenDecimals, payment.tokenSymbol);
  const progress = progressOf(status, payment, run);
  const waiting = progress.state === "sent" || progress.state === "confirming";
  const revalidator = useRevalidator();
  // While the payment is on its way, follow its confirmations faster than the page's usual refresh.
  useVisibleInterval(() => {
    if (revalidator.state === "idle") revalidator.revalidate();
  }, CONFIRMATIONS_POLL_MS, waiting);
  const canStart = progress.state === "idle" || progress.state === "rejected" || progress.state === "error";
  const { seen, required } = payment.confirmations;
  return (
    <section data-testid="wallet-pay" data-state={progress.state} aria-labelledby="wallet-heading" className="mt-8 min-w-0 rounded-3xl bg-gray-50 p-5 ring-1 ring-gray-200 sm:p-6">
      <h2 id="wallet-heading" className="text-lg font-bold text-gray-900">{progress.state === "funded" ? "Paid on chain" : "Pay with your wallet"}</h2>
      {progress.state === "funded" ? null : (
        <p className="mt-2 text-gray-700">
          Pay exactly <strong className="font-mono">{amount}</strong> on chain {payment.chainId}.{" "}
          {payment.rail === "escrow" ? "The escrow contract holds it until you confirm delivery." : "It goes straight to the shop."}
          {payBy && status === "pending_payment" ? ` Pay by ${payBy}.` : ""}
        </p>
      )}
      <div aria-live="polite" className="mt-4 space-y-2">
        <p data-testid="wallet-status" data-state={progress.state} className={statusClass(progress.state)}>
          {statusText(progress.state, payment, amount, run)}
        </p>
        {waiting || progress.state === "funded" ? (
          <p className="text-sm text-gray-700">
            Confirmations:{" "}
            <span data-testid="wallet-confirmations" data-seen={seen} data-required={required} className="font-mono font-semibold text-gray-900">
              {progress.state === "funded" ? required : seen}/{required}
            </span>
          </p>
        ) : null}
        {progress.txHash ? (
          <p className="text-sm text-gray-700">
            Transaction: <code data-testid="wallet-tx" className="font-mono text-xs break-all text-gray-900 select-all">{progress.txHash}</code>
          </p>
        ) : null}
      </div>
      {provider && canStart ? (
        <button type="button" data-testid="wallet-pay-button" onClick={pay} className={`${progress.state === "idle" ? primaryButton : secondaryButton} mt-4 w-full sm:w-auto`}>
          {progress.state === "idle" ? `Pay with wallet · ${amount}` : "Try again"}
        </button>
      ) : null}
      {provider === null && progress.state === "idle" ? (
        <div data-testid="no-wallet" className="mt-4 rounded-2xl bg-white p-4 text-gray-800 ring-1 ring-gray-200">
          <p className="font-semibold text-gray-900">No wallet found in this browser.</p>
          <p className="mt-1">
            Install a wallet such as MetaMask, or open this page in your wallet app’s browser. Or pay from any wallet by hand: send exactly {amount} by calling{" "}
            <code className="font-mono text-sm break-all">{payment.rail === "direct" ? "payDirect" : "fund"}(orderRef, merchant, amount)</code> on the contract below, after approving that amount of {payment.tokenSymbol} for it.
          </p>
        </div>
      ) : null}
      {progress.state === "funded" ? null : <WalletTerms payment={payment} amount={amount} />}
    </section>
  );
}

function statusClass(state: string) {
  if (state === "rejected" || state === "error") return "rounded-2xl bg-red-50 px-4 py-3 font-medium text-red-900 ring-1 ring-red-200";
  if (state === "funded") return "rounded-2xl bg-emerald-50 px-4 py-3 font-medium text-emerald-900 ring-1 ring-emerald-200";
  return "font-medium text-gray-900";
}

function statusText(state: string, payment: Payment, amount: string, run: WalletRun) {
  if (state === "funded") return payment.rail === "escrow" ? "Payment confirmed: the escrow contract holds it." : "Payment confirmed: the shop has it.";
  if (state === "sent") return "Payment sent. Waiting for the network to include it…";
  if (state === "confirming") return "Payment seen on chain. Waiting for confirmations…";
  if (state === "rejected") return "You cancelled in your wallet. Nothing was paid — try again when you are ready.";
  if (state === "error") return run.phase === "failed" ? run.message : "The wallet could not pay.";
  if (state === "idle") return "Not paid yet.";
  return STEP_TEXT[state]?.(payment, amount) ?? "Working…";
}
