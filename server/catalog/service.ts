/**
 * Tenant catalogs (CAT-1..3). Every query carries the tenant floor; storefront reads add `active` and
 * `archivedAt: null`, so an inactive item never reaches a buyer, the public JSON or the sitemap.
 */
import type { Prisma, PrismaClient } from "@prisma/client";
import { updateInTenant, withTenantScope } from "#server/db/index.ts";
import { ApiError } from "#server/http/index.ts";
import { writeAudit, type AuditActor } from "#server/audit/index.ts";
import { mediaPath } from "#server/uploads/index.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import type { CatalogQuery, ItemCreateInput, ItemPatchInput } from "./schemas.ts";
import { MAX_STOCK } from "./bounds.ts";
import { fitsCurrency, priceDecimals } from "./money.ts";
import { COMPARE_AT_MESSAGE, decimalGreater } from "./schemas.ts";
import { firstFreeSlug, isUuid, slugify } from "./slug.ts";
import type { ParsedCatalog } from "./csv.ts";
import { runCatalogImport, type ImageImportDeps } from "./import.ts";

type Tx = Prisma.TransactionClient;

/**
 * Prices may have no more decimals than the shop's currency allows (bounds.ts; zod bounds the rest): 400
 * VALIDATION_ERROR naming each offending price (`rows` are 0-based input indexes, reported 1-based).
 */
async function assertPricesFit(tx: Tx, tenantId: string, prices: Array<string | undefined>, path: (i: number) => string) {
  if (prices.every((p) => p === undefined || !p.includes("."))) return;
  const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { currency: true } });
  if (!tenant) throw new ApiError(404, "TENANT_NOT_FOUND", "No such tenant.");
  const digits = priceDecimals(tenant.currency);
  const message = digits === 0 ? `Prices in ${tenant.currency} have no decimals.` : `Prices in ${tenant.currency} have at most ${digits} decimals.`;
  const issues = prices.flatMap((p, i) => (p !== undefined && !fitsCurrency(p, tenant.currency) ? [{ in: "body", path: path(i), message }] : []));
  if (issues.length) throw new ApiError(400, "VALIDATION_ERROR", message, { issues });
}

const itemSelect = {
  id: true, title: true, description: true, price: true, category: true, kind: true, stock: true, active: true,
  sku: true, compareAtPrice: true, weightGrams: true, seoTitle: true, seoDescription: true, slug: true,
  archivedAt: true, version: true, createdAt: true, updatedAt: true,
  images: { select: { alt: true, position: true, upload: { select: { id: true, key: true } } }, orderBy: { position: "asc" as const } },
} satisfies Prisma.CatalogItemSelect;
type ItemRow = Prisma.CatalogItemGetPayload<{ select: typeof itemSelect }>;

export function presentItem(row: ItemRow) {
  const { images, price, compareAtPrice, ...rest } = row;
  return {
    ...rest,
    price: price.toString(),
    compareAtPrice: compareAtPrice?.toString() ?? null,
    images: images.map((i) => ({ uploadId: i.upload.id, url: mediaPath(i.upload.key), alt: i.alt })),
  };
}
export type PresentedItem = ReturnType<typeof presentItem>;

const visibleToBuyers = { active: true, archivedAt: null } as const;

function searchFilter(q: string | undefined): Prisma.CatalogItemWhereInput {
  if (!q) return {};
  const terms = q.split(/\s+/).filter(Boolean).slice(0, 5);
  return {
    AND: terms.map((t) => ({
      OR: [
        { title: { contains: t, mode: "insensitive" as const } },
        { description: { contains: t, mode: "insensitive" as const } },
        { category: { contains: t, mode: "insensitive" as const } },
        { sku: { equals: t, mode: "insensitive" as const } },
      ],
    })),
  };
}

export class CatalogService {
  constructor(private deps: { prisma: PrismaClient; images: ImageImportDeps }) {}

  /** A checked CSV import (parseCatalogCsv without errors): images fetched into storage, then all rows or none. */
  import(actor: AuditActor, tenantId: string, parsed: ParsedCatalog) {
    return runCatalogImport(this, this.deps.images, actor, tenantId, parsed);
  }

