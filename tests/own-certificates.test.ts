/**
 * Issue 17 point 3 (ADR 042): merchants' own certificates through the API, checked and refused each with its own
 * code, sealed in the database, and served by a real Caddy for that host (TLS handshake, SNI = host, serial compared);
 * removing one falls back to on-demand issuance. Certificates are made here with node-forge.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "#server/secrets/index.ts";
import { createTestDatabase, redisPrefix } from "./db.ts";
import { get, startApp, type RunningApp } from "./app.ts";
import { REDIS_URL } from "./db-urls.ts";
import { createTenant, createUser } from "./factories.ts";
import { formPost, signIn } from "./tenant-fixture.ts";
import { publishRecords, startEdgeParts, type EdgeParts } from "./edge-stack.ts";
import { issueCert, toPfxBase64, type TestCert } from "./cert-factory.ts";
import type { Client } from "./http.ts";

const DAY_MS = 86_400_000;
const SECRET_BOX_KEY = "5".repeat(64);
const db = await createTestDatabase();
let parts: EdgeParts;
let app: RunningApp;
let tmp: string;
let ownerA: Client;
let managerA: Client;
let ownerB: Client;
let shopA: string;
let shopB: string;
let root: TestCert;
let intermediate: TestCert;

const ask = async (domain: string) => (await get(app, "localhost", `/internal/edge/ask?domain=${encodeURIComponent(domain)}`)).status;

/** The certificate Caddy serves for `host` (SNI), without judging it. */
function servedCert(host: string): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port: parts.caddy.httpsPort, servername: host, rejectUnauthorized: false }, () => {
      const cert = s.getPeerCertificate();
      s.destroy();
      resolve(cert);
    });
    s.setTimeout(5000, () => s.destroy(new Error("handshake timeout")));
    s.on("error", reject);
  });
}

/** Whether a client trusting only our test root accepts what Caddy serves for `host`. */
function trustedHandshake(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: "127.0.0.1", port: parts.caddy.httpsPort, servername: host, ca: root.pem }, () => (s.destroy(), resolve(s.authorized)));
    s.on("error", () => resolve(false));
  });
}

async function addVerified(owner: Client, tenantId: string, hostname: string) {
  const added = await owner.post(`/api/tenants/${tenantId}/domains`, { hostname });
  expect(added.status, added.body).toBe(201);
  publishRecords(parts.dns, added.json.data.records);
  const checked = await owner.post(`/api/tenants/${tenantId}/domains/${added.json.data.id}/check`);
  expect(checked.json.data.status, checked.body).toBe("active");
  return checked.json.data.id as string;
}

const pemBody = (leaf: TestCert, chain: TestCert[] = [], key = leaf.keyPem) => ({ format: "pem", certificatePem: [leaf, ...chain].map((c) => c.pem).join(""), keyPem: key });
const upload = (c: Client, tenantId: string, domainId: string, body: unknown) => c.put(`/api/tenants/${tenantId}/domains/${domainId}/certificate`, body);

