/**
 * Everything a document shows, read from the database at render time: the order as it was sold (its lines and
 * amounts never change after checkout), the shop's name and logo, and the two things a shop may choose to show.
 */
import type { OrderDocumentKind, PrismaClient } from "@prisma/client";
import { brandSchema } from "#server/tenancy/index.ts";
import { percentOfBps, shippingAddressSchema } from "#server/money/index.ts";
import type { UploadService } from "#server/uploads/index.ts";
import { embeddableImage } from "./brand-mark.ts";
import { documentLocale } from "./labels.ts";
import type { DocumentPdfInput } from "./render.ts";

export interface IssuedDocument {
  id: string;
  tenantId: string;
  orderId: string;
  kind: OrderDocumentKind;
  number: string;
  amount: { toFixed(): string };
  createdAt: Date;
  creditsId: string | null;
}

/** Funding transactions of an on-chain order, newest first (a re-orged one no longer counts). */
const FUNDING_EVENTS = ["Funded", "PaidDirect"];

async function logoOf(uploads: UploadService, tenantId: string, logoUrl: string | undefined) {
  // Only the shop's own upload: an outside URL is not fetched (no request to an address a merchant chose).
  const name = logoUrl?.startsWith("/media/") ? logoUrl.slice("/media/".length) : null;
  return name ? embeddableImage((await uploads.read(tenantId, name))?.bytes ?? null) : null;
}

function shipTo(address: unknown) {
  const a = shippingAddressSchema.safeParse(address);
  if (!a.success) return null;
  const { name, line1, line2, city, region, postalCode, country } = a.data;
  return [name, line1, ...(line2 ? [line2] : []), [postalCode, city].join(" "), ...(region ? [region] : []), country];
}

export async function documentInput(deps: { prisma: PrismaClient; uploads: UploadService }, doc: IssuedDocument): Promise<DocumentPdfInput> {
  const { prisma } = deps;
  const [order, tenant, credits] = await Promise.all([
    prisma.order.findFirstOrThrow({
      where: { id: doc.orderId, tenantId: doc.tenantId },
      select: {
        id: true, currency: true, subtotal: true, total: true, shippingAmount: true, taxAmount: true, pricesIncludeTax: true, shippingMethod: true, feeBps: true, feeAmount: true, guestEmail: true, shippingAddress: true, rail: true, chainRef: true,
        lines: { select: { title: true, quantity: true, unitPrice: true, lineTotal: true }, orderBy: [{ title: "asc" }, { id: "asc" }] },
      },
    }),
    prisma.tenant.findUniqueOrThrow({
      where: { id: doc.tenantId },
      select: { displayName: true, brand: true, localeDefaults: true, paymentPolicy: { select: { invoiceShowPlatformFee: true, invoiceShowTxHash: true } } },
    }),
    doc.creditsId ? prisma.orderDocument.findFirst({ where: { id: doc.creditsId, tenantId: doc.tenantId }, select: { number: true } }) : null,
  ]);
  const brand = brandSchema.partial().safeParse(tenant.brand);
  const policy = tenant.paymentPolicy;
  const funding = policy?.invoiceShowTxHash && order.chainRef
    ? await prisma.chainEvent.findFirst({
      where: { chainRef: order.chainRef, tenantId: doc.tenantId, name: { in: FUNDING_EVENTS }, status: { not: "orphaned" } },
      orderBy: { blockNumber: "desc" }, select: { txHash: true },
    })
    : null;
  return {
    kind: doc.kind,
    locale: documentLocale(tenant.localeDefaults),
    number: doc.number,
    issuedAt: doc.createdAt,
    credits: credits ? { number: credits.number } : null,
    orderNumber: order.id.slice(0, 8).toUpperCase(),
    seller: {
      name: (brand.success ? brand.data.displayName : undefined) ?? tenant.displayName,
      supportEmail: (brand.success ? brand.data.supportEmail : undefined) ?? null,
      logo: await logoOf(deps.uploads, doc.tenantId, brand.success ? brand.data.logoUrl : undefined),
    },
    buyer: { email: order.guestEmail, shipTo: shipTo(order.shippingAddress) },
    currency: order.currency,
    lines: order.lines.map((l) => ({ description: l.title, quantity: l.quantity, unitPrice: l.unitPrice.toFixed(), lineTotal: l.lineTotal.toFixed() })),
    subtotal: order.subtotal.toFixed(),
    ...(doc.kind === "invoice" ? orderParts(order) : {}),
    total: doc.amount.toFixed(),
    platformFee: policy?.invoiceShowPlatformFee && doc.kind === "invoice" ? { amount: order.feeAmount.toFixed(), percent: percentOfBps(order.feeBps) } : null,
    rail: order.rail,
    onChain: order.chainRef !== null,
    txHash: funding?.txHash ?? null,
  };
}

/** The invoice's shipping and tax lines (ADR 035); absent when the order has none. */
function orderParts(order: { shippingAmount: { isZero(): boolean; toFixed(): string }; taxAmount: { isZero(): boolean; toFixed(): string }; pricesIncludeTax: boolean; shippingMethod: unknown }) {
  const method = order.shippingMethod as { name?: unknown } | null;
  const name = method && typeof method.name === "string" ? method.name : null;
  return {
    shipping: name !== null || !order.shippingAmount.isZero() ? { amount: order.shippingAmount.toFixed(), method: name } : null,
    tax: order.taxAmount.isZero() ? null : { amount: order.taxAmount.toFixed(), included: order.pricesIncludeTax },
  };
}
