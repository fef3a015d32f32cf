/**
 * The money kill switch is ON at first deploy: money moves only after an operator has turned the global switch off
 * with a reason (the audit log keeps who and why). A fresh database has it off with no such record, so this fails
 * until an operator engages it (and passes again once they release it, saying why).
 */
import { fail, pass, withDatabase, type Gate } from "../gate.ts";

export const killSwitchGate: Gate = {
  id: "kill-switch",
  title: "Money kill switch ON until an operator turns it off with a reason",
  check: withDatabase(async (query) => {
    const [global] = await query<{ engaged: boolean; reason: string | null }>(`SELECT engaged, reason FROM kill_switches WHERE tenant_id IS NULL`);
    if (global?.engaged) return pass(`The global money kill switch is ON ("${global.reason ?? "no reason given"}"): no money moves until an operator turns it off with a reason.`);
    // The newest release decides: it must be an operator's, with a reason.
    const [off] = await query<{ reason: string | null; at: Date; kind: string; actor: string | null }>(
      `SELECT a.reason, a.created_at AS at, a.actor_kind AS kind, u.email::text AS actor
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
        WHERE a.action = 'money.kill_switch_off' AND a.target = 'kill_switch:global'
        ORDER BY a.created_at DESC LIMIT 1`);
    if (off && off.kind === "operator" && off.reason?.trim()) {
      return pass(`An operator${off.actor ? ` (${off.actor})` : ""} turned the global kill switch off at ${off.at.toISOString()}: "${off.reason}".`);
    }
    if (off) return fail(`The global money kill switch is OFF, last turned off by a ${off.kind} actor rather than an operator with a reason: turn it ON, then off from the console with a reason.`);
    return fail("The global money kill switch is OFF and no operator has turned it off with a reason: turn it ON for the first deploy (operator console, Money).");
  }),
};
