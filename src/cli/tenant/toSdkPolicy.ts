import type { CertificatePolicy } from "@azure/keyvault-certificates";
import type { NewVaultCertificatePolicy } from "./VaultCertificates.js";

/** The SDK's form of the policy `m2m cert create --keyvault` asks for (see NewVaultCertificatePolicy). */
export function toSdkPolicy(policy: NewVaultCertificatePolicy): CertificatePolicy {
  return {
    issuerName: "Self",
    subject: policy.subject,
    validityInMonths: policy.validityMonths,
    keyType: "RSA",
    keySize: policy.keySize,
    reuseKey: false,
    exportable: policy.exportable,
    contentType: "application/x-pem-file",
    keyUsage: ["digitalSignature", "keyEncipherment"],
    enhancedKeyUsage: ["1.3.6.1.5.5.7.3.2"],
    lifetimeActions: [{ action: "EmailContacts", daysBeforeExpiry: policy.emailDaysBeforeExpiry }],
  };
}
