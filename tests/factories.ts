/** Shared factories for tests and seeds: build manifests, apply them with the real code path. */
import type { PrismaClient } from "@prisma/client";
import { applyManifest, manifestSchema, type TenantManifest } from "#server/tenancy/index.ts";

let n = 0;
export function tenantManifest(overrides: Partial<Record<keyof TenantManifest, unknown>> = {}) {
  n++;
  const slug = (overrides.slug as string) ?? `shop${n}${Math.random().toString(36).slice(2, 6)}`;
  return manifestSchema.parse({
    slug,
    displayName: `Shop ${slug}`,
    status: "active",
    brand: { displayName: `Shop ${slug}`, primaryColor: "#123456", accentColor: "#abcdef" },
    ...overrides,
  });
}

export async function createTenant(prisma: PrismaClient, overrides: Parameters<typeof tenantManifest>[0] = {}) {
  const m = tenantManifest(overrides);
  await applyManifest(prisma, m);
  return prisma.tenant.findUniqueOrThrow({ where: { slug: m.slug }, include: { domains: true } });
}

/** Test passwords all start with this, so the log scan can look for any of them. */
export const TEST_PASSWORD = "Pw-test-secret-7f3a9c";

/** A user created through the real account code (scrypt hash); operators get platformRole admin. */
export async function createUser(prisma: PrismaClient, o: { email?: string; operator?: boolean; password?: string } = {}) {
  const { hashPassword } = await import("#server/auth/index.ts");
  n++;
  const email = o.email ?? `user${n}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  return prisma.user.create({
    data: { email, passwordHash: await hashPassword(o.password ?? TEST_PASSWORD), platformRole: o.operator ? "admin" : "user" },
  });
}
