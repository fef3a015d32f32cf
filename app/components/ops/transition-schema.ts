/**
 * The operator's status-change form, shared by the browser (instant validation) and the action. The rules
 * mirror server/tenancy/lifecycle.ts (reason 3–500 characters; which status each transition starts from); the
 * service remains the authority and answers CONFLICT when the status changed in the meantime.
 */
import { z } from "zod";

export const TRANSITIONS = ["activate", "suspend", "close"] as const;
export type TransitionIntent = (typeof TRANSITIONS)[number];

export const TRANSITION_FROM: Record<TransitionIntent, readonly string[]> = {
  activate: ["pending", "suspended"],
  suspend: ["pending", "active"],
  close: ["pending", "active", "suspended"],
};

const reason = z
  .string({ error: "Give a reason; it is recorded in the audit log." })
  .trim()
  .min(3, "Give a reason of at least 3 characters.")
  .max(500, "Keep the reason under 500 characters.");

export const transitionFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("activate"), reason }),
  z.object({ intent: z.literal("suspend"), reason }),
  z.object({
    intent: z.literal("close"),
    reason,
    confirm: z.literal(true, { error: "Tick the box to confirm that closing is intended." }),
  }),
]);

export function allowedTransitions(status: string): TransitionIntent[] {
  return TRANSITIONS.filter((t) => TRANSITION_FROM[t].includes(status));
}
