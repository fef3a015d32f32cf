/**
 * Secrets strong and distinct: each production secret present, not a placeholder, with enough entropy in how it is
 * written, and no two of them (current or old) the same value, so one leak never opens two doors.
 */
import { decodeKey, type Env } from "#server/env.ts";
import { fail, pass, withEnv, type Gate } from "../gate.ts";

/** Estimated bits (Shannon entropy of its characters × length): low for repeats and short words, not a proof of randomness. */
export function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / value.length) * Math.log2(n / value.length);
  return perChar * value.length;
}

// 24 random hex characters (96 real bits) estimate at about 80: the floor catches repeats and words, not every weak key.
const MIN_BITS = 72;
const PLACEHOLDER = /dev-only|change-?me|example|password|placeholder|never-use|not-a-secret|secret-?key/i;

function named(env: Env): Array<{ name: string; value: string | undefined; required: boolean; key?: boolean }> {
  return [
    { name: "SECRET_BOX_KEY", value: env.SECRET_BOX_KEY, required: true, key: true },
    { name: "MONEY_SECRET", value: env.MONEY_SECRET, required: true },
    { name: "METRICS_TOKEN", value: env.METRICS_TOKEN, required: true },
    { name: "FLASH_SECRET", value: env.FLASH_SECRET, required: false },
    { name: "ARBITER_PRIVATE_KEY", value: env.ARBITER_PRIVATE_KEY, required: false },
    ...env.SECRET_BOX_OLD_KEYS.map((value, i) => ({ name: `SECRET_BOX_OLD_KEYS[${i}]`, value, required: false, key: true })),
    ...env.MONEY_SECRET_OLD.map((value, i) => ({ name: `MONEY_SECRET_OLD[${i}]`, value, required: false })),
  ];
}

export const secretsGate: Gate = {
  id: "secrets",
  title: "Secrets strong and distinct",
  check: withEnv(async (env) => {
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const s of named(env)) {
      if (!s.value) {
        if (s.required) problems.push(`${s.name} is missing`);
        continue;
      }
      if (PLACEHOLDER.test(s.value)) problems.push(`${s.name} is a placeholder or development value`);
      else if (estimatedBits(s.value) < MIN_BITS) problems.push(`${s.name} looks weak (about ${Math.round(estimatedBits(s.value))} bits; want ${MIN_BITS}+ from a random generator)`);
      // A key written in hex and the same key in base64 are one secret.
      const canonical = s.key ? (decodeKey(s.value)?.toString("hex") ?? s.value) : s.value;
      const twin = seen.get(canonical);
      if (twin) problems.push(`${s.name} has the same value as ${twin}`);
      else seen.set(canonical, s.name);
    }
    return problems.length ? fail(`${problems.join("; ")}.`) : pass(`${seen.size} secrets are set, none a placeholder or weak, and no two alike.`);
  }),
};