beforeAll(async () => {
  root = issueCert({ name: "Test Root CA", ca: true, notAfter: new Date(Date.now() + 3650 * DAY_MS) });
  intermediate = issueCert({ name: "Test Intermediate CA", ca: true, issuer: root });
  tmp = await mkdtemp(path.join(os.tmpdir(), "sf-own-certs-"));
  await writeFile(path.join(tmp, "roots.pem"), root.pem);
  const [a, b] = [await createTenant(db.prisma, { slug: "certa" }), await createTenant(db.prisma, { slug: "certb" })];
  shopA = a.id;
  shopB = b.id;
  const [uA, mA, uB] = [await createUser(db.prisma), await createUser(db.prisma), await createUser(db.prisma)];
  await db.prisma.tenantUserRole.createMany({ data: [{ tenantId: shopA, userId: uA.id, role: "owner" }, { tenantId: shopA, userId: mA.id, role: "manager" }, { tenantId: shopB, userId: uB.id, role: "owner" }] });
  parts = await startEdgeParts({ CADDY_ADMIN_TIMEOUT_MS: "3000" });
  app = await startApp({
    DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: redisPrefix(), PLATFORM_DOMAIN: "localhost", SECRET_BOX_KEY,
    CERT_UPLOAD_EXTRA_ROOTS_FILE: path.join(tmp, "roots.pem"), ...parts.env,
  });
  [ownerA, managerA, ownerB] = [await signIn(app.port, uA.email), await signIn(app.port, mA.email), await signIn(app.port, uB.email)];
});
afterAll(async () => {
  await app?.stop();
  await parts?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("refusals: each bad upload has its own code and nothing is stored", () => {
  const HOST = "refuse.example.test";
  let domainId: string;
  beforeAll(async () => {
    domainId = await addVerified(ownerA, shopA, HOST);
  });

  const refused = async (body: unknown, code: string, message: RegExp) => {
    const res = await upload(ownerA, shopA, domainId, body);
    expect(res.status, res.body).toBe(400);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.message).toMatch(message);
    expect(await db.prisma.tenantCertificate.count({ where: { domainId } })).toBe(0);
  };

  it("a .pfx with the wrong password", async () => {
    const leaf = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate });
    await refused({ format: "pkcs12", pfxBase64: toPfxBase64(leaf.key, [leaf, intermediate], "right"), password: "wrong" }, "CERT_PFX_PASSWORD", /password/);
  });

  it("a key that belongs to another certificate", async () => {
    const leaf = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate });
    const other = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate });
    await refused(pemBody(leaf, [intermediate], other.keyPem), "CERT_KEY_MISMATCH", /does not belong/);
  });

  it("an expired certificate", async () => {
    const leaf = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate, notBefore: new Date(Date.now() - 100 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) });
    await refused(pemBody(leaf, [intermediate]), "CERT_EXPIRED", /expired on \d{4}-\d\d-\d\d/);
  });

  it("a certificate whose SAN misses the host (the CN alone does not count)", async () => {
    const leaf = issueCert({ name: HOST, hosts: ["other.example.test"], issuer: intermediate });
    await refused(pemBody(leaf, [intermediate]), "CERT_SAN_MISMATCH", new RegExp(`does not cover ${HOST.replace(/\./g, "\\.")}`));
  });

  it("a broken chain: a certificate that signed nothing, or a missing intermediate", async () => {
    const leaf = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate });
    const stranger = issueCert({ name: "Unrelated CA", ca: true });
    await refused(pemBody(leaf, [stranger]), "CERT_CHAIN_BROKEN", /did not sign/);
    await refused(pemBody(leaf), "CERT_CHAIN_BROKEN", /incomplete/);
  });

  it("a self-signed certificate (a root nobody trusts)", async () => {
    const self = issueCert({ name: HOST, hosts: [HOST] });
    await refused(pemBody(self), "CERT_CHAIN_UNTRUSTED", /do not trust/);
  });

  it("unreadable input, and a domain that is not active yet", async () => {
    await refused({ format: "pem", certificatePem: "hello", keyPem: "x" }, "CERT_UNREADABLE", /No certificate/);
    await refused({ format: "pkcs12", pfxBase64: "aGVsbG8=", password: "" }, "CERT_UNREADABLE", /PKCS#12/);
    const leaf = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate });
    await refused({ ...pemBody(leaf, [intermediate]), keyPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }, "CERT_KEY_UNREADABLE", /could not be read/);
    const pending = await ownerA.post(`/api/tenants/${shopA}/domains`, { hostname: "pending.example.test" });
    const res = await upload(ownerA, shopA, pending.json.data.id, pemBody(leaf, [intermediate]));
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("DOMAIN_NOT_ACTIVE");
  });

  it("a manager may not upload (owners only)", async () => {
    const leaf = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate });
    const res = await upload(managerA, shopA, domainId, pemBody(leaf, [intermediate]));
    expect(res.status).toBe(403);
  });
});

