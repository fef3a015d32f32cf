/**
 * Failpoints for crash and retry tests (MONEY.md matrix: W4, W5, E5, J3). `MONEY_FAILPOINTS=name:action,…` is
 * honoured only when NODE_ENV=test (and refused at boot in production, server/env.ts). Actions:
 *   kill  — SIGKILL this process on the spot (a crash between two steps);
 *   throw — fail once with a transient error (the caller's retry must not double anything).
 */
type Action = "kill" | "throw";
const armed = new Map<string, Action>();

export class TransientFailure extends Error {}

export function armFailpoints(spec: string | undefined, nodeEnv: string) {
  armed.clear();
  if (nodeEnv !== "test" || !spec) return;
  for (const part of spec.split(",")) {
    const [name, action] = part.split(":");
    if (name && (action === "kill" || action === "throw")) armed.set(name, action);
  }
}

export function failpoint(name: string) {
  const action = armed.get(name);
  if (!action) return;
  if (action === "kill") process.kill(process.pid, "SIGKILL");
  armed.delete(name);
  throw new TransientFailure(`failpoint ${name}`);
}
