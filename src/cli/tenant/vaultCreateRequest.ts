import type { PlannedRequest } from "./PlannedRequest.js";
import { toSdkPolicy } from "./toSdkPolicy.js";
import type { NewVaultCertificatePolicy } from "./VaultCertificates.js";

/** The REST API version @azure/keyvault-certificates 4.10 sends (its LATEST_API_VERSION, which it does not export). */
const KEY_VAULT_API_VERSION = "2025-07-01";

/**
 * Pure: the request the SDK sends to create a certificate, in Key Vault's wire form (snake_case, as
 * https://learn.microsoft.com/rest/api/keyvault/certificates/create-certificate documents it), built from the same
 * SDK policy object the command passes to `beginCreateCertificate`, so `--dry-run` shows what is sent.
 */
export function vaultCreateRequest(
  vaultUrl: string,
  name: string,
  policy: NewVaultCertificatePolicy,
): PlannedRequest {
  const sdk = toSdkPolicy(policy);
  return {
    method: "POST",
    url: `${vaultUrl}/certificates/${encodeURIComponent(name)}/create?api-version=${KEY_VAULT_API_VERSION}`,
    body: {
      policy: {
        key_props: {
          exportable: sdk.exportable,
          kty: sdk.keyType,
          key_size: sdk.keySize,
          reuse_key: sdk.reuseKey,
        },
        secret_props: { contentType: sdk.contentType },
        x509_props: {
          subject: sdk.subject,
          ekus: sdk.enhancedKeyUsage,
          key_usage: sdk.keyUsage,
          validity_months: sdk.validityInMonths,
        },
        lifetime_actions: (sdk.lifetimeActions ?? []).map((action) => ({
          trigger: { days_before_expiry: action.daysBeforeExpiry },
          action: { action_type: action.action },
        })),
        issuer: { name: sdk.issuerName },
      },
      attributes: { enabled: true },
    },
    purpose: `create self-signed certificate '${name}' (${policy.subject}, ${policy.validityMonths} months, RSA ${policy.keySize}, ${policy.exportable ? "exportable" : "non-exportable"} key) in ${vaultUrl}`,
  };
}
