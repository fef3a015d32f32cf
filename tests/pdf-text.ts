/** The text of a PDF as a reader extracts it (pdf.js), NFKC-normalised so Arabic presentation forms compare as letters. */
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export async function pdfText(bytes: Uint8Array): Promise<{ items: string[]; text: string; pages: number }> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const items: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const item of content.items) if ("str" in item && item.str.trim()) items.push(item.str.normalize("NFKC"));
  }
  const pages = doc.numPages;
  await doc.destroy();
  return { items, text: items.join(" "), pages };
}
