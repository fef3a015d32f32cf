/**
 * A small DKIM verifier for tests (RFC 6376, rsa-sha256 with relaxed/relaxed or simple body): it recomputes the
 * body hash and checks the signature over the canonicalised signed headers with the published public key.
 */
import { createHash, createPublicKey, verify } from "node:crypto";

function tagsOf(value: string) {
  const out = new Map<string, string>();
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).replace(/\s+/g, ""));
  }
  return out;
}

const relaxedHeader = (raw: string) => {
  const colon = raw.indexOf(":");
  const name = raw.slice(0, colon).trim().toLowerCase();
  const value = raw.slice(colon + 1).replace(/\r\n/g, "").replace(/[ \t]+/g, " ").trim();
  return `${name}:${value}`;
};

function relaxedBody(body: string) {
  const lines = body.split("\r\n").map((l) => l.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines.length ? `${lines.join("\r\n")}\r\n` : "";
}

export function verifyDkim(raw: Buffer, publicKeyBase64: string) {
  const text = raw.toString("latin1");
  const split = text.indexOf("\r\n\r\n");
  const headerText = text.slice(0, split);
  const body = text.slice(split + 4);
  const headers: string[] = [];
  for (const line of headerText.split("\r\n")) {
    if (/^[ \t]/.test(line) && headers.length) headers[headers.length - 1] += `\r\n${line}`;
    else headers.push(line);
  }
  const sigRaw = headers.find((h) => /^dkim-signature:/i.test(h));
  if (!sigRaw) return { ok: false, reason: "no DKIM-Signature header" };
  const tags = tagsOf(sigRaw.slice(sigRaw.indexOf(":") + 1));
  const bodyHash = createHash("sha256").update(relaxedBody(body), "latin1").digest("base64");
  if (bodyHash !== tags.get("bh")) return { ok: false, reason: "body hash differs" };
  const used = new Set<number>();
  const signed = (tags.get("h") ?? "").split(":").map((name) => {
    for (let i = headers.length - 1; i >= 0; i--) {
      if (!used.has(i) && headers[i]!.slice(0, headers[i]!.indexOf(":")).trim().toLowerCase() === name.toLowerCase()) {
        used.add(i);
        return `${relaxedHeader(headers[i]!)}\r\n`;
      }
    }
    return "";
  });
  const sigEmptied = relaxedHeader(sigRaw.replace(/(^|;)(\s*b\s*=)[^;]*/, "$1$2"));
  const data = Buffer.from(signed.join("") + sigEmptied, "latin1");
  const key = createPublicKey({ key: Buffer.from(publicKeyBase64, "base64"), format: "der", type: "spki" });
  const ok = verify("sha256", data, key, Buffer.from(tags.get("b") ?? "", "base64"));
  return { ok, reason: ok ? null : "signature does not verify", d: tags.get("d"), s: tags.get("s") };
}
