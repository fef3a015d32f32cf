/** Customers and announcements for the API, the dashboard and the jobs (ADR 033); every method takes the shop. */
import type { PrismaClient } from "@prisma/client";
import type { AuditActor } from "#server/audit/index.ts";
import type { BroadcastDeps } from "#server/bots/index.ts";
import { withTenantScope, type TenantScope } from "#server/db/index.ts";
import { announcementLog, createAnnouncement, liftAnnouncementLimit, sweepAnnouncements, type CreateDeps } from "./announcements.ts";
import { optInAtCheckout, optOutByLink, optOutTelegramUser, verifyUnsubscribe } from "./consent.ts";
import { customerProfile, listCustomers } from "./queries.ts";
import { sendAnnouncement } from "./send.ts";
import type { AnnouncementInput, CustomerListQuery } from "./shared.ts";

export interface CustomersDeps {
  prisma: PrismaClient;
  /** MONEY_SECRET and the earlier ones: unsubscribe links are signed with the first and accepted with any. */
  secrets: string[];
  shopOrigin: CreateDeps["shopOrigin"];
  bots: BroadcastDeps;
  /** Enqueue the send job (after commit); its id is the announcement's, so a second call is a no-op. */
  enqueueSend: (tenantId: string, announcementId: string) => Promise<void>;
  /** Ask the mail worker to look at the outbox now. */
  kickMail: () => void;
}

export class CustomersService {
  constructor(private deps: CustomersDeps) {}

  // Reads run under the RLS scope too (ADR 044): a floor forgotten in a query returns this shop's rows only.
  list(scope: TenantScope, q: CustomerListQuery, reveal: boolean) {
    return withTenantScope(this.deps.prisma, scope.tenantId, (db) => listCustomers(db, scope, q, reveal));
  }

  profile(scope: TenantScope, customerId: string, reveal: boolean) {
    return withTenantScope(this.deps.prisma, scope.tenantId, (db) => customerProfile(db, scope, customerId, reveal));
  }

  optInAtCheckout(scope: TenantScope, email: string) {
    return optInAtCheckout(this.deps.prisma, scope, email);
  }

  optOutTelegramUser(scope: TenantScope, telegramUserId: string) {
    return optOutTelegramUser(this.deps.prisma, scope, telegramUserId);
  }

  /** The one-click unsubscribe link: false when the signature or the customer is not this shop's. */
  async unsubscribe(scope: TenantScope, customerId: string, sig: string) {
    if (!verifyUnsubscribe(this.deps.secrets, scope, customerId, sig)) return false;
    return optOutByLink(this.deps.prisma, scope, customerId);
  }

  async announce(scope: TenantScope, actor: AuditActor, input: AnnouncementInput) {
    const created = await createAnnouncement({ prisma: this.deps.prisma, secret: this.deps.secrets[0]!, shopOrigin: this.deps.shopOrigin }, scope, actor, input);
    await this.deps.enqueueSend(scope.tenantId, created.id);
    this.deps.kickMail();
    return created;
  }

  log(scope: TenantScope, o: { id?: string; limit?: number } = {}) {
    return announcementLog(this.deps.prisma, scope, o);
  }

  liftLimit(scope: TenantScope, actor: AuditActor, o: { hours: number; reason: string }) {
    return liftAnnouncementLimit(this.deps.prisma, scope, actor, o);
  }

  send(scope: TenantScope, announcementId: string) {
    return sendAnnouncement(this.deps.bots, scope, announcementId);
  }

  sweep() {
    return sweepAnnouncements(this.deps.prisma);
  }
}
