import { decodeKey, type Env } from "#server/env.ts";
import { SecretBox, SecretBoxError } from "./secret-box.ts";

/** The secret box from SECRET_BOX_KEY (current) and SECRET_BOX_OLD_KEYS (still readable during a rotation). */
export function secretBoxFromEnv(env: Pick<Env, "SECRET_BOX_KEY" | "SECRET_BOX_OLD_KEYS">) {
  if (!env.SECRET_BOX_KEY) throw new SecretBoxError("SECRET_BOX_KEY is not set");
  const current = decodeKey(env.SECRET_BOX_KEY)!;
  const old = env.SECRET_BOX_OLD_KEYS.map((k) => decodeKey(k)!);
  return new SecretBox(current, old);
}