  /** One page, newest first, keyset-paginated. `forBuyers` restricts to what the storefront may show. */
  async list(tenantId: string, query: CatalogQuery, options: { forBuyers: boolean }) {
    const cursor = decodeCursor(query.cursor);
    if (query.cursor && !cursor) throw new ApiError(400, "VALIDATION_ERROR", "Invalid cursor.");
    const status: Prisma.CatalogItemWhereInput = options.forBuyers
      ? visibleToBuyers
      : query.status === "active" ? visibleToBuyers
      : query.status === "inactive" ? { active: false, archivedAt: null }
      : query.status === "archived" ? { archivedAt: { not: null } }
      : {};
    const findPage = (db: Tx) => db.catalogItem.findMany({
      where: {
        tenantId,
        ...status,
        ...(query.category ? { category: query.category } : {}),
        ...searchFilter(query.q),
        ...(cursor
          ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
          : {}),
      },
      select: itemSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
    });
    // Merchants' reads run under the RLS scope too (ADR 044). The storefront's page stays one plain query: it is the
    // hot path, and the buyer-visible filter is not something a policy could add.
    const rows = options.forBuyers ? await findPage(this.deps.prisma) : await withTenantScope(this.deps.prisma, tenantId, findPage);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { items: page.map(presentItem), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  async get(tenantId: string, id: string, options: { forBuyers: boolean }) {
    const row = await this.deps.prisma.catalogItem.findFirst({
      where: { id, tenantId, ...(options.forBuyers ? visibleToBuyers : {}) },
      select: itemSelect,
    });
    if (!row) throw new ApiError(404, "ITEM_NOT_FOUND", "No such item.");
    return presentItem(row);
  }

  /** Distinct categories with how many items each holds (buyers: active items only). */
  async categories(tenantId: string, options: { forBuyers: boolean }) {
    const rows = await this.deps.prisma.catalogItem.groupBy({
      by: ["category"],
      where: { tenantId, category: { not: null }, ...(options.forBuyers ? visibleToBuyers : {}) },
      _count: { _all: true },
      orderBy: { category: "asc" },
      take: 200,
    });
    return rows.map((r) => ({ name: r.category!, count: r._count._all }));
  }

  /**
   * The storefront's item lookup by URL part: a current slug, an old slug (history) or an id (old /items/<uuid>
   * links). `redirect` is the current slug when the URL should 301 to it. Buyers' view only; always within the shop.
   */
  async resolveForBuyers(tenantId: string, urlPart: string) {
    const { prisma } = this.deps;
    if (isUuid(urlPart)) {
      const row = await prisma.catalogItem.findFirst({ where: { id: urlPart.toLowerCase(), tenantId, ...visibleToBuyers }, select: { slug: true } });
      return row ? { redirect: row.slug } : null;
    }
    const row = await prisma.catalogItem.findFirst({ where: { tenantId, slug: urlPart, ...visibleToBuyers }, select: itemSelect });
    if (row) return { item: presentItem(row) };
    const old = await prisma.itemSlugHistory.findFirst({
      where: { tenantId, slug: urlPart, item: visibleToBuyers },
      select: { item: { select: { slug: true } } },
    });
    return old ? { redirect: old.item.slug } : null;
  }

  /** Sitemap entries: active items only. */
  sitemapEntries(tenantId: string) {
    return this.deps.prisma.catalogItem.findMany({
      where: { tenantId, ...visibleToBuyers },
      select: { id: true, slug: true, updatedAt: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 50_000,
    });
  }

  create(actor: AuditActor, tenantId: string, input: ItemCreateInput) {
    return this.deps.prisma.$transaction(async (tx) => {
      await assertPricesFit(tx, tenantId, [input.price], () => "price");
      return this.insert(tx, actor, tenantId, input);
    });
  }

  /** Creates every row or none (the report lists each invalid row; see csv.ts). */
  createMany(actor: AuditActor, tenantId: string, inputs: ItemCreateInput[]) {
    return this.deps.prisma.$transaction(async (tx) => {
      await assertPricesFit(tx, tenantId, inputs.map((i) => i.price), (i) => `rows.${i + 1}.price`);
      const ids: string[] = [];
      for (const input of inputs) ids.push((await this.insert(tx, actor, tenantId, input)).id);
      return ids;
    });
  }

  private async insert(tx: Tx, actor: AuditActor, tenantId: string, input: ItemCreateInput) {
    const { imageIds, ...fields } = input;
    await this.assertSkuFree(tx, tenantId, fields.sku);
    const slug = fields.slug ? await this.assertSlugFree(tx, tenantId, fields.slug) : await this.freeSlug(tx, tenantId, fields.title);
    const row = await tx.catalogItem.create({ data: { tenantId, ...fields, slug }, select: { id: true } }).catch(mapUniqueViolation);
    await this.linkImages(tx, tenantId, row.id, imageIds);
    await writeAudit(tx, actor, { action: "catalog.item_create", tenantId, target: `item:${row.id}`, details: { title: fields.title } });
    return presentItem(await tx.catalogItem.findUniqueOrThrow({ where: { id: row.id, tenantId }, select: itemSelect }));
  }

  async update(actor: AuditActor, tenantId: string, id: string, input: ItemPatchInput) {
    const { version, imageIds, ...fields } = input;
    return this.deps.prisma.$transaction(async (tx) => {
      await assertPricesFit(tx, tenantId, [fields.price, fields.compareAtPrice ?? undefined], (i) => (i ? "compareAtPrice" : "price"));
      await this.assertSkuFree(tx, tenantId, fields.sku, id);
      const before = await tx.catalogItem.findFirst({ where: { id, tenantId }, select: { slug: true, price: true, compareAtPrice: true } });
      // Price and compare-at may change separately (a patch): the pair is checked as it will be stored.
      const compareAt = fields.compareAtPrice === undefined ? before?.compareAtPrice?.toFixed() : fields.compareAtPrice;
      if (before && compareAt && !decimalGreater(compareAt, fields.price ?? before.price.toFixed())) {
        throw new ApiError(400, "VALIDATION_ERROR", COMPARE_AT_MESSAGE, { issues: [{ in: "body", path: "compareAtPrice", message: COMPARE_AT_MESSAGE }] });
      }
      if (fields.slug && fields.slug !== before?.slug) await this.assertSlugFree(tx, tenantId, fields.slug);
      const { count } = await tx.catalogItem
        .updateMany({
          where: { id, tenantId, version },
          data: { ...fields, ...(fields.active ? { archivedAt: null } : {}), version: { increment: 1 } },
        })
        .catch(mapUniqueViolation);
      if (count === 0) await this.explainMiss(tx, tenantId, id);
      // The old slug keeps redirecting: the newest owner of a history slug wins (upsert).
      if (before && fields.slug && fields.slug !== before.slug) {
        await tx.itemSlugHistory.upsert({
          where: { tenantId_slug: { tenantId, slug: before.slug } },
          create: { tenantId, itemId: id, slug: before.slug },
          update: { itemId: id, createdAt: new Date() },
        });
      }
      if (imageIds) await this.linkImages(tx, tenantId, id, imageIds);
      await writeAudit(tx, actor, { action: "catalog.item_update", tenantId, target: `item:${id}`, details: { fields: Object.keys(fields), images: imageIds?.length } });
      return presentItem(await tx.catalogItem.findUniqueOrThrow({ where: { id, tenantId }, select: itemSelect }));
    });
  }

  /** Archive: hidden from buyers and the default merchant list, kept for order history. */
  async archive(actor: AuditActor, tenantId: string, id: string) {
    return this.deps.prisma.$transaction(async (tx) => {
      await updateInTenant({ tenantId }, tx.catalogItem, {
        where: { id },
        data: { active: false, archivedAt: new Date(), version: { increment: 1 } },
      }, () => new ApiError(404, "ITEM_NOT_FOUND", "No such item."));
      await writeAudit(tx, actor, { action: "catalog.item_archive", tenantId, target: `item:${id}` });
      return presentItem(await tx.catalogItem.findUniqueOrThrow({ where: { id, tenantId }, select: itemSelect }));
    });
  }

  /**
   * Atomic stock change: one conditional UPDATE, so concurrent adjustments never go below zero, above MAX_STOCK
   * (400: the integer column would overflow otherwise) or get lost.
   */
  async adjustStock(actor: AuditActor, tenantId: string, id: string, delta: number) {
    return this.deps.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ stock: number }[]>`
        UPDATE catalog_items SET stock = stock + ${delta}, version = version + 1, updated_at = now()
        WHERE id = ${id}::uuid AND tenant_id = ${tenantId}::uuid AND stock IS NOT NULL AND stock + ${delta} BETWEEN 0 AND ${MAX_STOCK}
        RETURNING stock`;
      if (rows.length === 0) {
        const item = await tx.catalogItem.findFirst({ where: { id, tenantId }, select: { stock: true } });
        if (!item) throw new ApiError(404, "ITEM_NOT_FOUND", "No such item.");
        if (item.stock === null) throw new ApiError(409, "STOCK_UNLIMITED", "This item has unlimited stock; set a number first.");
        if (item.stock + delta > MAX_STOCK) {
          const message = `Stock can be at most ${MAX_STOCK.toLocaleString("en")}; this item has ${item.stock}.`;
          throw new ApiError(400, "VALIDATION_ERROR", message, { issues: [{ in: "body", path: "delta", message }] });
        }
        throw new ApiError(409, "OUT_OF_STOCK", `Only ${item.stock} in stock; cannot remove ${-delta}.`);
      }
      await writeAudit(tx, actor, { action: "catalog.stock_adjust", tenantId, target: `item:${id}`, details: { delta, stock: rows[0]!.stock } });
      return { id, stock: rows[0]!.stock };
    });
  }

