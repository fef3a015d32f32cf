/**
 * Where upload bytes live. Local disk by default (UPLOADS_DIR); an S3-compatible store can implement the same
 * interface. Keys are "<tenantId>/<random>.<ext>", created by the upload service only.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface FileStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

/** A store that takes and serves large files as streams (digital downloads, ADR 039): never whole in memory. */
export interface StreamingFileStore extends FileStore {
  /** Writes the stream under `key`; more than `maxBytes` aborts it and leaves nothing behind. */
  putStream(key: string, source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, maxBytes: number): Promise<{ size: number; sha256: string }>;
  openRead(key: string): Promise<{ stream: ReadStream; size: number } | null>;
}

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`more than ${maxBytes} bytes`);
  }
}

const KEY = /^[0-9a-f-]{36}\/[A-Za-z0-9_-]{16,64}\.[a-z]{2,4}$/;

export class LocalDiskStore implements StreamingFileStore {
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

  async putStream(key: string, source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, maxBytes: number) {
    const file = this.file(key);
    await mkdir(path.dirname(file), { recursive: true });
    const hash = createHash("sha256");
    let size = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, cap, createWriteStream(file, { flags: "wx" }));
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return { size, sha256: hash.digest("hex") };
  }

  async openRead(key: string) {
    const file = this.file(key);
    try {
      const { size } = await stat(file);
      return { stream: createReadStream(file), size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }
}
