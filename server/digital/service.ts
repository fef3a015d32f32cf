/**
 * Digital delivery (issue 22 point 1, ADR 039). The merchant gives a digital item a file (streamed to DIGITAL_DIR,
 * up to 200 MB), a pool of licence keys and/or a link; the payment's own transaction grants each digital line and
 * draws its keys (the `orders_digital_grant` trigger, so every rail is covered). The buyer sees the content on the
 * order page (on escrow after opening it, which confirms delivery: MoneyService.openDigital) and downloads the file
 * through a signed, expiring link on the shop's host, counted against the line's limit by one conditional UPDATE.
 */
import { randomBytes } from "node:crypto";
import type { OrderStatus, PaymentRail, PrismaClient } from "@prisma/client";
import { ApiError } from "#server/http/index.ts";
import { lineRefunds } from "#server/money/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { FileTooLargeError, type StreamingFileStore } from "#server/uploads/index.ts";
import { signDownload, verifyDownload } from "./links.ts";
import { DIGITAL_FILE_MAX_BYTES, KEYS_PER_UPLOAD, cleanFileName, parseKeys, type DigitalSettingsInput } from "./schemas.ts";

export const DOWNLOAD_LINK_TTL_MS = 60 * 60_000;

/** Order states in which the buyer may have the content: paid for and not taken back or contested. */
const DELIVERABLE: readonly OrderStatus[] = ["paid", "escrow_funded", "fulfilling", "delivered", "completed"];

export interface DigitalDeps {
  prisma: PrismaClient;
  store: StreamingFileStore;
  /** The current signing secret first, then earlier ones still accepted (MONEY_SECRET and MONEY_SECRET_OLD). */
  secrets: string[];
  linkTtlMs?: number;
  now?: () => Date;
}

