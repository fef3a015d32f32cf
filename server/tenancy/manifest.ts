/**
 * TEN-9 tenant manifests: a declarative description of a tenant. `applyManifest` upserts idempotently — a row is
 * written only when a field differs, so a second run changes nothing (updated_at included).
 */
import { Prisma, type PrismaClient } from "@prisma/client";
import { z } from "zod";
import { brandSchema } from "./brand.ts";
import { timeZoneSchema } from "./time-zone.ts";
import { invoiceInstructionsSchema } from "./invoice-instructions.ts";
import { normalizeHost } from "#server/http/index.ts";
import { itemFieldsSchema } from "#server/catalog/shared.ts";
import { firstCheckAt } from "#server/domains/index.ts";

const rail = z.enum(["escrow", "direct", "external_provider", "manual_invoice"]);
const RESERVED = new Set(["www", "api", "admin", "app", "ops", "mail", "static", "assets", "cdn", "status", "help", "docs", "t"]);

export const slugSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(
    z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/, "3–40 characters: a-z, 0-9 and inner hyphens")
      .refine((s) => !RESERVED.has(s), "this name is reserved"),
  );

export const manifestSchema = z
  .object({
    slug: slugSchema,
    displayName: z.string().trim().min(1).max(80),
    type: z.enum(["hosted_seller", "white_label", "isolated", "enterprise"]).default("hosted_seller"),
    status: z.enum(["pending", "active", "suspended", "closed"]).default("active"),
    currency: z.string().regex(/^[A-Z0-9]{3,10}$/).default("USD"),
    localeDefaults: z.array(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/)).min(1).max(10).default(["en"]),
    timeZone: timeZoneSchema.default("UTC"),
    brand: brandSchema,
    features: z.record(z.string(), z.boolean()).default({}),
    paymentPolicy: z
      .object({
        allowedRails: z.array(rail).min(1),
        defaultRail: rail,
        escrowRequiredAboveAmount: z.string().regex(/^\d+(\.\d+)?$/).nullable().default(null),
        escrowRequiredForCategories: z.array(z.string()).default([]),
        buyerDisclosureMode: z.enum(["strict", "plain"]).default("strict"),
        // Where the on-chain rails pay the shop (used only when they are on and the currency is their token).
        payoutAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/).nullable().default(null),
        // The bank details manual-invoice buyers pay into (ADR 025); without them that rail is not offered.
        invoiceInstructions: invoiceInstructionsSchema.nullable().default(null),
      })
      .refine((p) => p.allowedRails.includes(p.defaultRail), { message: "defaultRail must be one of allowedRails", path: ["defaultRail"] })
      .default({ allowedRails: ["escrow"], defaultRail: "escrow", escrowRequiredAboveAmount: null, escrowRequiredForCategories: [], buyerDisclosureMode: "strict", payoutAddress: null, invoiceInstructions: null }),
    domains: z
      .array(
        z.object({
          hostname: z.string().transform((h, ctx) => {
            const n = normalizeHost(h);
            if (!n || !n.includes(".")) ctx.addIssue({ code: "custom", message: "not a valid host name" });
            return n ?? h;
          }),
          status: z.enum(["pending", "active", "degraded", "suspended", "removed"]).default("pending"),
          primary: z.boolean().default(false),
          mode: z.enum(["cname", "apex"]).default("cname"),
        }).refine((d) => !d.primary || d.status === "active" || d.status === "degraded", {
          message: "only an active or degraded domain can be primary", path: ["primary"],
        }),
      )
      .max(20)
      .default([]),
    // Catalog items, matched by title within the tenant (titles are unique in a manifest).
    catalog: z
      .array(itemFieldsSchema)
      .max(1000)
      .refine((items) => new Set(items.map((i) => i.title)).size === items.length, "catalog titles must be unique")
      .default([]),
  })
  .strict();
export type TenantManifest = z.infer<typeof manifestSchema>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sortKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))) as Prisma.InputJsonObject;

