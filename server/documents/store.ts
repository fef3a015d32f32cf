/**
 * Where rendered documents live (DOCUMENTS_DIR): "<tenantId>/<document id without dashes>.pdf". The name is fixed by
 * the document, so two concurrent first downloads render the same key: the file appears whole or not at all (written
 * aside, then hard-linked into place, which fails if it exists), and the second render is dropped for the first.
 */
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const KEY = /^[0-9a-f-]{36}\/[0-9a-f]{32}\.pdf$/;

export const documentKey = (tenantId: string, documentId: string) => `${tenantId}/${documentId.replace(/-/g, "")}.pdf`;

export class DocumentStore {
  constructor(private root: string) {}

  private file(key: string) {
    if (!KEY.test(key)) throw new Error("invalid document key");
    return path.join(this.root, key);
  }

  /** Stores `bytes` under `key` unless a file is already there; returns what is stored under it now. */
  async putOnce(key: string, bytes: Uint8Array): Promise<Buffer> {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const aside = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(aside, bytes, { flag: "wx" });
    try {
      await link(aside, file);
      return Buffer.from(bytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      return readFile(file);
    } finally {
      await rm(aside, { force: true });
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.file(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }
}
