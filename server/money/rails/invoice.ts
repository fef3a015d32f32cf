/**
 * The manual-invoice rail (ADR 025): the buyer transfers the money to the shop's own bank account, and a finance or
 * owner member marks the order paid with evidence. The platform never holds the money, so the rail is offered only
 * when the shop has set the bank details to pay into; its instructions carry them with the order's reference.
 */
import { formatAmount } from "#server/catalog/index.ts";
import { referenceFor } from "#server/tenancy/shared.ts";
import type { RailAdapter } from "./types.ts";

export const manualInvoiceRail: RailAdapter = {
  rail: "manual_invoice",
  holdsFunds: false,
  available: (shop) => Boolean(shop?.invoiceInstructions),
  instructions: (o, shop) => {
    const bank = shop?.invoiceInstructions;
    const amount = formatAmount(o.total, o.currency);
    if (!bank) {
      // An order made before the shop removed its details: still tell the buyer how it is settled.
      return { kind: "invoice", text: `Pay ${amount} ${o.currency} by bank transfer as the shop tells you, quoting order ${o.id}. The shop confirms your payment.` };
    }
    const reference = referenceFor(bank.referenceFormat, o.id);
    return {
      kind: "invoice",
      text: `Pay ${amount} ${o.currency} by bank transfer to ${bank.accountHolder}, ${bank.bankName}, account ${bank.accountNumber}, quoting "${reference}". The shop confirms your payment.`,
      invoice: { accountHolder: bank.accountHolder, accountNumber: bank.accountNumber, bankName: bank.bankName, reference, amount: o.total, currency: o.currency, note: bank.note },
    };
  },
};
