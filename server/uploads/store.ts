/**
 * Where upload bytes live. Local disk by default (UPLOADS_DIR); an S3-compatible store can implement the same
 * interface. Keys are "<tenantId>/<random>.<ext>", created by the upload service only.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

export interface FileStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

const KEY = /^[0-9a-f-]{36}\/[A-Za-z0-9_-]{16,64}\.[a-z]{2,4}$/;

export class LocalDiskStore implements FileStore {
  constructor(private root: string) {}

  private file(key: string) {
    // Keys never come from clients, but refuse anything that could climb out of the root all the same.
    if (!KEY.test(key)) throw new Error("invalid storage key");
    return path.join(this.root, key);
  }

  async put(key: string, bytes: Uint8Array) {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes, { flag: "wx" });
  }

  async get(key: string) {
    try {
      return await readFile(this.file(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async delete(key: string) {
    await rm(this.file(key), { force: true });
  }
}
