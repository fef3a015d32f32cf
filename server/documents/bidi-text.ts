/**
 * Mixed-direction text for pdfkit (ADR 028). pdfkit lays text out left to right, word by word; fontkit shapes an
 * Arabic-script run (joining forms, ligatures) and reverses its glyphs, but nothing reorders the runs of a line or
 * mirrors brackets. So each line goes through the Unicode bidi algorithm (bidi-js): split into runs of one embedding
 * level, runs put in visual order (rule L2), each drawn whole at its own x. Logical text is kept in every run, so
 * the PDF's text extracts in reading order.
 */
import bidiFactory from "bidi-js";

const bidi = bidiFactory();

/** Directional formatting characters: they steer the algorithm and are never drawn. */
const CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const ARABIC_SCRIPT = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/;

/** Keeps `text` (an amount, an email, a number) one left-to-right unit inside a right-to-left line. */
export const isolateLtr = (text: string) => `\u2066${text}\u2069`;

export interface Run {
  text: string;
  rtl: boolean;
}

/** A line's runs, left to right as they appear on the page. */
export function visualRuns(text: string, direction: "ltr" | "rtl"): Run[] {
  const { levels } = bidi.getEmbeddingLevels(text, direction);
  const runs: { text: string; level: number }[] = [];
  [...text].reduce((i, ch) => {
    const level = levels[i]!;
    const last = runs.at(-1);
    if (last && last.level === level) last.text += ch;
    else runs.push({ text: ch, level });
    return i + ch.length;
  }, 0);
  const max = Math.max(0, ...runs.map((r) => r.level));
  const lowestOdd = Math.min(...runs.map((r) => (r.level % 2 === 1 ? r.level : Infinity)));
  for (let level = max; level >= lowestOdd; level--) {
    for (let i = 0; i < runs.length; ) {
      if (runs[i]!.level < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < runs.length && runs[j]!.level >= level) j++;
      runs.splice(i, j - i, ...runs.slice(i, j).reverse());
      i = j;
    }
  }
  return runs
    .map((r) => ({ text: r.text.replace(CONTROLS, ""), rtl: r.level % 2 === 1 }))
    .filter((r) => r.text.length > 0);
}

/**
 * What to hand pdfkit for one run. A right-to-left run gets its brackets mirrored; with Arabic letters it stays in
 * logical order (fontkit reverses the shaped glyphs itself), without them (punctuation, spaces) it is reversed here.
 */
export function drawableRun(run: Run) {
  if (!run.rtl) return run.text;
  const mirrored = [...run.text].map((c) => bidi.getMirroredCharacter(c) ?? c);
  return ARABIC_SCRIPT.test(run.text) ? mirrored.join("") : mirrored.reverse().join("");
}

/** The subset of PDFKit.PDFDocument used here (so the renderer stays testable and the type small). */
export interface TextSurface {
  widthOfString(text: string, options?: PDFKit.Mixins.TextOptions): number;
  text(text: string, x: number, y: number, options?: PDFKit.Mixins.TextOptions): unknown;
}

// Any `features` makes pdfkit shape the run as one piece (by default it shapes word by word, which would put the
// words of a right-to-left run in left-to-right order).
const WHOLE_RUN = { lineBreak: false, features: [] } as PDFKit.Mixins.TextOptions;

export function lineWidth(doc: TextSurface, text: string, direction: "ltr" | "rtl") {
  return visualRuns(text, direction).reduce((w, r) => w + doc.widthOfString(drawableRun(r), WHOLE_RUN), 0);
}

/** Draws one line within [x, x + width], aligned to its start (left for ltr, right for rtl) unless `align` says. */
export function drawLine(doc: TextSurface, text: string, x: number, y: number, width: number, direction: "ltr" | "rtl", align?: "start" | "end") {
  const runs = visualRuns(text, direction).map((r) => {
    const drawn = drawableRun(r);
    return { drawn, width: doc.widthOfString(drawn, WHOLE_RUN) };
  });
  const total = runs.reduce((w, r) => w + r.width, 0);
  const atRight = (direction === "rtl") !== (align === "end");
  let cursor = atRight ? x + width - total : x;
  for (const r of runs) {
    doc.text(r.drawn, cursor, y, WHOLE_RUN);
    cursor += r.width;
  }
}

/** Splits text into lines no wider than `width` (at spaces; a word longer than a line is cut). Logical order. */
export function wrapLines(doc: TextSurface, text: string, width: number, direction: "ltr" | "rtl"): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (lineWidth(doc, candidate, direction) <= width) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = word;
    while (lineWidth(doc, current, direction) > width && current.length > 1) {
      let cut = current.length - 1;
      while (cut > 1 && lineWidth(doc, current.slice(0, cut), direction) > width) cut--;
      lines.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current) lines.push(current);
  return lines.length ? lines : [""];
}