export class DigitalService {
  private now: () => Date;
  constructor(private deps: DigitalDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private async digitalItem(tenantId: string, itemId: string) {
    const item = await this.deps.prisma.catalogItem.findFirst({ where: { id: itemId, tenantId, archivedAt: null }, select: { id: true, kind: true, stock: true } });
    if (!item) throw new ApiError(404, "ITEM_NOT_FOUND", "No such item.");
    if (item.kind !== "digital") throw new ApiError(409, "ITEM_NOT_DIGITAL", "Only a digital item delivers files, keys or links. Set its kind to digital first.");
    return item;
  }

  /** What the item delivers, for its edit page and the API: file, link, limit and the key pool's counts (never keys). */
  async settings(tenantId: string, itemId: string) {
    const item = await this.digitalItem(tenantId, itemId);
    const [asset, free, drawn] = await Promise.all([
      this.deps.prisma.digitalAsset.findFirst({ where: { tenantId, itemId }, select: { fileName: true, fileSize: true, linkUrl: true, downloadLimit: true, updatedAt: true } }),
      this.deps.prisma.licenceKey.count({ where: { tenantId, itemId, orderId: null } }),
      this.deps.prisma.licenceKey.count({ where: { tenantId, itemId, orderId: { not: null } } }),
    ]);
    return {
      itemId, stock: item.stock,
      file: asset?.fileName ? { name: asset.fileName, size: Number(asset.fileSize) } : null,
      linkUrl: asset?.linkUrl ?? null,
      downloadLimit: asset?.downloadLimit ?? 5,
      keys: { free, drawn },
    };
  }

  /** Streams the upload to disk (capped at 200 MB, nothing buffered whole) and makes it the item's file. */
  async uploadFile(actor: AuditActor, tenantId: string, itemId: string, source: NodeJS.ReadableStream, rawName: string | undefined) {
    await this.digitalItem(tenantId, itemId);
    const key = `${tenantId}/${randomBytes(18).toString("base64url")}.bin`;
    let written: { size: number; sha256: string };
    try {
      written = await this.deps.store.putStream(key, source, DIGITAL_FILE_MAX_BYTES);
    } catch (err) {
      if (err instanceof FileTooLargeError) throw new ApiError(413, "UPLOAD_TOO_LARGE", "The file is larger than 200 MB.");
      throw err;
    }
    if (written.size === 0) {
      await this.deps.store.delete(key);
      throw new ApiError(400, "UPLOAD_EMPTY", "The file is empty.");
    }
    const fileName = cleanFileName(rawName);
    const file = { fileKey: key, fileName, fileSize: BigInt(written.size), fileSha256: written.sha256, updatedAt: this.now() };
    try {
      await this.deps.prisma.$transaction(async (tx) => {
        // The previous file is kept: orders paid before still point at it (their grant's snapshot).
        await tx.digitalAsset.upsert({ where: { tenantId_itemId: { tenantId, itemId } }, create: { tenantId, itemId, ...file }, update: file });
        await writeAudit(tx, actor, { action: "item.digital_file", tenantId, target: `item:${itemId}`, details: { fileName, size: written.size, sha256: written.sha256 } });
      });
    } catch (err) {
      await this.deps.store.delete(key);
      throw err;
    }
    return this.settings(tenantId, itemId);
  }

  async updateSettings(actor: AuditActor, tenantId: string, itemId: string, input: DigitalSettingsInput) {
    await this.digitalItem(tenantId, itemId);
    const data = {
      ...(input.linkUrl !== undefined ? { linkUrl: input.linkUrl || null } : {}),
      ...(input.downloadLimit !== undefined ? { downloadLimit: input.downloadLimit } : {}),
    };
    await this.deps.prisma.$transaction(async (tx) => {
      await tx.digitalAsset.upsert({ where: { tenantId_itemId: { tenantId, itemId } }, create: { tenantId, itemId, ...data }, update: { ...data, updatedAt: this.now() } });
      await writeAudit(tx, actor, { action: "item.digital_settings", tenantId, target: `item:${itemId}`, details: data });
    });
    return this.settings(tenantId, itemId);
  }

  /**
   * Adds keys to the pool and the same number to the item's stock, in one transaction: the pool is the stock, so
   * checkout refuses (409 OUT_OF_STOCK) once every key is promised. Keys already in the pool are skipped.
   */
  async addKeys(actor: AuditActor, tenantId: string, itemId: string, text: string) {
    await this.digitalItem(tenantId, itemId);
    const { keys, tooLong } = parseKeys(text);
    if (tooLong) throw new ApiError(400, "VALIDATION_ERROR", `Key ${tooLong} is longer than 500 characters.`, { issues: [{ in: "body", path: "keys", message: "A key has at most 500 characters." }] });
    if (!keys.length) throw new ApiError(400, "VALIDATION_ERROR", "Paste at least one key, one per line.", { issues: [{ in: "body", path: "keys", message: "No keys." }] });
    if (keys.length > KEYS_PER_UPLOAD) throw new ApiError(400, "VALIDATION_ERROR", `At most ${KEYS_PER_UPLOAD} keys at a time.`, { issues: [{ in: "body", path: "keys", message: "Too many keys." }] });
    const added = await this.deps.prisma.$transaction(async (tx) => {
      const { count } = await tx.licenceKey.createMany({ data: keys.map((key) => ({ tenantId, itemId, key })), skipDuplicates: true });
      if (count > 0) {
        await tx.$executeRaw`UPDATE catalog_items SET stock = coalesce(stock, 0) + ${count}, version = version + 1, updated_at = now()
          WHERE id = ${itemId}::uuid AND tenant_id = ${tenantId}::uuid`;
      }
      // The count only: keys are secrets the buyer pays for, so never in the audit log.
      await writeAudit(tx, actor, { action: "item.licence_keys_add", tenantId, target: `item:${itemId}`, details: { added: count, skipped: keys.length - count } });
      return count;
    });
    return { added, skipped: keys.length - added, ...(await this.settings(tenantId, itemId)) };
  }

  /** The order's lines refunded in full by line refunds, whose content is taken back (ADR 040). */
  private async refundedLines(tenantId: string, orderId: string): Promise<Set<string>> {
    const lines = await lineRefunds(this.deps.prisma, tenantId, orderId);
    return new Set(lines.filter((l) => l.refunded >= l.bought).map((l) => l.line_id));
  }

  private async grantsOf(tenantId: string, orderId: string) {
    const [grants, keys, lines] = await Promise.all([
      this.deps.prisma.digitalGrant.findMany({ where: { tenantId, orderId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }),
      this.deps.prisma.licenceKey.findMany({ where: { tenantId, orderId }, select: { orderLineId: true, key: true }, orderBy: [{ drawnAt: "asc" }, { id: "asc" }] }),
      this.deps.prisma.orderLine.findMany({ where: { tenantId, orderId, kind: "digital" }, select: { id: true, title: true } }),
    ]);
    const title = new Map(lines.map((l) => [l.id, l.title]));
    return grants.map((g) => ({ grant: g, title: title.get(g.orderLineId) ?? "", keys: keys.filter((k) => k.orderLineId === g.orderLineId).map((k) => k.key) }));
  }

  /** The merchant's view of an order's digital lines: what was handed over and how often it was downloaded. */
  async merchantGrants(tenantId: string, orderId: string) {
    if (!(await this.deps.prisma.order.findFirst({ where: { id: orderId, tenantId }, select: { id: true } }))) throw new ApiError(404, "ORDER_NOT_FOUND", "No such order.");
    return (await this.grantsOf(tenantId, orderId)).map(({ grant: g, title, keys }) => ({
      title, fileName: g.fileName, downloads: g.downloads, downloadLimit: g.downloadLimit, lastDownloadAt: g.lastDownloadAt,
      keysDrawn: keys.length, linkUrl: g.linkUrl, openedAt: g.openedAt,
    }));
  }

  /**
   * The buyer's view: `locked` on escrow until opened (opening confirms delivery), `closed` once the order is
   * refunded, cancelled or disputed, `open` with keys, link and a fresh signed download link otherwise.
   */
  async buyerContent(tenantId: string, order: { id: string; rail: PaymentRail; status: OrderStatus }) {
    const rows = await this.grantsOf(tenantId, order.id);
    const none: { title: string }[] = [];
    if (!rows.length) return { state: "none" as const, lines: none };
    if (!DELIVERABLE.includes(order.status)) return { state: "closed" as const, lines: none };
    if (order.rail === "escrow" && rows.every((r) => !r.grant.openedAt)) return { state: "locked" as const, lines: rows.map((r) => ({ title: r.title })) };
    const expiresAt = new Date(this.now().getTime() + (this.deps.linkTtlMs ?? DOWNLOAD_LINK_TTL_MS));
    const refunded = await this.refundedLines(tenantId, order.id);
    return {
      state: "open" as const,
      lines: rows.map(({ grant: g, title, keys }) => refunded.has(g.orderLineId) ? { title, refunded: true, keys: [], linkUrl: null, file: null } : ({
        title, refunded: false, keys, linkUrl: g.linkUrl,
        file: g.fileKey
          ? { name: g.fileName!, size: Number(g.fileSize), downloads: g.downloads, downloadLimit: g.downloadLimit, url: this.downloadPath(tenantId, g.id, expiresAt) }
          : null,
      })),
    };
  }

  downloadPath(tenantId: string, grantId: string, expiresAt: Date) {
    return `/digital/${signDownload(this.deps.secrets[0]!, tenantId, grantId, expiresAt)}`;
  }

  /**
   * One download: the link must verify for this host's shop (else 404) and be unexpired (410); the order must still
   * be deliverable (on escrow, opened) and the line under its limit (403). The count goes up by one conditional
   * UPDATE before any byte is sent, so concurrent requests never pass the limit.
   */
  async download(tenantId: string, token: string) {
    const check = verifyDownload(this.deps.secrets, tenantId, token, this.now());
    if (!check.ok && check.reason === "expired") throw new ApiError(410, "DOWNLOAD_LINK_EXPIRED", "This download link has expired. Open your order page for a fresh one.");
    if (!check.ok) throw new ApiError(404, "NOT_FOUND", "Not found.");
    const grant = await this.deps.prisma.digitalGrant.findFirst({ where: { id: check.grantId, tenantId }, select: { id: true, orderId: true, orderLineId: true, fileKey: true, fileName: true, openedAt: true } });
    if (!grant?.fileKey) throw new ApiError(404, "NOT_FOUND", "Not found.");
    const order = await this.deps.prisma.order.findFirst({ where: { id: grant.orderId, tenantId }, select: { status: true, rail: true } });
    if (!order || !DELIVERABLE.includes(order.status) || (order.rail === "escrow" && !grant.openedAt)) {
      throw new ApiError(403, "DOWNLOAD_NOT_AVAILABLE", "This order's download is not available.");
    }
    // A line the shop refunded in full is taken back: its file is no longer the buyer's to download (ADR 040).
    if ((await this.refundedLines(tenantId, grant.orderId)).has(grant.orderLineId)) {
      throw new ApiError(403, "DOWNLOAD_NOT_AVAILABLE", "This item was refunded, so its download is no longer available.");
    }
    const file = await this.deps.store.openRead(grant.fileKey);
    if (!file) throw new ApiError(404, "NOT_FOUND", "Not found.");
    const counted = await this.deps.prisma.$executeRaw`UPDATE digital_grants SET downloads = downloads + 1, last_download_at = now()
      WHERE id = ${grant.id}::uuid AND tenant_id = ${tenantId}::uuid AND downloads < download_limit`;
    if (counted === 0) {
      file.stream.destroy();
      throw new ApiError(403, "DOWNLOAD_LIMIT_REACHED", "This file has been downloaded as many times as the shop allows.");
    }
    return { stream: file.stream, size: file.size, fileName: grant.fileName ?? "download.bin" };
  }
}
