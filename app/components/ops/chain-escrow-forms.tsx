/**
 * The on-chain section's two operator actions (refund a flagged funding, clear the indexer's halt). Each carries a
 * confirm box the server requires (ops.money.chain.server.ts), so a no-JS submit without it changes nothing.
 */
import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { buttonClass, inputClass } from "#app/components/ops/layout.tsx";

export const CHAIN_CONFIRM_FIELD = "confirm";
export const CHAIN_CONFIRM_VALUE = "yes";

export interface ChainReply {
  form: string;
  result: SubmissionResult<string[]>;
  message: string | null;
}

function Errors({ id, errors }: { id: string; errors: string[] | undefined }) {
  return errors?.length ? <p id={id} role="alert" className="text-xs font-medium text-rose-700">{errors[0]}</p> : null;
}

function ChainActionForm({ id, reply, hidden, confirmLabel, submitLabel, rescan }: {
  id: string; reply: ChainReply | undefined; hidden: Record<string, string>; confirmLabel: React.ReactNode; submitLabel: string; rescan?: boolean;
}) {
  const navigation = useNavigation();
  const mine = reply?.form === id ? reply : undefined;
  const [form, fields] = useForm<Record<string, string>>({ id, lastResult: mine?.result, shouldValidate: "onSubmit" });
  const busy = navigation.state !== "idle" && navigation.formData?.get("form") === id;
  const confirm = fields[CHAIN_CONFIRM_FIELD]!;
  const from = fields.rescanFromBlock!;
  return (
    <Form method="post" {...getFormProps(form)} className="space-y-2">
      <CsrfInput />
      <input type="hidden" name="form" value={id} />
      {Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      {rescan ? (
        <div className="max-w-xs">
          <label htmlFor={from.id} className="block text-xs font-medium text-gray-700">Rescan from block <span className="font-normal text-gray-600">(optional)</span></label>
          <input {...getInputProps(from, { type: "text" })} inputMode="numeric" autoComplete="off" placeholder="e.g. 1200" className={`mt-1 ${inputClass}`} />
          <Errors id={from.errorId} errors={from.errors} />
        </div>
      ) : null}
      <label htmlFor={`${id}-confirm`} className="flex items-start gap-2 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900 ring-1 ring-inset ring-amber-200">
        <input id={`${id}-confirm`} type="checkbox" name={CHAIN_CONFIRM_FIELD} value={CHAIN_CONFIRM_VALUE} className="mt-0.5 size-4 shrink-0 rounded border-amber-300" />
        <span>{confirmLabel}</span>
      </label>
      <Errors id={confirm.errorId} errors={confirm.errors} />
      <Errors id={form.errorId} errors={form.errors} />
      <button type="submit" disabled={busy} className={buttonClass.danger}>{busy ? "Sending…" : submitLabel}</button>
    </Form>
  );
}

export function RefundToPayerForm({ eventId, amount, reply }: { eventId: string; amount: string; reply: ChainReply | undefined }) {
  return (
    <ChainActionForm
      id={`chain-refund-${eventId}`}
      reply={reply}
      hidden={{ intent: "chain_refund", eventId }}
      confirmLabel={<><span className="font-semibold">Yes, return {amount} to the payer.</span> The arbiter signs a refund on chain; it cannot be undone.</>}
      submitLabel="Refund to payer"
    />
  );
}

export function ClearHaltForm({ reply }: { reply: ChainReply | undefined }) {
  return (
    <ChainActionForm
      id="chain-clear-halt"
      reply={reply}
      hidden={{ intent: "chain_clear_halt" }}
      rescan
      confirmLabel={<><span className="font-semibold">I checked the chain</span> and the ledger agrees with it (a reorg past the confirmations may have removed counted events).</>}
      submitLabel="Clear halt"
    />
  );
}