  /** SKUs are unique per shop, case-insensitively (index catalog_items_tenant_id_sku_ci_key backs this up under races). */
  private async assertSkuFree(tx: Tx, tenantId: string, sku: string | null | undefined, exceptId?: string) {
    if (!sku) return;
    const other = await tx.catalogItem.findFirst({
      where: { tenantId, sku: { equals: sku, mode: "insensitive" }, ...(exceptId ? { id: { not: exceptId } } : {}) },
      select: { title: true },
    });
    if (other) throw skuTaken(sku, other.title);
  }

  private async assertSlugFree(tx: Tx, tenantId: string, slug: string) {
    const other = await tx.catalogItem.findFirst({ where: { tenantId, slug }, select: { title: true } });
    if (other) throw slugTaken(slug, other.title);
    // Taking a slug another item used to have ends that old redirect: the current owner wins.
    await tx.itemSlugHistory.deleteMany({ where: { tenantId, slug } });
    return slug;
  }

  /** A slug from the title, suffixed -2, -3, … past the shop's current and former slugs (old links keep working). */
  private async freeSlug(tx: Tx, tenantId: string, title: string) {
    const base = slugify(title) || "item";
    const where = { tenantId, slug: { startsWith: base } };
    const [current, former] = await Promise.all([
      tx.catalogItem.findMany({ where, select: { slug: true } }),
      tx.itemSlugHistory.findMany({ where, select: { slug: true } }),
    ]);
    return firstFreeSlug(base, new Set([...current, ...former].map((r) => r.slug)));
  }

