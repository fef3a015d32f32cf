/**
 * Account and team mail (issue 15 point 4, ADR 030): each is an outbox row written in the transaction of its cause.
 * Verification at sign-up (the link works once), known devices (a sign-in from a new browser mails the owner, the
 * sign-up's own browser does not), invitations in the shop's brand, role grant/revoke notices.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMail } from "#server/mail/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createUser, TEST_PASSWORD } from "./factories.ts";
import { signIn } from "./tenant-fixture.ts";
import { Client } from "./http.ts";

const db = await createTestDatabase();
let app: RunningApp;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost" });
});
afterAll(async () => app?.stop());

const outbox = (where: { recipient?: string; template?: string; tenantId?: string | null }) =>
  db.prisma.emailOutbox.findMany({ where, orderBy: { createdAt: "asc" } });
const linkToken = (url: string) => new URL(url).searchParams.get("token")!;

describe("email verification", () => {
  it("sign-up queues account.verify_email (platform mail) whose link verifies once", async () => {
    const c = new Client(app.port);
    const email = `new-${Date.now()}@example.test`;
    const res = await c.call("POST", "/api/auth/signup", { email, password: TEST_PASSWORD }, { "accept-language": "fa-IR,fa;q=0.9" });
    expect(res.status, res.body).toBe(201);
    const [row] = await outbox({ recipient: email, template: "account.verify_email" });
    expect(row).toMatchObject({ tenantId: null, locale: "fa", userId: res.json.data.user.id });
    const url = (row!.data as { verifyUrl: string }).verifyUrl;
    expect(url).toMatch(/^http:\/\/localhost(:\d+)?\/verify-email\?token=/);
    const token = linkToken(url);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();

    // Opening the page changes nothing (mail scanners fetch links); the form's POST verifies.
    expect((await c.get(`/verify-email?token=${token}`)).status).toBe(200);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();
    const ok = await new Client(app.port).post("/api/auth/verify-email", { token });
    expect(ok.status, ok.body).toBe(200);
    expect((await db.prisma.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).not.toBeNull();
    const again = await new Client(app.port).post("/api/auth/verify-email", { token });
    expect([again.status, again.json.error.code]).toEqual([410, "LINK_INVALID"]);
    // Verified: a resend is refused.
    expect((await c.post("/api/auth/verify-email/resend")).status).toBe(409);
  });

  it("resend: a new link, limited per account (6th in 15 minutes is 429); a used-up or expired link is refused", async () => {
    const c = new Client(app.port);
    const email = `resend-${Date.now()}@example.test`;
    await c.post("/api/auth/signup", { email, password: TEST_PASSWORD });
    await db.prisma.$executeRaw`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE email = ${email}`;
    const [first] = await outbox({ recipient: email, template: "account.verify_email" });
    expect((await new Client(app.port).post("/api/auth/verify-email", { token: linkToken((first!.data as { verifyUrl: string }).verifyUrl) })).status).toBe(410);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.post("/api/auth/verify-email/resend")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await outbox({ recipient: email, template: "account.verify_email" })).toHaveLength(6);
    // Anonymous callers cannot make the platform mail anyone.
    expect((await new Client(app.port).post("/api/auth/verify-email/resend")).status).toBe(401);
  });

  it("the operator's view of a shop shows whether its owner's email is verified", async () => {
    const op = await createUser(db.prisma, { operator: true });
    const ownerUser = await createUser(db.prisma);
    const owner = await signIn(app.port, ownerUser.email);
    const tenantId = (await owner.post("/api/tenants", { slug: `pend${Date.now() % 100000}`, displayName: "Pending Shop" })).json.data.id;
    const ops = await signIn(app.port, op.email);
    expect((await ops.get(`/ops/tenants/${tenantId}`)).body).toContain("owner-email-unverified");
    await db.prisma.user.update({ where: { id: ownerUser.id }, data: { emailVerifiedAt: new Date() } });
    expect((await ops.get(`/ops/tenants/${tenantId}`)).body).toContain("owner-email-verified");
  });
});

describe("sign-in from a new device", () => {
  it("mails the owner for a browser not seen before, never for a known one or the sign-up's own browser", async () => {
    const laptop = new Client(app.port);
    const email = `devices-${Date.now()}@example.test`;
    await laptop.call("POST", "/api/auth/signup", { email, password: TEST_PASSWORD }, { "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Chrome/120.0 Safari/537.36" });
    expect([...laptop.cookies.keys()]).toContain("sf_device");
    // Same browser again: known.
    expect((await laptop.post("/api/auth/login", { email, password: TEST_PASSWORD })).status).toBe(200);
    expect(await outbox({ recipient: email, template: "account.new_device" })).toHaveLength(0);

    const phone = new Client(app.port);
    const res = await phone.call("POST", "/api/auth/login", { email, password: TEST_PASSWORD }, { "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1", "x-forwarded-for": "203.0.113.9" });
    expect(res.status).toBe(200);
    const rows = await outbox({ recipient: email, template: "account.new_device" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tenantId: null });
    expect(rows[0]!.data).toMatchObject({ device: "Safari on iOS", accountUrl: expect.stringMatching(/\/account$/) });
    // The phone is known now.
    expect((await phone.post("/api/auth/login", { email, password: TEST_PASSWORD })).status).toBe(200);
    expect(await outbox({ recipient: email, template: "account.new_device" })).toHaveLength(1);
    const devices = await db.prisma.userDevice.findMany({ where: { user: { email } } });
    expect(devices).toHaveLength(2);
    expect(devices.every((d) => /^[0-9a-f]{64}$/.test(d.deviceHash) && d.deviceHash !== phone.cookies.get("sf_device"))).toBe(true);
  });

  it("an account's first known device (accounts from before devices were kept) mails nobody", async () => {
    const u = await createUser(db.prisma);
    await signIn(app.port, u.email);
    expect(await outbox({ recipient: u.email, template: "account.new_device" })).toHaveLength(0);
  });
});

describe("team mail", () => {
  it("an invitation mails the invitee in the shop's brand with the accept link; grant and revoke notify the member", async () => {
    const ownerUser = await createUser(db.prisma);
    const owner = await signIn(app.port, ownerUser.email);
    const tenantId = (await owner.post("/api/tenants", { slug: `team${Date.now() % 100000}`, displayName: "Rose Tea House" })).json.data.id;
    const inviteeEmail = `invitee-${Date.now()}@example.test`;
    const inv = await owner.post(`/api/tenants/${tenantId}/invitations`, { email: inviteeEmail, role: "support" });
    expect(inv.status).toBe(201);
    const [row] = await outbox({ recipient: inviteeEmail, template: "team.invitation" });
    expect(row).toMatchObject({ tenantId, dedupeKey: `team.invitation:${inv.json.data.id}:invitee` });
    const data = row!.data as { acceptUrl: string; shopName: string };
    expect(data.acceptUrl).toBe(inv.json.data.link);
    const tenant = await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const brand = tenant.brand as { primaryColor?: string; accentColor?: string };
    const mail = renderMail({
      template: row!.template, locale: row!.locale as "en" | "fa", data: row!.data,
      brand: { name: tenant.displayName, logoUrl: null, primaryColor: brand.primaryColor ?? "#111827", accentColor: brand.accentColor ?? "#4f46e5" },
    });
    expect(mail.subject).toBe("You're invited to join Rose Tea House");
    expect(mail.html).toContain(data.acceptUrl);
    expect(mail.text).toContain(data.acceptUrl);

    // The link still works as before.
    const invitee = await createUser(db.prisma, { email: inviteeEmail });
    const member = await signIn(app.port, invitee.email);
    expect((await member.post("/api/invitations/accept", { token: data.acceptUrl.split("/invite/")[1] })).status).toBe(200);

    const grant = await owner.post(`/api/tenants/${tenantId}/roles`, { userId: invitee.id, role: "finance" });
    expect(grant.status, grant.body).toBe(201);
    const granted = await outbox({ recipient: inviteeEmail, template: "team.role_granted" });
    expect(granted).toHaveLength(1);
    expect(granted[0]).toMatchObject({ tenantId, userId: invitee.id });
    expect(granted[0]!.data).toMatchObject({ role: "finance", shopName: "Rose Tea House", dashboardUrl: expect.stringContaining(`/dashboard/${tenantId}`) });

    const revoke = await owner.del(`/api/tenants/${tenantId}/roles/${grant.json.data.id}`);
    expect(revoke.status).toBe(200);
    const revoked = await outbox({ recipient: inviteeEmail, template: "team.role_revoked" });
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ tenantId, userId: invitee.id });

    // Another shop's owner can neither invite into this shop nor make it mail anyone.
    const strangerUser = await createUser(db.prisma);
    const stranger = await signIn(app.port, strangerUser.email);
    await stranger.post("/api/tenants", { slug: `other${Date.now() % 100000}`, displayName: "Other Shop" });
    const before = await db.prisma.emailOutbox.count({ where: { tenantId } });
    expect((await stranger.post(`/api/tenants/${tenantId}/invitations`, { email: "x@example.test", role: "support" })).status).toBe(404);
    expect((await stranger.del(`/api/tenants/${tenantId}/roles/${grant.json.data.id}`)).status).toBe(404);
    expect(await db.prisma.emailOutbox.count({ where: { tenantId } })).toBe(before);
  });
});
