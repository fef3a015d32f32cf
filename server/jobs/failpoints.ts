/**
 * Failpoints for crash and retry tests (docs/money.md matrix: W4, W5, E5, J3; every job kind's crash test,
 * tests/fault-worker-kill.test.ts). `MONEY_FAILPOINTS=name:action,…` (the name is historical: bots and domains have
 * failpoints too) is honoured only when NODE_ENV=test (and refused at boot in production, server/env.ts). Actions:
 *   kill  — SIGKILL this process on the spot (a crash between two steps);
 *   throw — fail once with a transient error (the caller's retry must not double anything);
 *   fail  — fail every time (an outside system that is down);
 *   retry-after-<ms> — fail every time asking not to be retried sooner (an RPC/PSP 429 with Retry-After).
 */
import { RetryAfterError } from "./worker.ts";

type Action = string;
const armed = new Map<string, Action>();

export class TransientFailure extends Error {}

export function armFailpoints(spec: string | undefined, nodeEnv: string) {
  armed.clear();
  if (nodeEnv !== "test" || !spec) return;
  for (const part of spec.split(",")) {
    const [name, action] = part.split(":");
    if (name && action && /^(kill|throw|fail|retry-after-\d+)$/.test(action)) armed.set(name, action);
  }
}

export function failpoint(name: string) {
  const action = armed.get(name);
  if (!action) return;
  if (action === "kill") process.kill(process.pid, "SIGKILL");
  if (action.startsWith("retry-after-")) throw new RetryAfterError(`failpoint ${name}: rate limited`, Number(action.slice("retry-after-".length)));
  if (action === "throw") armed.delete(name);
  throw new TransientFailure(`failpoint ${name}`);
}
