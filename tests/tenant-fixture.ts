/** A shop created through the API by its owner, plus one signed-in member per tenant role and an operator. */
import type { PrismaClient, TenantRole } from "@prisma/client";
import { expect } from "vitest";
import { Client, request } from "./http.ts";
import { createUser, TEST_PASSWORD } from "./factories.ts";

export const ROLES: TenantRole[] = ["owner", "manager", "finance", "support", "developer"];

export async function signIn(port: number, email: string) {
  const c = new Client(port);
  const res = await c.post("/api/auth/login", { email, password: TEST_PASSWORD });
  expect(res.status, res.body).toBe(200);
  return c;
}

/**
 * A Remix form post as the browser sends it: the CSRF token of the page at `tokenFrom`, the session cookie and a
 * same-origin Origin. `fields` as pairs when a name repeats (checkbox groups).
 */
export async function formPost(c: Client, path: string, fields: Record<string, string> | Array<[string, string]>, tokenFrom = path) {
  const page = await c.get(tokenFrom);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  expect(csrf, `no CSRF token on ${tokenFrom} (${page.status})`).toBeTruthy();
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
  return request(c.port, path, {
    method: "POST",
    headers: { cookie: c.cookieHeader(), origin: "http://localhost" },
    raw: { contentType: "application/x-www-form-urlencoded", data: new URLSearchParams([...pairs, ["csrf", csrf!]]).toString() },
  });
}

export async function createShopWithTeam(prisma: PrismaClient, port: number, slug: string) {
  const ownerUser = await createUser(prisma);
  const owner = await signIn(port, ownerUser.email);
  const created = await owner.post("/api/tenants", { slug, displayName: `Shop ${slug}` });
  expect(created.status, created.body).toBe(201);
  const tenantId: string = created.json.data.id;
  const members: Record<string, { client: Client; userId: string }> = { owner: { client: owner, userId: ownerUser.id } };
  for (const role of ROLES.slice(1)) {
    const u = await createUser(prisma);
    await prisma.tenantUserRole.create({ data: { tenantId, userId: u.id, role } });
    members[role] = { client: await signIn(port, u.email), userId: u.id };
  }
  return { tenantId, members: members as Record<TenantRole, { client: Client; userId: string }> };
}
