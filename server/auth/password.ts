/**
 * Password hashing with scrypt (memory-hard, in node:crypto). Stored as `scrypt$N$r$p$salt$hash`, so the cost can
 * be raised later without breaking existing hashes. Every hash goes through one per-process HashLimiter.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { HashLimiter } from "./hash-limiter.ts";

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

let limiter: HashLimiter | undefined;
/**
 * The process's hash limiter; server/services.ts sets its limits from the environment at boot. Created on first
 * use: auth and #server/http import each other, so nothing here may need HashLimiter while modules load.
 */
export function hashLimiter() {
  return (limiter ??= new HashLimiter({ concurrency: 2, maxQueue: 64 }));
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions) {
  return hashLimiter().run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCb(password.normalize("NFKC"), salt, keylen, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split("$");
  if (alg !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(key, expected);
}

// Verified against when the email is unknown, so a miss costs as long as a wrong password (no user enumeration).
let dummy: Promise<string> | undefined;
export function dummyHash() {
  dummy ??= hashPassword(randomBytes(16).toString("hex"));
  return dummy;
}
