/**
 * The README's first command on a clean clone with no DATABASE_URL: embedded PGlite, demo manifests, shops served.
 * The clone borrows this checkout's node_modules (installing is npm's job, tested by CI's fresh clone).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { get } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";

const root = path.resolve(import.meta.dirname, "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "sf-quickstart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("quickstart", () => {
  it("npm run demo serves the three demo shops from a clean clone without DATABASE_URL", async () => {
    execFileSync("git", ["clone", "-q", root, dir]);
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    const env = { NODE_ENV: "development" as const, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", PORT: "0", REDIS_URL, REDIS_PREFIX: "sfqs:" };
    const child = spawn("npm", ["run", "demo"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let out = "";
    child.stdout.on("data", (b) => (out += b));
    child.stderr.on("data", (b) => (out += b));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 100_000);
        const check = setInterval(() => {
          const m = /READY http:\/\/[^:]+:(\d+)/.exec(out);
          if (m) { clearTimeout(t); clearInterval(check); resolve(Number(m[1])); }
        }, 100);
        child.on("exit", (code) => { clearTimeout(t); clearInterval(check); reject(new Error(`demo exited ${code}:\n${out}`)); });
      });
      expect(out).toContain("using embedded PGlite");
      for (const [slug, name] of [["acme", "Acme Outfitters"], ["nova", "Nova Digital"], ["bloom", "Bloom &amp; Co"]]) {
        const res = await get({ port }, `${slug}.localhost:${port}`);
        expect(res.status).toBe(200);
        expect(res.body).toContain(name);
      }
      // The demo's custom domain is not acme's primary host, so it redirects there (TEN-6).
      expect((await get({ port }, "shop.acme.test", "/items")).headers.location).toBe("http://acme.localhost/items");
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
  }, 150_000);
});
