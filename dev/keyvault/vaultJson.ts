import { createHash, createPublicKey } from "node:crypto";
import type { SecretContentType } from "./certificatePolicy.js";
import type { StoredCertificate, StoredOperation, StoredVersion } from "./createVaultStore.js";
import type { StoredIssuer } from "./issuerStore.js";

/** Soft delete is on by default for new vaults: 90 days, purge allowed. */
const RECOVERY = { recoveryLevel: "Recoverable+Purgeable", recoverableDays: 90 } as const;

function attributes(version: StoredVersion) {
  return {
    enabled: version.enabled,
    ...(version.notBeforeSeconds !== null ? { nbf: version.notBeforeSeconds } : {}),
    ...(version.expiresSeconds !== null ? { exp: version.expiresSeconds } : {}),
    created: version.createdSeconds,
    updated: version.updatedSeconds,
    ...RECOVERY,
  };
}

const keyId = (url: string, certificate: StoredCertificate, version: StoredVersion) =>
  `${url}/keys/${certificate.name}/${version.version}`;
const tags = (version: StoredVersion) => (version.tags ? { tags: version.tags } : {});
const x5t = (version: StoredVersion) =>
  version.der ? { x5t: createHash("sha1").update(version.der).digest("base64url") } : {};

/**
 * The service's JSON shapes (REST API 7.x / 2025-07-01): CertificateBundle, CertificateItem, SecretBundle,
 * KeyBundle, KeyOperationResult, CertificatePolicy and CertificateOperation. Times are unix seconds; `x5t` is
 * base64url SHA-1, `cer` and `csr` base64 DER.
 */
export const vaultJson = {
  certificateBundle(
    url: string,
    certificate: StoredCertificate,
    version: StoredVersion,
    withPolicy: boolean,
  ) {
    const path = `${certificate.name}/${version.version}`;
    return {
      id: `${url}/certificates/${path}`,
      kid: `${url}/keys/${path}`,
      sid: `${url}/secrets/${path}`,
      ...x5t(version),
      ...(version.der ? { cer: version.der.toString("base64") } : {}),
      attributes: attributes(version),
      ...tags(version),
      ...(withPolicy ? { policy: vaultJson.policy(url, certificate) } : {}),
      ...(withPolicy && certificate.operation
        ? { pending: { id: `${url}/certificates/${certificate.name}/pending` } }
        : {}),
    };
  },

  /** A list entry: `/certificates` lists ids without a version, `/certificates/{name}/versions` with one. */
  certificateItem(url: string, certificate: StoredCertificate, version: StoredVersion, withVersion: boolean) {
    return {
      id: `${url}/certificates/${certificate.name}${withVersion ? `/${version.version}` : ""}`,
      ...x5t(version),
      attributes: attributes(version),
      ...tags(version),
    };
  },

  secretBundle(
    url: string,
    certificate: StoredCertificate,
    version: StoredVersion,
    value: string,
    contentType: SecretContentType,
  ) {
    const path = `${certificate.name}/${version.version}`;
    return {
      value,
      contentType,
      id: `${url}/secrets/${path}`,
      managed: true,
      attributes: attributes(version),
      ...tags(version),
      kid: `${url}/keys/${path}`,
    };
  },

  /**
   * KeyBundle of a certificate's key (`/keys/{name}/{version}`, the certificate's version): the public JWK with the
   * version's `key_ops`, the certificate version's attributes (mirrored to its key, about-certificates) and
   * `managed: true` ("If this is a key backing a certificate, then managed will be true", REST reference KeyBundle).
   * The public part comes from the private key when there is one (a pending version has no certificate yet).
   */
  keyBundle(url: string, certificate: StoredCertificate, version: StoredVersion) {
    const source = version.keyPem ?? version.certPem;
    if (!source)
      throw new Error(`version ${version.version} of ${certificate.name} has neither key nor certificate`);
    const jwk = createPublicKey(source).export({ format: "jwk" });
    return {
      key: {
        kid: keyId(url, certificate, version),
        kty: "RSA",
        key_ops: version.keyOps,
        n: jwk.n,
        e: jwk.e,
      },
      attributes: attributes(version),
      ...tags(version),
      managed: true,
    };
  },

  /** KeyOperationResult of a sign: the key's id and the base64url signature. */
  signResult(url: string, certificate: StoredCertificate, version: StoredVersion, signature: Buffer) {
    return { kid: keyId(url, certificate, version), value: signature.toString("base64url") };
  },

  policy(url: string, certificate: StoredCertificate) {
    return {
      id: `${url}/certificates/${certificate.name}/policy`,
      ...certificate.policy,
      attributes: {
        enabled: true,
        created: certificate.policyCreatedSeconds,
        updated: certificate.policyUpdatedSeconds,
      },
    };
  },

  /**
   * IssuerBundle, in the shape the service answers Get/Set Certificate Issuer with (recorded in
   * Azure/azure-sdk-for-js `sdk/keyvault/keyvault-certificates/recordings/node/
   * certificates_client__create_read_update_and_delete/recording_can_create_read_and_delete_a_certificate_issuer.js`):
   * `credentials` carries `account_id` only — the password (`pwd`) is never returned — and `org_details` gains
   * `zip: 0`.
   */
  issuerBundle(url: string, issuer: StoredIssuer) {
    return {
      id: `${url}/certificates/issuers/${issuer.name}`,
      provider: issuer.provider,
      ...(issuer.accountId !== null ? { credentials: { account_id: issuer.accountId } } : {}),
      ...(issuer.organizationId !== null || issuer.adminDetails !== null
        ? {
            org_details: {
              ...(issuer.organizationId !== null ? { id: issuer.organizationId } : {}),
              zip: 0,
              ...(issuer.adminDetails !== null ? { admin_details: issuer.adminDetails } : {}),
            },
          }
        : {}),
      attributes: {
        enabled: issuer.enabled,
        created: issuer.createdSeconds,
        updated: issuer.updatedSeconds,
      },
    };
  },

  operation(url: string, certificate: StoredCertificate, operation: StoredOperation) {
    return {
      id: `${url}/certificates/${certificate.name}/pending`,
      issuer: { name: operation.issuerName },
      csr: operation.csrDer.toString("base64"),
      cancellation_requested: operation.cancellationRequested,
      status: operation.status,
      ...(operation.status === "inProgress"
        ? {
            status_details:
              "Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.",
          }
        : {}),
      ...(operation.status === "completed" ? { target: `${url}/certificates/${certificate.name}` } : {}),
      request_id: operation.requestId,
    };
  },
};
