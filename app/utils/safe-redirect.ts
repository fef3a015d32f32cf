/**
 * The one check for `redirectTo` (sign-in, sign-up, sign-out). A browser strips tabs and newlines from a URL and
 * reads `\` as `/`, so `/<TAB>/evil.example` is `//evil.example` to it; control characters in a Location header
 * are a 500. Hence: refuse them raw and percent-encoded, then let the URL parser decide, and answer with the
 * parser's normalised (ASCII, percent-encoded) path so the header always carries what was checked.
 */

// Any origin works: the value is resolved against it and must not leave it.
const BASE = "https://platform.invalid";
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/dashboard") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || UNSAFE.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || !url.pathname.startsWith("/") || url.pathname.startsWith("//")) return fallback;
  // Encoded `/`, `\` or control characters in the path only serve to fool a later decode (a proxy, a framework).
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(url.pathname);
  } catch {
    return fallback;
  }
  if (decodedPath.startsWith("//") || /^\/[\\/]/.test(decodedPath) || UNSAFE.test(decodedPath) || /%2f|%5c/i.test(url.pathname)) return fallback;
  return url.pathname + url.search + url.hash;
}
