/** Server helpers of the own-certificate form (ADR 042): the form's fields as the service's upload input. */
import type { AppLoadContext } from "@remix-run/node";
import { auditActor } from "#app/utils/auth.server.ts";

export type CertificateForm =
  | { intent: "upload-pem"; domainId: string; certificatePem: string; keyPem: string }
  | { intent: "upload-pfx"; domainId: string; pfx: File; password: string }
  | { intent: "remove"; domainId: string };

export async function uploadOwnCertificate(context: AppLoadContext, tenantId: string, input: Exclude<CertificateForm, { intent: "remove" }>) {
  const body = input.intent === "upload-pem"
    ? { format: "pem" as const, certificatePem: input.certificatePem, keyPem: input.keyPem }
    : { format: "pkcs12" as const, pfxBase64: Buffer.from(await input.pfx.arrayBuffer()).toString("base64"), password: input.password };
  return context.services.certificates.upload(auditActor(context), tenantId, input.domainId, body);
}

/** The certificates of the shop's domains for the Domains page, dates as ISO strings. */
export async function ownCertificates(context: AppLoadContext, tenantId: string) {
  const views = await context.services.certificates.list(tenantId);
  return views.map((v) => ({
    domainId: v.domainId, serial: v.serial, issuer: v.issuer, notAfter: v.notAfter.toISOString(), daysLeft: v.daysLeft, warning: v.warning,
  }));
}
export type OwnCertificateState = Awaited<ReturnType<typeof ownCertificates>>[number];