  private async explainMiss(tx: Tx, tenantId: string, id: string): Promise<never> {
    const exists = await tx.catalogItem.findFirst({ where: { id, tenantId }, select: { id: true } });
    if (!exists) throw new ApiError(404, "ITEM_NOT_FOUND", "No such item.");
    throw new ApiError(409, "CONFLICT", "The item changed since you loaded it. Reload and try again.");
  }

  /** Replaces an item's images. Uploads are looked up within the tenant (and the composite FK enforces it too). */
  private async linkImages(tx: Tx, tenantId: string, itemId: string, uploadIds: string[]) {
    const unique = [...new Set(uploadIds)];
    const found = await tx.upload.findMany({ where: { tenantId, id: { in: unique }, purpose: "item_image" }, select: { id: true } });
    if (found.length !== unique.length) throw new ApiError(404, "UPLOAD_NOT_FOUND", "An image does not exist in this shop.");
    await tx.catalogItemImage.deleteMany({ where: { tenantId, itemId } });
    if (unique.length) {
      await tx.catalogItemImage.createMany({ data: unique.map((uploadId, position) => ({ tenantId, itemId, uploadId, position })) });
    }
  }
}

const skuTaken = (sku: string, title: string) =>
  new ApiError(409, "SKU_TAKEN", `The SKU “${sku}” is already used by “${title}” in this shop.`, { issues: [{ in: "body", path: "sku", message: `Already used by “${title}”.` }] });
const slugTaken = (slug: string, title: string) =>
  new ApiError(409, "SLUG_TAKEN", `The URL “${slug}” is already used by “${title}” in this shop.`, { issues: [{ in: "body", path: "slug", message: `Already used by “${title}”.` }] });

/** A concurrent writer won the race past the pre-checks: the unique index says which field, and it becomes a 409. */
function mapUniqueViolation(err: unknown): never {
  const text = `${(err as Error)?.message ?? ""} ${JSON.stringify((err as { meta?: unknown })?.meta ?? {})}`;
  const unique = (err as { code?: string })?.code === "P2002" || text.includes("23505") || /unique constraint/i.test(text);
  if (!unique) throw err;
  if (text.includes("sku")) throw new ApiError(409, "SKU_TAKEN", "This SKU is already used in this shop.");
  if (text.includes("slug")) throw new ApiError(409, "SLUG_TAKEN", "This URL is already used in this shop.");
  throw err;
}