describe("a good certificate is served by Caddy for its host", () => {
  const HOST = "own.example.test";
  let domainId: string;
  let leaf: TestCert;

  it("PEM upload: stored with the key sealed, the ask refuses the host, and Caddy serves it (serial equal)", async () => {
    domainId = await addVerified(ownerA, shopA, HOST);
    expect(await ask(HOST)).toBe(200);
    const before = await servedCert(HOST);
    expect(before.issuer.CN).toMatch(/Caddy Local Authority/);

    leaf = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate, notAfter: new Date(Date.now() + 60 * DAY_MS) });
    const res = await upload(ownerA, shopA, domainId, pemBody(leaf, [intermediate]));
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toMatchObject({ domainId, serial: leaf.serial, sans: [HOST], warning: null, edge: { ok: true, error: null } });
    expect(res.json.data.daysLeft).toBeGreaterThanOrEqual(59);

    const row = await db.prisma.tenantCertificate.findFirstOrThrow({ where: { tenantId: shopA, domainId } });
    expect(row.encryptedKey).toMatch(/^v1:/);
    expect(row.encryptedKey).not.toContain("PRIVATE KEY");
    const box = new SecretBox(Buffer.from(SECRET_BOX_KEY, "hex"));
    expect(box.open(row.encryptedKey, `tenant_certificates.key:${row.id}`)).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(() => box.open(row.encryptedKey, `tenant_certificates.key:${domainId}`)).toThrow(); // bound to its row
    // The trusted root itself is not stored (clients have it); the intermediate is.
    expect(row.certificatePem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);

    expect(await ask(HOST)).toBe(403); // no on-demand certificate for this host any more
    const served = await servedCert(HOST);
    expect(served.serialNumber).toBe(leaf.serial);
    expect(served.issuer.CN).toBe("Test Intermediate CA");
    expect(await trustedHandshake(HOST)).toBe(true); // the chain Caddy sends verifies up to the root
    // Other hosts keep their on-demand certificates.
    expect((await servedCert("refuse.example.test")).issuer.CN).toMatch(/Caddy Local Authority/);
  });

  it("a PKCS#12 upload replaces it (one certificate per domain), and a near expiry carries the TLS warning", async () => {
    const renewed = issueCert({ name: HOST, hosts: [HOST, `www.${HOST}`], issuer: intermediate, notAfter: new Date(Date.now() + 5 * DAY_MS + 3_600_000) });
    const res = await upload(ownerA, shopA, domainId, { format: "pkcs12", pfxBase64: toPfxBase64(renewed.key, [renewed, intermediate], "s3cret"), password: "s3cret" });
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toMatchObject({ serial: renewed.serial, daysLeft: 5, warning: expect.stringMatching(/expires in 5 days/) });
    expect(await db.prisma.tenantCertificate.count({ where: { domainId } })).toBe(1);
    expect((await servedCert(HOST)).serialNumber).toBe(renewed.serial);
    const read = await ownerA.get(`/api/tenants/${shopA}/domains/${domainId}/certificate`);
    expect(read.json.data.certificate).toMatchObject({ serial: renewed.serial });
    expect(JSON.stringify(read.json)).not.toMatch(/PRIVATE KEY|encrypted/i);
  });

  it("another shop can neither read, replace nor remove it", async () => {
    const other = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate });
    for (const res of [
      await ownerB.get(`/api/tenants/${shopA}/domains/${domainId}/certificate`),
      await upload(ownerB, shopA, domainId, pemBody(other, [intermediate])),
      await ownerB.del(`/api/tenants/${shopA}/domains/${domainId}/certificate`),
    ]) expect(res.json.error.code).toBe("TENANT_NOT_FOUND");
    // Its own tenant id with shop A's domain: the domain is not found in shop B.
    for (const res of [
      await ownerB.get(`/api/tenants/${shopB}/domains/${domainId}/certificate`),
      await upload(ownerB, shopB, domainId, pemBody(other, [intermediate])),
      await ownerB.del(`/api/tenants/${shopB}/domains/${domainId}/certificate`),
    ]) expect(res.json.error.code).toBe("DOMAIN_NOT_FOUND");
    // The database refuses a certificate row that points at another shop's domain.
    const row = await db.prisma.tenantCertificate.findFirstOrThrow({ where: { domainId } });
    await expect(db.sql.query(`UPDATE tenant_certificates SET tenant_id = $1 WHERE id = $2`, [shopB, row.id])).rejects.toThrow(/foreign key/);
    expect((await servedCert(HOST)).serialNumber).not.toBe(other.serial);
  });

  it("removing it falls back to on-demand issuance", async () => {
    const res = await ownerA.del(`/api/tenants/${shopA}/domains/${domainId}/certificate`);
    expect(res.status, res.body).toBe(200);
    expect(res.json.data).toMatchObject({ removed: true, edge: { ok: true } });
    expect(await ask(HOST)).toBe(200);
    expect((await servedCert(HOST)).issuer.CN).toMatch(/Caddy Local Authority/);
    const tls = await db.sql.query(`SELECT count(*)::int AS n FROM tenant_certificates`);
    expect(tls.rows[0].n).toBe(0);
    expect((await ownerA.del(`/api/tenants/${shopA}/domains/${domainId}/certificate`)).json.error.code).toBe("CERTIFICATE_NOT_FOUND");
  });
});

describe("the Domains page form", () => {
  const HOST = "form.example.test";

  it("uploads a PEM certificate (owners only), shows it, refuses a bad one with its sentence, and removes it", async () => {
    const domainId = await addVerified(ownerA, shopA, HOST);
    const page = `/dashboard/${shopA}/domains`;
    const action = `/dashboard/${shopA}/domains/certificate`;
    const leaf = issueCert({ name: HOST, hosts: [HOST], issuer: intermediate });
    const fields = { intent: "upload-pem", domainId, certificatePem: leaf.pem + intermediate.pem, keyPem: leaf.keyPem };

    const manager = await formPost(managerA, action, fields, page);
    expect(manager.status).toBe(403);

    const bad = await formPost(ownerA, action, { ...fields, certificatePem: issueCert({ name: "x", hosts: ["x.example.test"], issuer: intermediate }).pem }, page);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, code: "CERT_KEY_MISMATCH" });

    const ok = await formPost(ownerA, action, fields, page);
    expect(ok.status, ok.body).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, message: expect.stringMatching(/^Uploaded/) });
    expect((await servedCert(HOST)).serialNumber).toBe(leaf.serial);
    const shown = await ownerA.get(page);
    expect(shown.body).toContain("Your own certificate");
    expect(shown.body).toContain(leaf.serial);

    const removed = await formPost(ownerA, action, { intent: "remove", domainId }, page);
    expect(JSON.parse(removed.body)).toMatchObject({ ok: true });
    expect((await servedCert(HOST)).issuer.CN).toMatch(/Caddy Local Authority/);
  });
});
