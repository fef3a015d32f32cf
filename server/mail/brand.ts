/**
 * What a message looks like and who it claims to be from (ADR 026): the shop's MailBrand (its name, colours and logo
 * as an absolute URL, since mail clients have no base URL) and support address, or the platform's for platform mail.
 */
import type { PrismaClient } from "@prisma/client";
import { DEFAULT_BRAND, type Brand } from "#server/tenancy/index.ts";
import { shopOrigin, type LinkEnv } from "./links.ts";
import type { MailBrand } from "./types.ts";

export interface MailIdentity {
  brand: MailBrand;
  /** Reply-To of a shop's mail sent by the platform sender: the shop's support address, when it has one. */
  replyTo: string | null;
}

/** The platform's own look: its sender's display name (or domain), the default colours, no logo. */
export function platformBrand(env: LinkEnv, fromName: string | null): MailBrand {
  return { name: fromName || env.PLATFORM_DOMAIN, logoUrl: null, primaryColor: DEFAULT_BRAND.primaryColor, accentColor: DEFAULT_BRAND.accentColor };
}

/** The shop's identity in mail; null when the shop is gone. */
export async function shopIdentity(prisma: PrismaClient, env: LinkEnv, tenantId: string): Promise<MailIdentity | null> {
  const tenant = await prisma.tenant.findUnique({
    where: { id: tenantId },
    select: {
      slug: true, displayName: true, brand: true,
      domains: { where: { isPrimary: true, status: { in: ["active", "degraded"] } }, select: { hostname: true }, take: 1 },
    },
  });
  if (!tenant) return null;
  const brand = (tenant.brand ?? {}) as Partial<Brand>;
  const host = tenant.domains[0]?.hostname ?? `${tenant.slug}.${env.PLATFORM_DOMAIN}`;
  const logo = brand.logoUrl ? (brand.logoUrl.startsWith("/") ? `${shopOrigin(env, host)}${brand.logoUrl}` : brand.logoUrl) : null;
  return {
    brand: {
      name: brand.displayName ?? tenant.displayName,
      logoUrl: logo,
      primaryColor: brand.primaryColor ?? DEFAULT_BRAND.primaryColor,
      accentColor: brand.accentColor ?? DEFAULT_BRAND.accentColor,
    },
    replyTo: brand.supportEmail ?? null,
  };
}
