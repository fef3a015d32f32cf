import type { AppLoadContext } from "@remix-run/node";
import type { Brand } from "#server/tenancy/shared.ts";
import { themeCss } from "#app/utils/brand-theme.ts";
import { escrowByDefault } from "#app/utils/escrow-promise.server.ts";
import { loadCatalogOf } from "#app/utils/storefront.server.ts";

function refuse(status: number, code: string, message: string): never {
  throw Response.json({ success: false, error: { code, message } }, { status, headers: { "X-Robots-Tag": "noindex" } });
}

/** The shop's public address, reached through the same edge (scheme and port) as this platform request. */
function liveUrl(requestUrl: URL, host: string) {
  return `${requestUrl.protocol}//${host}${requestUrl.port ? `:${requestUrl.port}` : ""}/`;
}

export async function loadPreview(context: AppLoadContext, slug: string, requestUrl: URL) {
  if (!context.isPlatformHost) refuse(403, "PREVIEW_FORBIDDEN", "Previews are only available on the platform host.");
  const actor = context.actor;
  if (!actor) refuse(401, "UNAUTHENTICATED", "Sign in to preview this shop.");
  const tenant = await context.services.prisma.tenant.findUnique({
    where: { slug },
    select: {
      id: true, slug: true, status: true, currency: true, displayName: true, brand: true,
      paymentPolicy: { select: { allowedRails: true, defaultRail: true, payoutAddress: true } },
      // The resolver's rule for the primary host (server/tenancy/resolver.ts): a serving custom domain, else the subdomain.
      domains: { where: { isPrimary: true, status: { in: ["active", "degraded"] } }, select: { hostname: true }, take: 1 },
      roles: { where: { userId: actor.userId }, select: { role: true }, take: 1 },
    },
  });
  // Non-members learn nothing, not even whether the slug exists.
  if (!tenant || (tenant.roles.length === 0 && !actor.isOperator)) refuse(404, "TENANT_NOT_FOUND", "No such shop.");
  const brand = (tenant.brand ?? {}) as Partial<Brand>;
  const policy = tenant.paymentPolicy ?? { allowedRails: [], defaultRail: null };
  // Members and the approving operator review what buyers will see, so the preview lists the shop's products too.
  const catalog = await loadCatalogOf(context, tenant, requestUrl);
  return {
    css: themeCss(".shop-preview", brand),
    basePath: `/t/${tenant.slug}`,
    banner: { status: tenant.status, liveUrl: liveUrl(requestUrl, tenant.domains[0]?.hostname ?? `${tenant.slug}.${context.platformDomain}`) },
    catalog,
    shop: {
      name: brand.displayName ?? tenant.displayName,
      tagline: brand.tagline ?? null,
      logoUrl: brand.logoUrl ?? null,
      supportEmail: brand.supportEmail ?? null,
      hidePlatformBadge: brand.hidePlatformBadge ?? false,
      escrowByDefault: escrowByDefault(context, { ...policy, currency: tenant.currency }),
    },
  };
}
