const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Signed out of 2 other sessions and revoked 1 API token." after sign-out-everywhere or a password change. */
export function revokedSummary(ended: { sessions: number; tokens: number }) {
  const tokens = ended.tokens ? ` and revoked ${plural(ended.tokens, "API token", "API tokens")}` : "";
  return `Signed out of ${plural(ended.sessions, "other session", "other sessions")}${tokens}.`;
}
