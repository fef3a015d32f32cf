/**
 * The one permission table (docs/product.md §9, ADR 013): each action a shop's members can take and the tenant roles
 * allowed to. The API's route rules, the dashboard's pages and buttons, the Telegram bot and the role-matrix test
 * all read it. Operators are not a tenant role: a route says separately whether they pass. Client-safe (types only
 * from Prisma): UI code takes it from server/auth/shared.ts.
 */
import type { TenantRole } from "@prisma/client";

export const TENANT_ROLES = ["owner", "manager", "finance", "support", "developer"] as const satisfies readonly TenantRole[];

/** Each role by name, for code that singles one out (the owner's badge, the managers' cap, the last-owner rule). */
export const ROLE = { owner: "owner", manager: "manager", finance: "finance", support: "support", developer: "developer" } as const satisfies {
  [R in TenantRole]: R;
};

/** Every member of the shop, whatever their role. */
const ANY_MEMBER = "any";

const PERMISSIONS = {
  /** See the shop and its dashboard (GET /tenants/:id, the dashboard's overview, brand page and media). */
  "tenant.read": ANY_MEMBER,
  /** Activate, suspend or close a shop: operators only. */
  "tenant.transition": [],
  /** The shop's name, brand, locales and currency (PATCH /tenants/:id, the Brand page). */
  "brand.edit": ["owner"],
  "audit.read": ["owner"],
  "policy.read": ANY_MEMBER,
  "policy.edit": ["owner", "finance"],
  "team.read": ["owner"],
  /** Grant and revoke roles, invite and withdraw invitations. */
  "team.manage": ["owner"],
  "catalog.read": ["owner", "manager"],
  /** Items, stock, CSV import and uploads. */
  "catalog.edit": ["owner", "manager"],
  /** Orders hold buyers' emails and addresses, so not developers. */
  "orders.read": ["owner", "manager", "finance", "support"],
  /** Ship and enter the buyer's delivery code. */
  "orders.ship": ["owner", "manager"],
  /**
   * Get order mail: new orders, payments and disputes (ADR 029). The mail is written by a database trigger, which
   * spells this list as order_mail_roles(); tests/order-mail.test.ts keeps the two equal.
   */
  "orders.notify": ["owner", "manager"],
  /** Cancel a paid order before it ships: stock back, the buyer refunded (ADR 036). */
  "orders.cancel": ["owner", "manager"],
  /** Mark a manual invoice paid. */
  "orders.markPaid": ["owner", "finance"],
  /** Refund a card order through the shop's Stripe account (ADR 024); refund a delivered order in full or in part (ADR 040). */
  "orders.refund": ["owner", "finance"],
  /** See the shop's payment integrations (Stripe account, status, webhook URL; never a key). */
  "integrations.read": ["owner", "finance"],
  /** Connect and disconnect the shop's Stripe account. */
  "integrations.manage": ["owner", "finance"],
  /** The shop's mail sender (no secrets), its DNS records and the message list (recipients masked without orders.read). */
  "notifications.read": ANY_MEMBER,
  /** Set up, verify, test and remove the shop's own SMTP sender: its credentials are like the bot's token. */
  "notifications.manage": ["owner", "developer"],
  /** The sales overview's figures (orders, GMV, conversion, refunds): not for support or developers. */
  "sales.read": ["owner", "manager", "finance"],
  /** The Payouts page: escrow and payable balances, every ledger movement, CSV exports and monthly statements. */
  "payouts.read": ["owner", "finance"],
  /** The Customers list and profiles (ADR 033); emails are masked without customers.contact. */
  "customers.read": ANY_MEMBER,
  /** See customers' full email addresses: the roles that see orders' emails, less support (G14-2). */
  "customers.contact": ["owner", "manager", "finance"],
  /** Compose and send announcements to opted-in customers. */
  "customers.announce": ["owner", "manager"],
  "platformFee.read": ANY_MEMBER,
  /** Set the shop's platform fee: operators only. */
  "platformFee.set": [],
  "bots.read": ANY_MEMBER,
  /** Register, claim and revoke the shop's Telegram bot. */
  "bots.manage": ["owner", "developer"],
  /** Use the bot's admin commands and get its order notifications (with a linked Telegram account). */
  "bots.admin": ["owner", "manager"],
  /** Pause and resume new orders (the bot's /pause and /resume, the dashboard toggle; ADR 032). */
  "shop.pause": ["owner", "manager"],
  /** Shipping zones, rates and tax settings (ADR 035). */
  "shipping.read": ANY_MEMBER,
  /** Change what buyers pay for shipping and tax: not support or developers. */
  "shipping.edit": ["owner", "manager", "finance"],
  "domains.read": ANY_MEMBER,
  /** Add, check and remove domains and pick the primary host. */
  "domains.manage": ["owner", "manager", "developer"],
  /** Upload and remove the shop's own TLS certificates (a private key changes hands): owners only (ADR 042). */
  "domains.certificates": ["owner"],
  /** Receive the platform's alerts about the shop (TLS expiry, …) through the platform's own bot (ADR 042). */
  "alerts.receive": ["owner"],
} as const satisfies Record<string, readonly TenantRole[] | typeof ANY_MEMBER>;

export type TenantAction = keyof typeof PERMISSIONS;

/** The table's entry as declared: a role list (empty means operators only) or "any" for every member. */
export function allowedRoles(action: TenantAction): readonly TenantRole[] | typeof ANY_MEMBER {
  return PERMISSIONS[action];
}

/** The tenant roles allowed to do `action` ("any" spelled out as every role). */
export function rolesFor(action: TenantAction): readonly TenantRole[] {
  const allowed = allowedRoles(action);
  return allowed === ANY_MEMBER ? TENANT_ROLES : allowed;
}

/** Whether a member holding `roles` (one role or all of theirs in the shop) may do `action`. */
export function can(roles: TenantRole | readonly TenantRole[], action: TenantAction): boolean {
  const held: readonly TenantRole[] = typeof roles === "string" ? [roles] : roles;
  const allowed = rolesFor(action);
  return held.some((r) => allowed.includes(r));
}
