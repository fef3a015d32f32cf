import type { AppLoadContext } from "@remix-run/node";
import type { Brand } from "#server/tenancy/brand.ts";
import { themeCss } from "#app/utils/brand-theme.ts";
import { escrowByDefault } from "#app/utils/escrow-promise.server.ts";

function refuse(status: number, code: string, message: string): never {
  throw Response.json({ success: false, error: { code, message } }, { status, headers: { "X-Robots-Tag": "noindex" } });
}

export async function loadPreview(context: AppLoadContext, slug: string) {
  if (!context.isPlatformHost) refuse(403, "PREVIEW_FORBIDDEN", "Previews are only available on the platform host.");
  const actor = context.actor;
  if (!actor) refuse(401, "UNAUTHENTICATED", "Sign in to preview this shop.");
  const tenant = await context.services.prisma.tenant.findUnique({
    where: { slug },
    select: {
      displayName: true, brand: true,
      paymentPolicy: { select: { allowedRails: true, defaultRail: true } },
      roles: { where: { userId: actor.userId }, select: { role: true }, take: 1 },
    },
  });
  // Non-members learn nothing, not even whether the slug exists.
  if (!tenant || (tenant.roles.length === 0 && !actor.isOperator)) refuse(404, "TENANT_NOT_FOUND", "No such shop.");
  const brand = (tenant.brand ?? {}) as Partial<Brand>;
  return {
    css: themeCss(".shop-preview", brand),
    shop: {
      name: brand.displayName ?? tenant.displayName,
      tagline: brand.tagline ?? null,
      logoUrl: brand.logoUrl ?? null,
      supportEmail: brand.supportEmail ?? null,
      hidePlatformBadge: brand.hidePlatformBadge ?? false,
      escrowByDefault: escrowByDefault(context, tenant.paymentPolicy ?? { allowedRails: [], defaultRail: null }),
    },
  };
}
