import { useCallback, useEffect, useState } from "react";
import { payWithWallet, WalletError, type AddChain, type Eip1193Provider, type WalletFailure, type WalletPayment, type WalletStep } from "./wallet-pay.ts";

export type WalletRun =
  | { phase: "idle" }
  | { phase: "busy"; step: WalletStep }
  | { phase: "failed"; reason: WalletFailure; message: string }
  | { phase: "sent"; txHash: string };

/** The injected wallet, looked up after hydration (the server has no window): undefined until then, null if none. */
function useInjectedWallet() {
  const [provider, setProvider] = useState<Eip1193Provider | null | undefined>(undefined);
  useEffect(() => {
    setProvider((window as { ethereum?: Eip1193Provider }).ethereum ?? null);
  }, []);
  return provider;
}

/**
 * The buyer's run through the wallet flow in this tab; `pay` starts (or retries) it. A sent payment is remembered for
 * the tab's session, so a reload before the indexer sees it shows "sent" instead of offering to pay twice.
 */
export function useWalletPay(payment: WalletPayment, addChain: AddChain | null) {
  const provider = useInjectedWallet();
  const [run, setRun] = useState<WalletRun>({ phase: "idle" });
  const key = `wallet-tx:${payment.orderRef}`;
  useEffect(() => {
    const txHash = sessionStorage.getItem(key);
    if (txHash) setRun({ phase: "sent", txHash });
  }, [key]);
  const pay = useCallback(() => {
    if (!provider) return;
    setRun({ phase: "busy", step: { step: "connect" } });
    payWithWallet(provider, payment, { addChain, onStep: (step) => setRun(step.step === "sent" ? { phase: "sent", txHash: step.txHash } : { phase: "busy", step }) }).then(
      (txHash) => {
        sessionStorage.setItem(key, txHash);
        setRun({ phase: "sent", txHash });
      },
      (err: unknown) => {
        const e = err instanceof WalletError ? err : new WalletError("failed", String(err));
        setRun({ phase: "failed", reason: e.reason, message: e.message });
      },
    );
  }, [provider, payment, addChain, key]);
  return { provider, run, pay };
}
