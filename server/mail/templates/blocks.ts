/**
 * The building blocks of every mail body. Templates say what to show; the layout (layout.ts) decides how, once, for
 * HTML (table layout with inline styles, what mail clients render) and plain text alike.
 */
export type Block =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "button"; label: string; url: string }
  | { kind: "facts"; rows: { label: string; value: string }[] }
  | { kind: "lines"; head: [string, string, string]; rows: { title: string; quantity: string; amount: string }[]; totals: { label: string; value: string }[] }
  | { kind: "code"; text: string }
  | { kind: "note"; text: string };