export async function applyManifest(prisma: PrismaClient, manifest: TenantManifest): Promise<{ slug: string; changed: number }> {
  return prisma.$transaction(async (tx) => {
    let changed = 0;
    const fields = {
      displayName: manifest.displayName, type: manifest.type, status: manifest.status, currency: manifest.currency, timeZone: manifest.timeZone,
      localeDefaults: manifest.localeDefaults, brand: sortKeys(manifest.brand), features: sortKeys(manifest.features),
    };
    let tenant = await tx.tenant.findUnique({ where: { slug: manifest.slug } });
    if (!tenant) {
      tenant = await tx.tenant.create({ data: { slug: manifest.slug, ...fields } });
      changed++;
    } else {
      const current = {
        displayName: tenant.displayName, type: tenant.type, status: tenant.status, currency: tenant.currency, timeZone: tenant.timeZone,
        localeDefaults: tenant.localeDefaults, brand: sortKeys(tenant.brand as Record<string, unknown>), features: sortKeys(tenant.features as Record<string, unknown>),
      };
      if (!same(current, fields)) {
        await tx.tenant.update({ where: { id: tenant.id }, data: { ...fields, version: { increment: 1 } } });
        changed++;
      }
    }
    const tenantId = tenant.id;
    const p = manifest.paymentPolicy;
    const policy = await tx.tenantPaymentPolicy.findUnique({ where: { tenantId } });
    const wanted = {
      allowedRails: p.allowedRails, defaultRail: p.defaultRail, escrowRequiredForCategories: p.escrowRequiredForCategories,
      buyerDisclosureMode: p.buyerDisclosureMode, escrowRequiredAboveAmount: p.escrowRequiredAboveAmount, payoutAddress: p.payoutAddress,
      invoiceInstructions: p.invoiceInstructions,
    };
    const write = { ...wanted, invoiceInstructions: p.invoiceInstructions ?? Prisma.DbNull };
    if (!policy) {
      await tx.tenantPaymentPolicy.create({ data: { tenantId, ...write } });
      changed++;
    } else {
      const have = {
        allowedRails: policy.allowedRails, defaultRail: policy.defaultRail, escrowRequiredForCategories: policy.escrowRequiredForCategories,
        buyerDisclosureMode: policy.buyerDisclosureMode,
        escrowRequiredAboveAmount: policy.escrowRequiredAboveAmount === null ? null : policy.escrowRequiredAboveAmount.toString(),
        payoutAddress: policy.payoutAddress,
        invoiceInstructions: policy.invoiceInstructions ?? null,
      };
      // jsonb keeps its own key order: compare the instructions with sorted keys.
      const canon = (o: unknown) => (o && typeof o === "object" ? Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))) : null);
      have.invoiceInstructions = canon(have.invoiceInstructions) as typeof have.invoiceInstructions;
      const norm = { ...wanted, invoiceInstructions: canon(wanted.invoiceInstructions), escrowRequiredAboveAmount: wanted.escrowRequiredAboveAmount === null ? null : String(Number(wanted.escrowRequiredAboveAmount)) };
      const haveNorm = { ...have, escrowRequiredAboveAmount: have.escrowRequiredAboveAmount === null ? null : String(Number(have.escrowRequiredAboveAmount)) };
      if (!same(haveNorm, norm)) {
        await tx.tenantPaymentPolicy.update({ where: { tenantId }, data: { ...write, version: { increment: 1 } } });
        changed++;
      }
    }
    for (const d of manifest.domains) {
      const existing = await tx.tenantDomain.findFirst({ where: { hostname: d.hostname, status: { not: "removed" } } });
      if (existing && existing.tenantId !== tenantId) throw new Error(`domain ${d.hostname} belongs to another tenant`);
      // The database ties degraded_since/removed_at to the status (CHECKs in the domains migration).
      const data = {
        status: d.status, isPrimary: d.primary, mode: d.mode,
        degradedSince: d.status === "degraded" ? (existing?.degradedSince ?? new Date()) : null,
        removedAt: d.status === "removed" ? (existing?.removedAt ?? new Date()) : null,
      };
      const now = new Date();
      if (!existing) {
        await tx.tenantDomain.create({
          data: {
            tenantId, hostname: d.hostname, ...data, verificationToken: crypto.randomUUID().replaceAll("-", ""),
            verifiedAt: d.status === "active" ? now : null, nextCheckAt: firstCheckAt(d.status, now),
          },
        });
        changed++;
      } else if (existing.status !== d.status || existing.isPrimary !== d.primary || existing.mode !== d.mode) {
        const schedule = existing.status !== d.status ? { nextCheckAt: firstCheckAt(d.status, now) } : {};
        await tx.tenantDomain.update({ where: { id: existing.id, tenantId }, data: { ...data, ...schedule } });
        changed++;
      } else if (existing.nextCheckAt === null && existing.lastCheckedAt === null && firstCheckAt(d.status, now)) {
        // Applied before manifests scheduled checks: nothing ever looks at it otherwise. Not a change of the shop.
        await tx.tenantDomain.update({ where: { id: existing.id, tenantId }, data: { nextCheckAt: firstCheckAt(d.status, now) } });
      }
    }
    for (const item of manifest.catalog) {
      const existing = await tx.catalogItem.findFirst({ where: { tenantId, title: item.title } });
      if (!existing) {
        await tx.catalogItem.create({ data: { tenantId, ...item } });
        changed++;
        continue;
      }
      const have = { ...pickItem(existing), price: String(Number(existing.price.toString())) };
      if (!same(have, { ...pickItem(item), price: String(Number(item.price)) })) {
        await tx.catalogItem.update({ where: { id: existing.id, tenantId }, data: { ...item, version: { increment: 1 } } });
        changed++;
      }
    }
    return { slug: manifest.slug, changed };
  });
}

const pickItem = (i: { title: string; description: string; category: string | null; kind: string; stock: number | null; active: boolean }) => ({
  title: i.title, description: i.description, category: i.category, kind: i.kind, stock: i.stock, active: i.active,
});

export async function exportManifest(prisma: PrismaClient, slug: string): Promise<TenantManifest | null> {
  const t = await prisma.tenant.findUnique({
    where: { slug },
    include: {
      paymentPolicy: true,
      domains: { where: { status: { not: "removed" } }, orderBy: { hostname: "asc" } },
      catalogItems: { where: { archivedAt: null }, orderBy: { createdAt: "asc" } },
    },
  });
  if (!t) return null;
  const p = t.paymentPolicy;
  return manifestSchema.parse({
    slug: t.slug, displayName: t.displayName, type: t.type, status: t.status, currency: t.currency, timeZone: t.timeZone,
    localeDefaults: t.localeDefaults, brand: t.brand, features: t.features,
    ...(p ? { paymentPolicy: {
      allowedRails: p.allowedRails, defaultRail: p.defaultRail, buyerDisclosureMode: p.buyerDisclosureMode,
      escrowRequiredAboveAmount: p.escrowRequiredAboveAmount === null ? null : p.escrowRequiredAboveAmount.toString(),
      escrowRequiredForCategories: p.escrowRequiredForCategories, payoutAddress: p.payoutAddress, invoiceInstructions: p.invoiceInstructions ?? null,
    } } : {}),
    domains: t.domains.map((d) => ({ hostname: d.hostname, status: d.status === "failed" ? "pending" : d.status, primary: d.isPrimary, mode: d.mode })),
    catalog: t.catalogItems.map((i) => ({ ...pickItem(i), price: i.price.toString() })),
  });
}
