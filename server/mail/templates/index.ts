/** Every mail template, by name. Add a template here and tests/mail-templates.test.ts renders it in every language. */
import type { MailTemplate } from "./define.ts";
import { testEmail } from "./test-email.ts";
import { shopAnnouncement } from "./announcement.ts";
import { orderConfirmation, orderDeliveryCode, orderPaymentReceived, orderShipped } from "./order-placed.ts";
import { orderDelivered, orderDisputeOpened, orderDisputeResolved, orderRefunded } from "./order-closed.ts";
import { merchantDisputeOpened, merchantNewOrder, merchantPaymentReceived } from "./merchant-order.ts";
import { newDevice, passwordReset, verifyEmail } from "./account.ts";
import { teamInvitation, teamRoleGranted, teamRoleRevoked } from "./team.ts";
import { merchantBotSuspended, merchantCertificateExpiring, merchantDomainProblem } from "./merchant-shop.ts";

const ALL = [
  testEmail, shopAnnouncement,
  orderConfirmation, orderPaymentReceived, orderShipped, orderDeliveryCode, orderDelivered, orderDisputeOpened, orderDisputeResolved, orderRefunded,
  merchantNewOrder, merchantPaymentReceived, merchantDisputeOpened, merchantDomainProblem, merchantCertificateExpiring, merchantBotSuspended,
  verifyEmail, passwordReset, newDevice, teamInvitation, teamRoleGranted, teamRoleRevoked,
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- templates differ in their data; render() parses it
export const TEMPLATES: ReadonlyMap<string, MailTemplate<any, string>> = new Map(ALL.map((t) => [t.name, t as MailTemplate<any, string>]));
export type TemplateName = (typeof ALL)[number]["name"];
export { defineTemplate, type MailTemplate, type BuiltMail, type Msg } from "./define.ts";
export type { Block } from "./blocks.ts";
