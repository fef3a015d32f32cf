/** docs/security.md 7 rotation: after secrets:rotate (old key listed as old) every bot still works, and still does once the old key is gone. */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { startFakeTelegram } from "./fake-telegram/server.ts";
import { freePort, until } from "./wait.ts";

const db = await createTestDatabase();
const tg = await startFakeTelegram();
let app: RunningApp | undefined;
afterAll(async () => {
  await app?.stop();
  await tg.close();
});


describe("bots across a key rotation", () => {
  it("keep working with the old key listed as old, and after it is removed", async () => {
    const [k1, k2] = [randomBytes(32).toString("hex"), randomBytes(32).toString("hex")];
    const port = await freePort();
    const base = {
      DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", PORT: String(port),
      TELEGRAM_API_ROOT: tg.url, TELEGRAM_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`,
    };
    app = await startApp({ ...base, SECRET_BOX_KEY: k1 });
    const owner = await signIn(app.port, (await createUser(db.prisma)).email);
    const op = await signIn(app.port, (await createUser(db.prisma, { operator: true })).email);
    const tenantId = (await owner.post("/api/tenants", { slug: "rotshop", displayName: "Rot Shop" })).json.data.id;
    await op.post(`/api/tenants/${tenantId}/activate`, { reason: "rotation test" });
    const bots = [tg.addBot({ username: "rot_one_bot" }), tg.addBot({ username: "rot_two_bot" })];
    for (const b of bots) expect((await owner.post(`/api/tenants/${tenantId}/bots`, { token: b.token })).status).toBe(201);
    await until(() => bots.every((b) => Boolean(tg.webhook(b.id)?.secretToken)));

    const answers = async () => {
      const out: string[] = [];
      for (const b of bots) {
        const status = await tg.sendUpdate(b.id, tg.messageUpdate({ fromId: 9000 + b.id % 1000, text: "/start" }));
        out.push(`${status}:${tg.sentMessages(b.id).at(-1)?.text.split("\n")[0]}`);
      }
      return out;
    };
    expect(await answers()).toEqual(["200:Welcome to Rot Shop!", "200:Welcome to Rot Shop!"]);
    await app.stop();

    const rotate = await promisify(execFile)("npm", ["run", "-s", "secrets:rotate"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, REDIS_URL, NODE_ENV: "test", SECRET_BOX_KEY: k2, SECRET_BOX_OLD_KEYS: k1 },
    });
    expect(JSON.parse(rotate.stdout)).toMatchObject({ rotated: 6, failed: 0 });

    app = await startApp({ ...base, SECRET_BOX_KEY: k2, SECRET_BOX_OLD_KEYS: k1 });
    expect(await answers()).toEqual(["200:Welcome to Rot Shop!", "200:Welcome to Rot Shop!"]);
    await app.stop();
    app = await startApp({ ...base, SECRET_BOX_KEY: k2 });
    expect(await answers()).toEqual(["200:Welcome to Rot Shop!", "200:Welcome to Rot Shop!"]);
  }, 90_000); // three app starts and a script run: slow on a busy machine, not a timing claim
});
