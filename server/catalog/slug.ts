/**
 * Readable item URLs, /items/<slug> (docs/decisions/037-catalog-fields-and-item-urls.md). Slugs keep Unicode letters
 * and digits (a Persian title stays Persian: browsers show it decoded, search engines index it), lower-cased and
 * NFKC-normalised, with every other run of characters turned into one dash. Browser-safe (the form previews it).
 */
export const MAX_SLUG = 80;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string) {
  return UUID.test(s);
}

/** The slug part of a title: may be empty (a title of only punctuation), the caller then falls back to "item". */
export function slugify(text: string, max = MAX_SLUG) {
  const dashed = text
    .normalize("NFKC")
    .toLowerCase()
    // Letters and combining marks (Persian/Arabic vowel signs) and digits stay; the rest, ZWNJ included, is a dash.
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  // Cut on a code point boundary, never leaving a trailing dash.
  return [...dashed].slice(0, max).join("").replace(/-+$/, "");
}

/** A slug a merchant typed is acceptable when it is already in slug form (what slugify would leave unchanged). */
export function isCanonicalSlug(s: string) {
  return s.length > 0 && [...s].length <= MAX_SLUG && slugify(s) === s && !isUuid(s);
}

/**
 * The first free variant of `base`: base, base-2, base-3, … `taken` holds the slugs already used in the shop that
 * start with base. UUID-shaped results are skipped (that URL form means "look up by id").
 */
export function firstFreeSlug(base: string, taken: Set<string>) {
  const root = base || "item";
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "" : `-${n}`;
    const candidate = `${[...root].slice(0, MAX_SLUG - suffix.length).join("").replace(/-+$/, "")}${suffix}`;
    if (!taken.has(candidate) && !isUuid(candidate)) return candidate;
  }
}
