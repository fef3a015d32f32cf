/**
 * POST /dashboard/:tenantId/domains/certificate — the Domains page's own-certificate form (ADR 042): upload a PEM
 * chain + key or a .pfx with its password, or remove the certificate. Owners only, like the API. Action only: it
 * answers the page's fetcher with the refusal's sentence, and the page reloads its data after a success.
 */
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { ApiError } from "#app/utils/api-error.server.ts";
import { uploadOwnCertificate, type CertificateForm } from "./dashboard.$tenantId.domains.certificate.server.ts";

const MAX_PFX_BYTES = 64 * 1024;
const pfxFile = z.instanceof(File).refine((f) => f.size > 0, "Choose the .pfx file.").refine((f) => f.size <= MAX_PFX_BYTES, "A .pfx file of a certificate is far smaller than 64 KB.");
const certificateFormSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("upload-pem"), domainId: z.uuid(), certificatePem: z.string().min(1, "Paste the certificate.").max(64_000), keyPem: z.string().min(1, "Paste the private key.").max(16_000) }),
  z.object({ intent: z.literal("upload-pfx"), domainId: z.uuid(), pfx: pfxFile, password: z.string().max(1000).default("") }),
  z.object({ intent: z.literal("remove"), domainId: z.uuid() }),
]);

export type CertificateReply = { ok: true; message: string } | { ok: false; message: string; code: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "domains.certificates", operator: false });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const parsed = certificateFormSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return json<CertificateReply>({ ok: false, code: "INVALID", message: parsed.error.issues[0]?.message ?? "Check the form." }, { status: 400 });
  const input: CertificateForm = parsed.data;
  try {
    if (input.intent === "remove") {
      await context.services.certificates.remove(auditActor(context), tenantId, input.domainId);
      return json<CertificateReply>({ ok: true, message: "Removed. The domain gets a certificate issued automatically again." });
    }
    const view = await uploadOwnCertificate(context, tenantId, input);
    return json<CertificateReply>({ ok: true, message: `Uploaded: served until ${view.notAfter.toISOString().slice(0, 10)}.` });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return json<CertificateReply>({ ok: false, code: err.code, message: err.message }, { status: err.status });
  }
}
