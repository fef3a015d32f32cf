/** The payments page's payout address: where the on-chain rails pay the shop, and whether they are offered now. */
import type { SerializeFrom } from "@remix-run/node";
import type { loadPaymentsPage } from "#app/routes/dashboard.$tenantId.payments.server.ts";
import { TextField } from "#app/components/ui/field.tsx";
import { Card } from "#app/components/ui/page.tsx";

type Page = SerializeFrom<typeof loadPaymentsPage>;

/** Whether checkout offers the on-chain rails to this shop, and what is missing if not (server/money/rails/chain.ts). */
function chainState(page: Pick<Page, "chain" | "currency" | "policy">) {
  const { chain, currency, policy } = page;
  if (!chain) return { state: "off", text: "This platform has no on-chain rails, so the payout address is not used yet." } as const;
  if (currency !== chain.tokenSymbol) {
    return { state: "currency", text: `Not offered: your shop's currency is ${currency}, and the on-chain rails take ${chain.tokenSymbol} only.` } as const;
  }
  if (!policy.payoutAddress) return { state: "no-address", text: "Not offered yet: set a payout address to offer them." } as const;
  return { state: "on", text: `Offered: buyers can pay in ${chain.tokenSymbol} from their wallets on the Escrow and Direct rails you allow.` } as const;
}

export function PayoutAddressCard({ page, meta }: { page: Page; meta: Parameters<typeof TextField>[0]["meta"] }) {
  const { chain } = page;
  const state = chainState(page);
  return (
    <Card title="Payout address" description="Where on-chain payments reach you: escrow releases and direct payments.">
      <div className="min-w-0 space-y-4">
        <TextField
          meta={meta}
          label="Wallet address"
          placeholder="0x…"
          autoComplete="off"
          spellCheck={false}
          className="max-w-xl"
          help="A 0x address of 40 hex characters. Paste it from your wallet: mixed-case addresses are checked against their EIP-55 checksum. Leave empty to remove it."
        />
        {chain ? (
          <div className="rounded-lg bg-gray-50 px-4 py-3 text-sm text-gray-700">
            <p>
              The on-chain rails take <strong>{chain.tokenSymbol}</strong> on chain <strong>{chain.chainId}</strong>, through the escrow contract{" "}
              <code className="font-mono text-xs break-all text-gray-900">{chain.contract}</code>.
            </p>
            <p className="mt-1">They are offered only when your shop’s currency is {chain.tokenSymbol} and a payout address is set.</p>
          </div>
        ) : null}
        <p data-testid="payout-state" data-state={state.state} className={`text-sm font-medium ${state.state === "on" ? "text-emerald-800" : "text-gray-700"}`}>
          {state.text}
        </p>
      </div>
    </Card>
  );
}
