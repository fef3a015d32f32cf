/** Merchants' own certificates for their custom domains (ADR 042). */
export { CertificateService, uploadCertificateSchema, type CertificateServiceDeps, type CertificateView, type UploadCertificateInput } from "./service.ts";
export { CertificateRefusal, type CertificateRefusalCode } from "./refusal.ts";
